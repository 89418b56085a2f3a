/**
 * `npm run bench`: what the computation costs here. Prints the backend, matMul throughput on the
 * fast path and with a transpose flag, and the effectiveness experiment end to end, with the
 * one-product design (SCIENCE.md section 10) against a naive version that multiplies once per
 * model and per lambda.
 */
import * as tf from '@tensorflow/tfjs-core'
import { effectivenessConfigSchema } from '../src/kinds/effectiveness/config'
import { lambdaValues } from '../src/shared/schema'
import { initBackend } from '../src/main/lab/backend'
import { runEffectiveness } from '../src/kinds/effectiveness/run'
import { collectingReporter } from '../src/main/lab/reporter'
import { normTask } from '../src/main/lab/data'
import { backdooredRows, sampleReluWeights, scoreGrid } from '../src/main/lab/relu'
import { stream } from '../src/main/lab/rng'
import { sampleSecret } from '../src/main/lab/secret'
import { runFinetune } from '../src/kinds/finetune/run'
import { finetuneConfigSchema } from '../src/kinds/finetune/config'

function time(fn: () => void, repeats = 3): number {
  fn() // warm-up
  const start = performance.now()
  for (let i = 0; i < repeats; i++) fn()
  return (performance.now() - start) / repeats / 1000
}

async function main() {
  const env = await initBackend()
  console.log(
    `backend: ${env.backend} (${Object.entries(env.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`
  )

  const [n, d, m] = [2000, 100, 2000]
  const a = tf.randomNormal([n, d])
  const bt = tf.randomNormal([d, m])
  const b = tf.transpose(bt)
  const flops = 2 * n * d * m
  const fast = time(() => tf.matMul(a, bt).dataSync())
  const flagged = time(() => tf.matMul(a, b, false, true).dataSync())
  console.log(
    `matMul ${n}x${d} by ${d}x${m}: ${(flops / fast / 1e9).toFixed(1)} GFLOP/s without transpose flags, ${(flops / flagged / 1e9).toFixed(1)} GFLOP/s with transposeB`
  )
  tf.dispose([a, b, bt])

  for (const mm of [2000, 8000]) {
    const config = effectivenessConfigSchema.parse({ kind: 'effectiveness', m: mm })
    const seconds = time(() => void runEffectiveness(config, collectingReporter()), 2)
    console.log(
      `effectiveness run, defaults with m=${mm} (17 lambdas, 2 models + theory): ${seconds.toFixed(2)} s`
    )
  }

  // One product for both models and all lambdas, against one product per model and lambda.
  const config = effectivenessConfigSchema.parse({ kind: 'effectiveness' })
  const lambdas = lambdaValues(config.lambdas)
  const data = normTask(config.nTest, config.d, stream(1, 'bench'))
  const s = sampleSecret(config.d, config.k, stream(1, 'key'))
  const w = sampleReluWeights(config.m, config.d, stream(1, 'w'), stream(1, 'u'))
  const designed = time(() => void scoreGrid(data.x, data.n, w, s, config.theta, lambdas))
  const naive = time(() => {
    for (const theta of [0, config.theta]) {
      const g = backdooredRows(w, s, theta)
      for (const lambda of lambdas) {
        tf.tidy(() => {
          const shifted = Float32Array.from(data.x, (v, i) => v + lambda * s[i % config.d])
          const pre = tf.matMul(
            tf.tensor2d(shifted, [data.n, config.d]),
            tf.transpose(tf.tensor2d(g, [config.m, config.d]))
          )
          return tf.mean(tf.relu(pre), 1).dataSync()
        })
      }
    }
  }, 1)
  console.log(
    `scores for 2 models x ${lambdas.length} lambdas: ${designed.toFixed(2)} s with one product, ${naive.toFixed(2)} s naive (${(naive / designed).toFixed(1)}x)`
  )

  // Fine-tuning in one process, both models interleaved (the whole-process comparison runs it in
  // two pool workers).
  const finetune = finetuneConfigSchema.parse({ kind: 'finetune' })
  const start = performance.now()
  await runFinetune(finetune, collectingReporter())
  console.log(
    `fine-tuning, defaults (m=${finetune.m}, ${finetune.train.epochs} epochs of Adam, batch ${finetune.train.batchSize}), both models in one process: ${((performance.now() - start) / 1000).toFixed(1)} s`
  )
}

void main()
