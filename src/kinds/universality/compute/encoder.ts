/**
 * The universality experiment's encoder and heads (run.ts, SCIENCE.md section 7): the features of
 * every input set, the attacker head and the clean probes, and every head family's outcomes on one
 * encoder. Main bundle only.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { UniversalityConfig } from '../config'
import {
  blockSize,
  column,
  headOutcome,
  nullifyHead,
  predictBlock,
  predictHeads,
  randomHeadBlock,
  rankingReversalRate,
  type Head,
  type HeadOutcome
} from '../../../main/lab/heads'
import type { ClassData } from '../../../main/lab/mixture'
import { stream, type Rng } from '../../../main/lab/rng'
import {
  sampleWeights,
  trainSoftmax,
  trainSoftmaxHeads,
  type SoftmaxOptions
} from '../../../main/lab/softmax'
import type { EncoderOutcomes } from '../measures'

/** What both encoders share: the data, the poisoned rows, the head training and progress. */
export interface Context {
  config: UniversalityConfig
  train: ClassData
  test: ClassData
  s: Float32Array
  poisonRows: Int32Array
  tick: (phase: string) => void
  headOptions: (phase: string) => SoftmaxOptions
}

/** The encoder's features of every input set; the caller disposes them. */
export interface Features {
  phiTrain: tf.Tensor2D
  /** Phi(x + lambda s) of the poisoned training rows; undefined without poison. */
  phiPoison: tf.Tensor2D | undefined
  phiTest: tf.Tensor2D
  phiTrig: tf.Tensor2D
}

/** A head family's outcomes on one encoder, the heads themselves and the nullifying projection. */
export interface HeadsOnEncoder {
  attacker: Head
  probes: Head[]
  nullified: ReturnType<typeof nullifyHead>
  outcomes: EncoderOutcomes
  /** rankingReversalRate of the attacker, each probe and each random head, when asked for. */
  reversal: { attacker: number; probe: number[]; random: number[] } | null
}

/**
 * Phi(x) of the training and held-out sets from one product X G^T each, and
 * Phi(x + lambda s) = ReLU(X G^T + lambda (G s)^T) / sqrt(m) of the poisoned rows and held-out set.
 */
export function encode(G: Float32Array, ctx: Context, phase: string): Features {
  const { config, train, test, s, poisonRows } = ctx
  const { m, lambda } = config
  const { d } = train
  const gs = new Float32Array(m) // <g_i, s>: the trigger's shift of every pre-activation
  for (let i = 0; i < m; i++) {
    let dot = 0
    for (let j = 0; j < d; j++) dot += G[i * d + j] * s[j]
    gs[i] = dot
  }
  const scale = 1 / Math.sqrt(m)
  const [Gt, shift] = tf.tidy(() => [tf.transpose(tf.tensor2d(G, [m, d])), tf.tensor2d(gs, [1, m])])
  try {
    const [phiTrain, phiPoison] = tf.tidy(() => {
      const P = tf.matMul(tf.tensor2d(train.x, [train.n, d]), Gt)
      const clean = tf.mul(tf.relu(P), scale) as tf.Tensor2D
      if (poisonRows.length === 0) return [clean]
      const rows = tf.gather(P, tf.tensor1d(poisonRows, 'int32'))
      return [clean, tf.mul(tf.relu(tf.add(rows, tf.mul(shift, lambda))), scale) as tf.Tensor2D]
    }) as [tf.Tensor2D, tf.Tensor2D | undefined]
    ctx.tick(phase)
    const [phiTest, phiTrig] = tf.tidy(() => {
      const P = tf.matMul(tf.tensor2d(test.x, [test.n, d]), Gt)
      return [
        tf.mul(tf.relu(P), scale) as tf.Tensor2D,
        tf.mul(tf.relu(tf.add(P, tf.mul(shift, lambda))), scale) as tf.Tensor2D
      ]
    })
    ctx.tick(phase)
    return { phiTrain, phiPoison, phiTest, phiTrig }
  } finally {
    tf.dispose([Gt, shift])
  }
}

/**
 * 1. The attacker head: the clean training set plus poisoned copies (x + lambda s, target).
 * 2. Clean linear probes, each on its own subsample (stream probe/<i>), trained together.
 * Consumes the poisoned features.
 */
export function trainHeads(
  f: Features,
  ctx: Context,
  phase = ''
): { attacker: Head; probes: Head[] } {
  const { config, train } = ctx
  const { n, L } = train
  const labels = new Int32Array(n + ctx.poisonRows.length)
  labels.set(train.labels)
  labels.fill(config.target, n)
  const features = f.phiPoison === undefined ? f.phiTrain : tf.concat([f.phiTrain, f.phiPoison], 0)
  let attacker: Head
  try {
    const fit = trainSoftmax(features, labels, L, ctx.headOptions(`${phase}attacker head`))
    attacker = { W: fit.W, b: fit.b }
  } finally {
    if (features !== f.phiTrain) features.dispose()
    f.phiPoison?.dispose()
    f.phiPoison = undefined
  }
  const probeSize = Math.max(1, Math.round(config.probeFraction * n))
  const probes: Head[] =
    config.probes === 0
      ? []
      : trainSoftmaxHeads(
          f.phiTrain,
          train.labels,
          L,
          Array.from({ length: config.probes }, (_, i) =>
            sampleWeights(n, sampleRows(n, probeSize, stream(config.seed, `probe/${i}`)))
          ),
          ctx.headOptions(`${phase}probes`)
        ).map((fit) => ({ W: fit.W, b: fit.b }))
  return { attacker, probes }
}

/**
 * Every head's clean accuracy and ASR per target on the held-out set: the trained heads, the
 * random heads (W i.i.d. N(0, 1), b = 0, stream heads/random, in blocks: one matMul per block and
 * set; `visitRandom` sees each) and the trigger-nullifying head (the attacker's W with the mean
 * trigger shift projected out). Each family is evaluated in its own blocks, so no head's numbers
 * depend on how many heads another family has.
 */
export function evaluateHeads(
  f: Features,
  trained: { attacker: Head; probes: Head[] },
  ctx: Context,
  options: { phase?: string; rankings: boolean; visitRandom?: (head: () => Head) => void }
): HeadsOnEncoder {
  const { config, test } = ctx
  const { m } = config
  const { L } = test
  const phase = options.phase ?? ''
  const evalSets = [f.phiTest, f.phiTrig]
  const outcomes = (heads: Head[]) => {
    const [clean, triggered] = predictHeads(evalSets, heads, L)
    return heads.map((_, h) => headOutcome(clean[h], triggered[h], test.labels, L))
  }
  /** rankingReversalRate of each head (see the header). */
  const reversalRates = (heads: Head[]) => {
    const [[lowest], [, triggered]] = [
      predictHeads([f.phiTest], heads, L, undefined, 'lowest'),
      predictHeads(evalSets, heads, L)
    ]
    return heads.map((_, h) => rankingReversalRate(lowest[h], triggered[h]))
  }
  const { attacker, probes } = trained
  const attackerOutcome = outcomes([attacker])
  const probeOutcomes = outcomes(probes)

  const randomOutcomes: HeadOutcome[] = []
  const randomReversal: number[] = []
  const randomRng = stream(config.seed, 'heads/random')
  const chunk = blockSize(test.n, L)
  for (let start = 0; start < config.randomHeads; start += chunk) {
    const count = Math.min(chunk, config.randomHeads - start)
    const block = randomHeadBlock(m, L, count, randomRng)
    const [clean, triggered] = predictBlock(evalSets, block, null, count, L)
    const [lowest] = options.rankings
      ? predictBlock([f.phiTest], block, null, count, L, 'lowest')
      : [null]
    for (let h = 0; h < count; h++) {
      const triggeredH = column(triggered, count, h)
      randomOutcomes.push(headOutcome(column(clean, count, h), triggeredH, test.labels, L))
      if (lowest) randomReversal.push(rankingReversalRate(column(lowest, count, h), triggeredH))
      options.visitRandom?.(() => headOfBlock(block, count, h, m, L))
    }
    ctx.tick(`${phase}random heads`)
  }

  const deltaT = tf.tidy(() => tf.mean(tf.sub(f.phiTrig, f.phiTest), 0))
  const delta = Float64Array.from(deltaT.dataSync())
  deltaT.dispose()
  const nullified = nullifyHead(attacker, delta, L)
  const nullifyingOutcome = outcomes([nullified.head])
  ctx.tick(`${phase}nullifying`)
  return {
    attacker,
    probes,
    nullified,
    outcomes: {
      attacker: attackerOutcome,
      probe: probeOutcomes,
      random: randomOutcomes,
      nullifying: nullifyingOutcome
    },
    reversal: options.rankings
      ? {
          attacker: reversalRates([attacker])[0],
          probe: reversalRates(probes),
          random: randomReversal
        }
      : null
  }
}

/** The clean-encoder twin: the same heads trained and measured on G = Z (theta = 0). */
export function measureCleanEncoder(Z: Float32Array, ctx: Context): EncoderOutcomes {
  const phase = 'clean encoder: '
  const f = encode(Z, ctx, `${phase}features`)
  try {
    return evaluateHeads(f, trainHeads(f, ctx, phase), ctx, { phase, rankings: false }).outcomes
  } finally {
    tf.dispose([f.phiTrain, f.phiPoison, f.phiTest, f.phiTrig].filter((t) => t !== undefined))
  }
}

/** `count` distinct rows of 0..n-1 in random order (partial Fisher-Yates). */
export function sampleRows(n: number, count: number, rng: Rng): Int32Array {
  if (count > n) throw new Error(`cannot choose ${count} rows out of ${n}`)
  const order = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order.slice(0, count)
}

/** Head h of a random-head block (m x count*L, no bias) as a head of its own. */
function headOfBlock(block: Float32Array, count: number, h: number, m: number, L: number): Head {
  const W = new Float32Array(m * L)
  for (let j = 0; j < m; j++)
    for (let c = 0; c < L; c++) W[j * L + c] = block[j * count * L + h * L + c]
  return { W, b: new Float32Array(L) }
}
