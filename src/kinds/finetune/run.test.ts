/**
 * Experiment A, fine-tuning (SCIENCE.md section 6): the reported names and shapes, the controls
 * (learning rate 0, zero epochs, theta = 0), the width scaling of plain SGD against scaleGByM,
 * reproducibility, that training trains, and tensor hygiene.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { finetuneConfigSchema, type FinetuneConfig, type TrainingConfig } from './config'
import { lambdaValues } from '../../shared/schema'
import { lambda50 } from '../../main/lab/stats'
import type { MetricRecord, SeriesPoint } from '../../shared/results'
import { initBackend } from '../../main/lab/backend'
import { normTask } from '../../main/lab/data'
import { stream } from '../../main/lab/rng'
import { runFinetune } from './run'
import { runExperiment } from '../main'
import { collectingReporter } from '../../main/lab/reporter'

beforeAll(async () => {
  await initBackend()
})

type Overrides = Omit<Partial<FinetuneConfig>, 'train'> & { train?: Partial<TrainingConfig> }

/** A small configuration: well under a second per run. */
function config(overrides: Overrides = {}): FinetuneConfig {
  const { train, ...rest } = overrides
  return finetuneConfigSchema.parse({
    kind: 'finetune',
    d: 20,
    k: 4,
    m: 200,
    n: 256,
    nTest: 200,
    theta: 4,
    lambdas: { from: 0, to: 6, steps: 7 },
    trackLambda: 2,
    seed: 3,
    ...rest,
    train: { epochs: 3, batchSize: 32, ...train }
  })
}

async function run(cfg: FinetuneConfig, data?: Parameters<typeof runFinetune>[2]) {
  const reporter = collectingReporter()
  const progress: { phase: string; step: number; total: number }[] = []
  reporter.progress = (phase, step, total) => void progress.push({ phase, step, total })
  await runFinetune(cfg, reporter, data)
  /** The series as the store keeps them: points of records with the same model and name appended. */
  const series = (model: string, name: string): SeriesPoint[] => {
    const records = reporter.seriesRecords.filter((r) => r.model === model && r.name === name)
    if (records.length === 0) throw new Error(`no series ${model}.${name}`)
    return records.flatMap((r) => r.points)
  }
  /** The last value reported for a metric (the store overwrites). */
  const metric = (model: string, name: string): MetricRecord => {
    const found = reporter.metricRecords.filter((r) => r.model === model && r.name === name)
    if (found.length === 0) throw new Error(`no metric ${model}.${name}`)
    return found[found.length - 1]
  }
  return { reporter, progress, series, metric }
}

const MODELS = ['clean', 'backdoored'] as const
const EPOCH_SERIES = [
  'epoch.loss',
  'epoch.cleanAccuracy',
  'epoch.attackSuccessRate',
  'epoch.spikeEnergy',
  'epoch.weightDrift',
  'epoch.tau',
  'epoch.a',
  'epoch.traceOverD',
  'epoch.normalisedSpikeEnergy',
  'epoch.nullSpikeEnergy',
  'epoch.robustAccuracy'
]
const BEFORE_AFTER = [
  'cleanAccuracy',
  'attackSuccessRate',
  'lambda50',
  'spikeEnergy',
  'loss',
  'tau',
  'a',
  'robustAccuracy',
  'traceOverD',
  'normalisedSpikeEnergy',
  'nullSpikeEnergy',
  'lambda50Undefined'
]

describe('runFinetune: what it reports', () => {
  it('reports every named series and metric, one epoch point per record, progress in epochs', async () => {
    const cfg = config()
    const r = await run(cfg)
    const E = cfg.train.epochs
    for (const model of MODELS) {
      for (const name of EPOCH_SERIES) {
        // Appended one point per epoch as the epoch finishes.
        const records = r.reporter.seriesRecords.filter((s) => s.model === model && s.name === name)
        expect(records.map((s) => s.points.length)).toEqual(Array(E + 1).fill(1))
        expect(r.series(model, name).map((p) => p.x)).toEqual([0, 1, 2, 3])
      }
      for (const when of ['before', 'after']) {
        const points = r.series(model, `attackSuccessRate.${when}`)
        expect(points.map((p) => p.x)).toEqual(lambdaValues(cfg.lambdas))
        expect(points[0].value).toBe(0) // lambda = 0: candidates are not in the target class
        for (const p of points) {
          expect(p.lower!).toBeLessThanOrEqual(p.value!)
          expect(p.upper!).toBeGreaterThanOrEqual(p.value!)
        }
        for (const name of BEFORE_AFTER) r.metric(model, `${name}.${when}`)
      }
      expect(r.metric(model, 'weightDrift.after').value!).toBeGreaterThan(0)
      for (const name of ['epoch.cleanAccuracy', 'epoch.attackSuccessRate']) {
        for (const p of r.series(model, name)) {
          expect(p.lower!).toBeLessThanOrEqual(p.value!)
          expect(p.upper!).toBeGreaterThanOrEqual(p.value!)
        }
      }
      // The ends of the epoch series are the measurements before and after.
      const last = (name: string) => r.series(model, name)[E]
      const first = (name: string) => r.series(model, name)[0]
      expect(first('epoch.loss').value).toBe(r.metric(model, 'loss.before').value)
      expect(last('epoch.loss').value).toBe(r.metric(model, 'loss.after').value)
      expect(last('epoch.weightDrift').value).toBe(r.metric(model, 'weightDrift.after').value)
      expect(first('epoch.weightDrift').value).toBe(0)
      for (const [series, name] of [
        ['epoch.cleanAccuracy', 'cleanAccuracy'],
        ['epoch.attackSuccessRate', 'attackSuccessRate'],
        ['epoch.spikeEnergy', 'spikeEnergy'],
        ['epoch.tau', 'tau'],
        ['epoch.a', 'a'],
        ['epoch.traceOverD', 'traceOverD'],
        ['epoch.normalisedSpikeEnergy', 'normalisedSpikeEnergy'],
        ['epoch.nullSpikeEnergy', 'nullSpikeEnergy'],
        ['epoch.robustAccuracy', 'robustAccuracy']
      ]) {
        expect(first(series).value).toBe(r.metric(model, `${name}.before`).value)
        expect(last(series).value).toBe(r.metric(model, `${name}.after`).value)
      }
    }
    for (const when of ['before', 'after']) r.metric('run', `advantage.${when}`)
    expect(r.metric('run', 'trackLambda').value).toBe(2)
    expect(r.metric('run', 'epochsCompleted').value).toBe(E)
    expect(
      r.reporter.metricRecords.filter((m) => m.name === 'epochsCompleted').map((m) => m.value)
    ).toEqual([0, 1, 2, 3])
    expect(r.metric('run', 'meanInputNorm').value!).toBeGreaterThan(0)
    expect(r.metric('data', 'n').value).toBe(256)
    expect(r.metric('data', 'nTest').value).toBe(200)
    expect(r.metric('data', 'd').value).toBe(20)
    expect(
      r.progress.filter((p) => p.phase === 'fine-tuning').map((p) => [p.step, p.total])
    ).toEqual([
      [1, E],
      [2, E],
      [3, E]
    ])
  })

  it('reports the advantage as ASR_backdoored - ASR_clean at trackLambda, every epoch and before/after', async () => {
    const r = await run(config())
    const clean = r.series('clean', 'epoch.attackSuccessRate')
    const backdoored = r.series('backdoored', 'epoch.attackSuccessRate')
    const advantage = r.series('run', 'epoch.advantage')
    expect(advantage.map((p) => p.x)).toEqual([0, 1, 2, 3])
    advantage.forEach((p, i) => {
      expect(p.value).toBeCloseTo(backdoored[i].value! - clean[i].value!, 14)
      expect(p.lower!).toBeLessThanOrEqual(p.value!)
      expect(p.upper!).toBeGreaterThanOrEqual(p.value!)
    })
    for (const when of ['before', 'after']) {
      expect(r.metric('run', `advantage.${when}`).value).toBeCloseTo(
        r.metric('backdoored', `attackSuccessRate.${when}`).value! -
          r.metric('clean', `attackSuccessRate.${when}`).value!,
        14
      )
    }
    // The spike energy intervals: +- 1.96 (1 + theta) sqrt(2/m), and 1.96 sqrt(2/m) for clean.
    for (const [model, spread] of [
      ['clean', Math.sqrt(2 / 200)],
      ['backdoored', 5 * Math.sqrt(2 / 200)]
    ] as const) {
      const e = r.metric(model, 'spikeEnergy.before')
      expect(e.upper! - e.value!).toBeCloseTo(1.959963984540054 * spread, 12)
    }
  })

  it('reports the backdoor cost as clean accuracy backdoored − clean, and the majority-class rate of the held-out labels', async () => {
    const cfg = config()
    const r = await run(cfg)
    for (const when of ['before', 'after']) {
      const cost = r.metric('run', `backdoorCost.${when}`)
      const accuracy = (model: string) => r.metric(model, `cleanAccuracy.${when}`).value!
      expect(cost.value).toBeCloseTo(accuracy('backdoored') - accuracy('clean'), 14)
      expect(cost.lower!).toBeLessThan(cost.value!)
      expect(cost.upper!).toBeGreaterThan(cost.value!)
    }
    const test = normTask(cfg.nTest, cfg.d, stream(cfg.seed, 'data/test'))
    const positives = Array.from(test.y).filter((y) => y === 1).length
    const majority = r.metric('data', 'majorityRate')
    expect(majority.value).toBe(Math.max(positives, cfg.nTest - positives) / cfg.nTest)
    expect(majority.lower!).toBeLessThan(majority.value!)
    expect(r.metric('run', 'nullDirections').value).toBe(200)
  })

  it('normalised spike energy: about θ for the backdoored network, inside its null band for the clean one', async () => {
    // The band's 95% range over 200 directions at m = 200 is about ±1.96 sqrt(2/m) = ±0.2; θ = 4
    // is far outside it. (The statistic's distribution is checked in spike.test.ts.)
    const r = await run(config())
    for (const when of ['before', 'after']) {
      const band = r.metric('clean', `nullSpikeEnergy.${when}`)
      const clean = r.metric('clean', `normalisedSpikeEnergy.${when}`).value!
      const backdoored = r.metric('backdoored', `normalisedSpikeEnergy.${when}`).value!
      expect(band.lower!).toBeLessThan(band.value!)
      expect(band.upper!).toBeGreaterThan(band.value!)
      expect(backdoored).toBeGreaterThan(r.metric('backdoored', `nullSpikeEnergy.${when}`).upper!)
      expect(Math.abs(clean)).toBeLessThan(4 * Math.sqrt(2 / 200))
    }
  })

  it('reports λ50 before and after with its bootstrap interval, both networks resampled together', async () => {
    const cfg = config()
    const r = await run(cfg)
    const lambdas = lambdaValues(cfg.lambdas)
    for (const model of MODELS) {
      for (const when of ['before', 'after']) {
        const e = r.metric(model, `lambda50.${when}`)
        // The point value is read from the stored ASR curve, as before.
        const rates = r.series(model, `attackSuccessRate.${when}`).map((p) => p.value ?? 0)
        expect(e.value).toBe(lambda50(lambdas, rates))
        const share = r.metric(model, `lambda50Undefined.${when}`).value!
        expect(share).toBeGreaterThanOrEqual(0)
        expect(share).toBeLessThanOrEqual(1)
        if (e.value != null && e.lower != null) expect(e.lower).toBeLessThanOrEqual(e.value)
        if (e.value != null && e.upper != null) expect(e.upper).toBeGreaterThanOrEqual(e.value)
        // A bound is open (null) only where resamples missed ½.
        if (share === 0) expect([e.lower, e.upper].includes(null)).toBe(false)
      }
    }
  })

  it('is dispatched by runExperiment', async () => {
    const reporter = collectingReporter()
    await runExperiment(config({ train: { epochs: 1 } }), reporter)
    expect(reporter.metricValue('run', 'trackLambda')).toBe(2)
  })
})

describe('runFinetune: controls', () => {
  const controls: [string, Partial<TrainingConfig>][] = [
    ['learning rate 0', { learningRate: 0, parameters: ['G', 'tau', 'a'] }],
    ['0 epochs', { epochs: 0 }]
  ]
  for (const [label, train] of controls) {
    it(`with ${label} every '.after' equals its '.before' exactly and nothing drifts`, async () => {
      const r = await run(config({ train }))
      const afters = r.reporter.metricRecords.filter((m) => m.name.endsWith('.after'))
      // Per model, the weight drifts, the advantage and the backdoor's cost.
      expect(afters.length).toBe(2 * BEFORE_AFTER.length + 2 + 2)
      for (const after of afters) {
        const name = after.name.replace(/\.after$/, '')
        if (name === 'weightDrift') {
          expect(after.value).toBe(0)
          continue
        }
        const { name: _, ...beforeValues } = r.metric(after.model, `${name}.before`)
        const { name: __, ...afterValues } = after
        expect(afterValues, `${after.model}.${name}`).toEqual(beforeValues)
      }
      for (const model of MODELS) {
        expect(r.series(model, 'attackSuccessRate.after')).toEqual(
          r.series(model, 'attackSuccessRate.before')
        )
        for (const name of EPOCH_SERIES) {
          const points = r.series(model, name)
          for (const p of points) expect({ ...p, x: 0 }).toEqual(points[0])
        }
      }
    })
  }

  it('with theta = 0 the backdoored network is the clean one: identical series and metrics', async () => {
    const r = await run(config({ theta: 0, train: { parameters: ['G', 'tau', 'a'] } }))
    const of = (model: string) => ({
      metrics: r.reporter.metricRecords
        .filter((m) => m.model === model)
        .map(({ model: _, ...rest }) => rest),
      series: r.reporter.seriesRecords
        .filter((s) => s.model === model)
        .map(({ model: _, ...rest }) => rest)
    })
    expect(of('backdoored').metrics.length).toBeGreaterThan(0)
    expect(of('backdoored')).toEqual(of('clean'))
    for (const p of r.series('run', 'epoch.advantage')) expect(p.value).toBe(0)
    expect(r.metric('clean', 'weightDrift.after').value!).toBeGreaterThan(0)
  })
})

describe('runFinetune: the width scaling of plain SGD (SCIENCE.md section 6, step 4)', () => {
  // With the 1/m in the score, dL/dg_i = (1/m) sum_b c_b 1[<g_i, x_b> > 0] x_b: each row's
  // gradient is O(1/m) (c_b and the rows' activations do not depend on m in distribution). So
  // ||G - G0||_F ~ sqrt(m) lr T / m and, with ||G0||_F ~ sqrt(m d), the relative drift scales like
  // 1/m: from m = 200 to m = 3200 it should shrink by 16. The finite-m fluctuations of a = 1/std(f)
  // and of the per-row gradients are of order 1/sqrt(200) = 7%, and in these few small steps
  // the trajectories hardly bend, so a factor of 4 either way is a wide margin around 16 while
  // a missing 1/m (ratio about 1) or an extra one (about 256) is far outside it.
  // With scaleGByM, lr_G = lr * m cancels the 1/m: the per-row step, and so the relative drift,
  // no longer depends on m (mean-field scaling); its ratio should be about 1, asserted within 2x.
  const at = (m: number, train: Partial<TrainingConfig>) =>
    run(config({ m, train: { optimizer: 'sgd', epochs: 2, parameters: ['G', 'tau'], ...train } }))

  it('plain SGD: the relative drift shrinks like 1/m', async () => {
    const narrow = await at(200, { learningRate: 0.5 })
    const wide = await at(3200, { learningRate: 0.5 })
    for (const model of MODELS) {
      const ratio =
        narrow.metric(model, 'weightDrift.after').value! /
        wide.metric(model, 'weightDrift.after').value!
      expect(ratio, model).toBeGreaterThan(16 / 4)
      expect(ratio, model).toBeLessThan(16 * 4)
    }
  })

  it('SGD with scaleGByM: the relative drift is roughly width-independent', async () => {
    const narrow = await at(200, { learningRate: 0.005, scaleGByM: true })
    const wide = await at(3200, { learningRate: 0.005, scaleGByM: true })
    for (const model of MODELS) {
      const ratio =
        narrow.metric(model, 'weightDrift.after').value! /
        wide.metric(model, 'weightDrift.after').value!
      expect(ratio, model).toBeGreaterThan(1 / 2)
      expect(ratio, model).toBeLessThan(2)
    }
  })
})

describe('runFinetune: reproducibility and training', () => {
  it('gives identical records for the same config and seed, and different ones for another seed', async () => {
    const cfg = config({ train: { parameters: ['G', 'tau', 'a'] } })
    const a = await run(cfg)
    const b = await run(cfg)
    expect(b.reporter.metricRecords).toEqual(a.reporter.metricRecords)
    expect(b.reporter.seriesRecords).toEqual(a.reporter.seriesRecords)
    const c = await run({ ...cfg, seed: 4 })
    expect(c.reporter.seriesRecords).not.toEqual(a.reporter.seriesRecords)
    expect(c.metric('clean', 'loss.after').value).not.toBe(a.metric('clean', 'loss.after').value)
  })

  it('reduces the training loss with Adam at the default learning rate on the norm task', async () => {
    const r = await run(config({ train: { optimizer: 'adam', learningRate: 0.001, epochs: 3 } }))
    for (const model of MODELS) {
      expect(r.metric(model, 'loss.after').value!, model).toBeLessThan(
        r.metric(model, 'loss.before').value!
      )
    }
  })

  it('leaves the number of tfjs tensors unchanged', async () => {
    await run(config({ train: { epochs: 1 } })) // warm-up
    const before = tf.memory().numTensors
    await run(config({ train: { optimizer: 'sgd', weightDecay: 0.1 } }))
    await run(config({ train: { optimizer: 'momentum', parameters: ['G', 'tau', 'a'] } }))
    await run(config({ dataset: { kind: 'synthetic', labels: 'teacher' } }))
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('runFinetune: data passed by the caller', () => {
  const data = (d: number) => ({
    train: normTask(120, d, stream(9, 'test/train')),
    test: normTask(60, d, stream(9, 'test/test'))
  })

  it('takes d from the data, not from the config', async () => {
    const r = await run(config({ d: 100, k: 3, train: { epochs: 1 } }), data(7))
    expect(r.metric('data', 'd').value).toBe(7)
    expect(r.metric('data', 'n').value).toBe(120)
    expect(r.metric('data', 'nTest').value).toBe(60)
  })

  it("throws an error naming 'k' when k exceeds the data's d", async () => {
    await expect(run(config({ k: 8 }), data(7))).rejects.toThrow(/\bk\b/)
  })

  it('refuses a real data set that was not passed in', async () => {
    await expect(run(config({ dataset: { kind: 'iris', positiveClass: 2 } }))).rejects.toThrow(
      /iris/
    )
  })
})
