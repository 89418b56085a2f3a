/**
 * The effectiveness experiment (SCIENCE.md sections 3-5 and 10): reproducibility, the theta = 0
 * control, and the measured lambda50 of both networks against the large-m theory overlay.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { effectivenessConfigSchema, type EffectivenessConfig } from './config'
import { lambdaValues } from '../../shared/schema'
import { initBackend } from '../../main/lab/backend'
import { normTask, rowNormsAndProjections } from '../../main/lab/data'
import { limitScores, sampleReluWeights, scoreGrid } from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import { Z95, fitThreshold } from '../../main/lab/stats'
import { runEffectiveness } from './run'
import { lambda50Bootstrap } from '../../main/lab/lambda50Bootstrap'
import { collectingReporter } from '../../main/lab/reporter'

beforeAll(async () => {
  await initBackend()
})

function config(overrides: Partial<EffectivenessConfig>): EffectivenessConfig {
  return effectivenessConfigSchema.parse({ kind: 'effectiveness', ...overrides })
}

async function run(cfg: EffectivenessConfig) {
  const reporter = collectingReporter()
  await runEffectiveness(cfg, reporter)
  return reporter
}

/** A small configuration: seconds of work in total for all the structural checks. */
const small = (overrides: Partial<EffectivenessConfig> = {}) =>
  config({
    d: 20,
    k: 4,
    m: 300,
    n: 300,
    nTest: 300,
    theta: 4,
    lambdas: { from: 0, to: 6, steps: 13 },
    seed: 11,
    ...overrides
  })

const MODELS = ['clean', 'backdoored', 'theory.clean', 'theory.backdoored']

describe('runEffectiveness: reproducibility (SCIENCE.md section 10)', () => {
  it('gives identical metric and series records for the same config and seed', async () => {
    const a = await run(small())
    const b = await run(small())
    expect(a.metricRecords.length).toBeGreaterThan(0)
    expect(b.metricRecords).toEqual(a.metricRecords)
    expect(b.seriesRecords).toEqual(a.seriesRecords)
  })

  it('gives different records for a different seed', async () => {
    const a = await run(small({ seed: 11 }))
    const b = await run(small({ seed: 12 }))
    expect(b.seriesRecords).not.toEqual(a.seriesRecords)
    expect(b.metricValue('clean', 'tau')).not.toBe(a.metricValue('clean', 'tau'))
  })

  it('leaves the clean network and its theory untouched when only theta changes (named streams, common random numbers)', async () => {
    const a = await run(small({ theta: 1 }))
    const b = await run(small({ theta: 6 }))
    for (const model of ['clean', 'theory.clean']) {
      expect(b.metricRecords.filter((r) => r.model === model)).toEqual(
        a.metricRecords.filter((r) => r.model === model)
      )
      expect(b.seriesOf(model, 'attackSuccessRate')).toEqual(a.seriesOf(model, 'attackSuccessRate'))
    }
    expect(b.seriesOf('backdoored', 'attackSuccessRate')).not.toEqual(
      a.seriesOf('backdoored', 'attackSuccessRate')
    )
  })

  it('leaves the number of tfjs tensors unchanged', async () => {
    await run(small()) // warm-up: backend-internal allocations happen on first use
    const before = tf.memory().numTensors
    await run(small({ theta: 0 }))
    await run(small({ theta: 2, labels: 'teacher' }))
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('runEffectiveness: definitions of the reported quantities (SCIENCE.md section 5)', () => {
  it('reports ASR exactly 0 at lambda = 0 for every model (candidates are not yet in the target class)', async () => {
    for (const target of [1, -1] as const) {
      const r = await run(small({ target }))
      for (const model of MODELS) {
        const first = r.seriesOf(model, 'attackSuccessRate').points[0]
        expect(first.x).toBe(0)
        expect(first.value).toBe(0)
      }
    }
  })

  it('reports ASR series on the configured lambda grid with each value inside its interval', async () => {
    const cfg = small()
    const r = await run(cfg)
    for (const model of MODELS) {
      const points = r.seriesOf(model, 'attackSuccessRate').points
      expect(points.map((p) => p.x)).toEqual(lambdaValues(cfg.lambdas))
      for (const p of points) {
        expect(p.lower!).toBeLessThanOrEqual(p.value! + 1e-12)
        expect(p.upper!).toBeGreaterThanOrEqual(p.value! - 1e-12)
      }
    }
  })

  it('reports the advantage as ASR_backdoored - ASR_clean at every lambda', async () => {
    const r = await run(small())
    const clean = r.seriesOf('clean', 'attackSuccessRate').points
    const backdoored = r.seriesOf('backdoored', 'attackSuccessRate').points
    r.seriesOf('run', 'advantage').points.forEach((p, i) => {
      expect(p.x).toBe(clean[i].x)
      expect(p.value).toBeCloseTo(backdoored[i].value! - clean[i].value!, 14)
    })
  })

  it('reports the lambda50 ratio as clean over backdoored, and the relative trigger size as lambda ||s|| / mean ||x||', async () => {
    const r = await run(small())
    expect(r.metricValue('run', 'lambda50Ratio')).toBeCloseTo(
      r.metricValue('clean', 'lambda50')! / r.metricValue('backdoored', 'lambda50')!,
      14
    )
    const meanNorm = r.metricValue('run', 'meanInputNorm')!
    // x ~ N(0, I_20): E||x|| = sqrt(2) Gamma(21/2) / Gamma(10) = 4.41661, SD sqrt(20 - 4.41661^2)
    // = 0.703; over nTest = 300 inputs, 5 standard errors are 5 * 0.703 / sqrt(300) = 0.203.
    expect(Math.abs(meanNorm - 4.41661)).toBeLessThan((5 * 0.703) / Math.sqrt(300))
    for (const p of r.seriesOf('run', 'relativeTriggerSize').points)
      expect(p.value).toBeCloseTo(p.x / meanNorm, 6)
  })
})

describe('runEffectiveness: the bootstrap interval of λ50 and the λ50 ratio (SCIENCE.md section 5)', () => {
  const metric = (r: ReturnType<typeof collectingReporter>, model: string, name: string) =>
    r.metricRecords.find((m) => m.model === model && m.name === name)!

  it('reports λ50 of both networks and their ratio with bounds around the value, B = 1000 recorded', async () => {
    const r = await run(small())
    for (const [model, name] of [
      ['clean', 'lambda50'],
      ['backdoored', 'lambda50'],
      ['run', 'lambda50Ratio']
    ]) {
      const e = metric(r, model, name)
      expect(e.lower!, `${model}.${name}`).toBeLessThanOrEqual(e.value!)
      expect(e.upper!, `${model}.${name}`).toBeGreaterThanOrEqual(e.value!)
      expect(e.lower!).toBeLessThan(e.upper!)
    }
    expect(r.metricValue('clean', 'lambda50Undefined')).toBe(0)
    expect(r.metricValue('backdoored', 'lambda50Undefined')).toBe(0)
    expect(r.metricValue('run', 'lambda50RatioUndefined')).toBe(0)
    expect(r.metricValue('run', 'bootstrapResamples')).toBe(1000)
    // The theory curves are read on the same inputs but carry no interval.
    expect(metric(r, 'theory.clean', 'lambda50').lower).toBeUndefined()
  })

  it('resamples the held-out inputs of the run from its own stream, both networks together', async () => {
    // Recomputed from the definitions: candidates and flips per input at every λ, then the
    // bootstrap with the run's stream 'bootstrap/lambda50'.
    const cfg = small({ seed: 5 })
    const r = await run(cfg)
    const { d, k, m, n, nTest, theta, seed, target } = cfg
    const lambdas = lambdaValues(cfg.lambdas)
    const train = normTask(n, d, stream(seed, 'data/train'))
    const test = normTask(nTest, d, stream(seed, 'data/test'))
    const s = sampleSecret(d, k, stream(seed, 'key'))
    const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
    const trainGrid = scoreGrid(train.x, n, w, s, theta, [0])
    const testGrid = scoreGrid(test.x, nTest, w, s, theta, lambdas)
    const outcomesOf = (model: 'clean' | 'backdoored') => {
      const tau = fitThreshold(trainGrid[model][0], train.y)
      const label = (values: ArrayLike<number>, i: number) => (values[i] > tau ? 1 : -1)
      return {
        candidate: Uint8Array.from({ length: nTest }, (_, i) =>
          label(testGrid[model][0], i) !== target ? 1 : 0
        ),
        inTarget: (j: number, i: number) => label(testGrid[model][j], i) === target
      }
    }
    const expected = lambda50Bootstrap(
      lambdas,
      { clean: outcomesOf('clean'), backdoored: outcomesOf('backdoored') },
      stream(seed, 'bootstrap/lambda50')
    )
    for (const [model, name, e] of [
      ['clean', 'lambda50', expected.clean],
      ['backdoored', 'lambda50', expected.backdoored],
      ['run', 'lambda50Ratio', expected.ratio]
    ] as const) {
      expect(metric(r, model, name)).toEqual({
        model,
        name,
        value: e.value,
        lower: e.lower,
        upper: e.upper
      })
    }
  })

  it('with θ = 0 gives both networks the same interval and a ratio of exactly 1', async () => {
    const r = await run(small({ theta: 0 }))
    const { model: _c, ...clean } = metric(r, 'clean', 'lambda50')
    const { model: _b, ...backdoored } = metric(r, 'backdoored', 'lambda50')
    expect(backdoored).toEqual(clean)
    expect(metric(r, 'run', 'lambda50Ratio')).toMatchObject({ value: 1, lower: 1, upper: 1 })
  })

  it('when the grid ends before ASR reaches ½, reports λ50 as undefined with an open upper bound', async () => {
    // λ up to 0.5 is far below either network's λ50 (about 1.5 and 3 here).
    const r = await run(small({ lambdas: { from: 0, to: 0.5, steps: 3 } }))
    for (const model of ['clean', 'backdoored']) {
      expect(metric(r, model, 'lambda50')).toMatchObject({ value: null, upper: null })
      expect(r.metricValue(model, 'lambda50Undefined')).toBe(1)
    }
    expect(metric(r, 'run', 'lambda50Ratio')).toMatchObject({
      value: null,
      lower: null,
      upper: null
    })
    expect(r.metricValue('run', 'lambda50RatioUndefined')).toBe(1)
  })

  it('is left out when the caller asks for point values only', async () => {
    const reporter = collectingReporter()
    await runEffectiveness(small(), reporter, { lambda50Interval: false })
    const full = await run(small())
    expect(metric(reporter, 'run', 'lambda50Ratio')).toEqual({
      model: 'run',
      name: 'lambda50Ratio',
      value: full.metricValue('run', 'lambda50Ratio')
    })
    expect(reporter.metricRecords.some((m) => m.name === 'bootstrapResamples')).toBe(false)
  })
})

describe('runEffectiveness: the chance level and the backdoor cost (SCIENCE.md section 5)', () => {
  it('reports the majority-class rate of the held-out labels and the cost as clean accuracy backdoored − clean', async () => {
    const cfg = small()
    const r = await run(cfg)
    const test = normTask(cfg.nTest, cfg.d, stream(cfg.seed, 'data/test'))
    const positives = Array.from(test.y).filter((y) => y === 1).length
    expect(r.metricValue('data', 'majorityRate')).toBe(
      Math.max(positives, cfg.nTest - positives) / cfg.nTest
    )
    const cost = r.metricRecords.find((m) => m.name === 'backdoorCost')!
    expect(cost.value).toBeCloseTo(
      r.metricValue('backdoored', 'cleanAccuracy')! - r.metricValue('clean', 'cleanAccuracy')!,
      14
    )
    expect(cost.lower!).toBeLessThan(cost.value!)
    expect(cost.upper!).toBeGreaterThan(cost.value!)
  })

  it('with θ = 0 the backdoor costs exactly nothing', async () => {
    const cost = (await run(small({ theta: 0 }))).metricRecords.find(
      (m) => m.name === 'backdoorCost'
    )!
    expect(cost.value).toBe(0)
    expect(cost.lower!).toBeLessThan(0)
    expect(cost.upper!).toBeGreaterThan(0)
  })
})

describe('runEffectiveness: the reported numbers follow the definitions (recomputed from the seed streams)', () => {
  // SCIENCE.md section 10 names the streams: data, key, weights (Z) and the spike coefficients u.
  // The scores come from scoreGrid and limitScores (tested against direct sums in relu.test.ts);
  // everything built on them is recomputed here from the definitions of sections 3 and 5.
  for (const target of [1, -1] as const) {
    it(`tau minimises training error, and accuracy, candidates and ASR match their definitions (target ${target})`, async () => {
      const cfg = small({ target, seed: 5 })
      const r = await run(cfg)
      const { d, k, m, n, nTest, theta, seed } = cfg
      const lambdas = lambdaValues(cfg.lambdas)
      const train = normTask(n, d, stream(seed, 'data/train'))
      const test = normTask(nTest, d, stream(seed, 'data/test'))
      const s = sampleSecret(d, k, stream(seed, 'key'))
      const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
      const trainGrid = scoreGrid(train.x, n, w, s, theta, [0])
      const testGrid = scoreGrid(test.x, nTest, w, s, theta, lambdas)
      const sNormSq = s.reduce((acc, v) => acc + v * v, 0)
      const geometry = (data: typeof train) => rowNormsAndProjections(data, s)
      const limit = (data: typeof train, t: number, lambda: number) => {
        const g = geometry(data)
        return limitScores(g.squaredNorms, g.projections, sNormSq, t, lambda)
      }
      const models: Record<string, { train: ArrayLike<number>; test: ArrayLike<number>[] }> = {
        clean: { train: trainGrid.clean[0], test: testGrid.clean },
        backdoored: { train: trainGrid.backdoored[0], test: testGrid.backdoored },
        'theory.clean': {
          train: limit(train, 0, 0),
          test: lambdas.map((l) => limit(test, 0, l))
        },
        'theory.backdoored': {
          train: limit(train, theta, 0),
          test: lambdas.map((l) => limit(test, theta, l))
        }
      }
      for (const model of MODELS) {
        const { train: trainScores, test: testScores } = models[model]
        const tau = r.metricValue(model, 'tau')!
        // Section 3: tau minimises training error of h = sgn(f - tau) (brute force over all cuts).
        const errors = (t: number) => {
          let e = 0
          for (let i = 0; i < n; i++) if ((trainScores[i] > t ? 1 : -1) !== train.y[i]) e++
          return e
        }
        const sorted = Float64Array.from(trainScores).sort()
        let best = Math.min(errors(sorted[0] - 1), errors(sorted[n - 1] + 1))
        for (let i = 0; i + 1 < n; i++)
          best = Math.min(best, errors((sorted[i] + sorted[i + 1]) / 2))
        expect(errors(tau), model).toBe(best)
        expect(tau, model).toBe(fitThreshold(trainScores, train.y))
        // Section 5: clean accuracy, candidates (not already in the target class), ASR(lambda).
        const predict = (values: ArrayLike<number>, i: number) => (values[i] > tau ? 1 : -1)
        let correct = 0
        const candidates: number[] = []
        for (let i = 0; i < nTest; i++) {
          if (predict(testScores[0], i) === test.y[i]) correct++
          if (predict(testScores[0], i) !== target) candidates.push(i)
        }
        expect(r.metricValue(model, 'cleanAccuracy'), model).toBe(correct / nTest)
        expect(r.metricValue(model, 'candidates'), model).toBe(candidates.length)
        const asr = r.seriesOf(model, 'attackSuccessRate').points
        lambdas.forEach((lambda, j) => {
          const flipped = candidates.filter((i) => predict(testScores[j], i) === target).length
          expect(asr[j].value, `${model} at lambda ${lambda}`).toBe(flipped / candidates.length)
        })
      }
    })
  }
})

describe('runEffectiveness: theta = 0 is the clean network', () => {
  it('gives identical clean and backdoored series, and an advantage interval containing 0 at every lambda', async () => {
    const r = await run(small({ theta: 0 }))
    expect(r.seriesOf('backdoored', 'attackSuccessRate')).toEqual({
      ...r.seriesOf('clean', 'attackSuccessRate'),
      model: 'backdoored'
    })
    expect(r.seriesOf('theory.backdoored', 'attackSuccessRate').points).toEqual(
      r.seriesOf('theory.clean', 'attackSuccessRate').points
    )
    expect(r.metricValue('backdoored', 'tau')).toBe(r.metricValue('clean', 'tau'))
    expect(r.metricValue('backdoored', 'lambda50')).toBe(r.metricValue('clean', 'lambda50'))
    for (const p of r.seriesOf('run', 'advantage').points) {
      expect(p.value).toBe(0)
      expect(p.lower!).toBeLessThanOrEqual(0)
      expect(p.upper!).toBeGreaterThanOrEqual(0)
    }
  })
})

describe('runEffectiveness at m = 8000: measurement against the theory overlay', () => {
  // SCIENCE.md section 4: finite m adds noise of order 1/sqrt(m) around the large-m limit. Most
  // of it is common to all inputs of one network (the m rows' projections on the one trigger
  // direction s, e.g. the term lambda <mean_i g_i, s> / 2 of the score shift, of order
  // lambda / (2 sqrt(m))), so it does not average out over nTest; it makes the measured lambda50
  // of a single seed scatter around the theory at m = 8000 (over 16 seeds: about 6% for the clean
  // model, correlated -0.93 with sqrt(m) <mean_i g_i, s>, and 4% for the backdoored one, so a
  // single seed misses 10% now and then without any bug). The check is therefore on the mean
  // ratio over SEEDS independent networks, whose scatter is smaller by sqrt(SEEDS) = 2; the 10%
  // tolerance is the acceptance criterion set for this comparison. A grid step of
  // 0.25 resolves lambda50 (about 1.6 to 3.2 here) to well under 10% with linear interpolation.
  const SEEDS = [1, 2, 3, 4]
  const science = (theta: number, seed: number) =>
    config({
      d: 100,
      k: 10,
      m: 8000,
      n: 2000,
      nTest: 2000,
      theta,
      lambdas: { from: 0, to: 8, steps: 33 },
      seed
    })

  for (const theta of [0, 3]) {
    it(`theta = ${theta}: each model's lambda50, averaged over ${SEEDS.length} seeds, lies within 10% of its theory overlay`, async () => {
      const before = tf.memory().numTensors
      const ratios: Record<string, number[]> = { clean: [], backdoored: [] }
      for (const seed of SEEDS) {
        const r = await run(science(theta, seed))
        for (const model of MODELS)
          expect(r.seriesOf(model, 'attackSuccessRate').points[0].value).toBe(0)
        for (const model of ['clean', 'backdoored']) {
          const measured = r.metricValue(model, 'lambda50')
          const theory = r.metricValue(`theory.${model}`, 'lambda50')
          expect(measured, `${model} lambda50, seed ${seed}`).not.toBeNull()
          expect(theory, `theory.${model} lambda50, seed ${seed}`).not.toBeNull()
          ratios[model].push(measured! / theory!)
        }
        // Spike energy: the interval is value +- Z95 (1 + theta) sqrt(2/m), the exact standard
        // error of a mean of m values (1 + theta) chi2_1; the value is within 4 of those of theta
        // (clean: 0). For the first seed, the 95% interval itself must contain theta.
        for (const [model, expected] of [
          ['clean', 0],
          ['backdoored', theta]
        ] as const) {
          const energy = r.metricRecords.find((x) => x.model === model && x.name === 'spikeEnergy')!
          const spread = (model === 'clean' ? 1 : 1 + theta) * Math.sqrt(2 / 8000)
          expect(energy.upper! - energy.value!).toBeCloseTo(Z95 * spread, 12)
          expect(energy.value! - energy.lower!).toBeCloseTo(Z95 * spread, 12)
          expect(
            Math.abs(energy.value! - expected),
            `${model} spike energy, seed ${seed}`
          ).toBeLessThan(4 * spread)
          if (seed === SEEDS[0] && model === 'backdoored') {
            expect(energy.lower!).toBeLessThanOrEqual(expected)
            expect(energy.upper!).toBeGreaterThanOrEqual(expected)
          }
        }
        if (theta > 0) {
          // The backdoor works: fewer trigger units are needed, in the measurement and the theory,
          // and somewhere on the grid the advantage is significantly positive.
          expect(r.metricValue('backdoored', 'lambda50')!).toBeLessThan(
            r.metricValue('clean', 'lambda50')!
          )
          expect(r.metricValue('theory.backdoored', 'lambda50')!).toBeLessThan(
            r.metricValue('theory.clean', 'lambda50')!
          )
          expect(
            Math.max(...r.seriesOf('run', 'advantage').points.map((p) => p.lower ?? -1))
          ).toBeGreaterThan(0)
        }
      }
      for (const model of ['clean', 'backdoored']) {
        const meanRatio = ratios[model].reduce((a, b) => a + b, 0) / SEEDS.length
        expect(
          Math.abs(meanRatio - 1),
          `${model}: measured/theory lambda50 per seed ${ratios[model].map((x) => x.toFixed(3)).join(', ')}`
        ).toBeLessThan(0.1)
      }
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})
