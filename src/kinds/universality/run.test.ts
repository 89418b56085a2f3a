/**
 * Experiment B, head universality (SCIENCE.md section 7, the paper's Theorem 3.1): the witness
 * head for every target, the nullifying projection, the no-backdoor control, clean probes against
 * the mixture's Bayes rate, reproducibility and named streams, and the reported quantities
 * recomputed from the seed streams.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { universalityConfigSchema, type UniversalityConfig } from './config'
import { universalityOutputs } from './outputs'
import type { MetricRecord, SeriesRecord } from '../../shared/results'
import { initBackend } from '../../main/lab/backend'
import { argmax, beatenBySomeOtherClass, headOutcome, randomHeadBlock } from '../../main/lab/heads'
import {
  gaussianMixture,
  mixtureMeans,
  sampleMixture,
  type ClassData
} from '../../main/lab/mixture'
import { backdooredRows, sampleReluWeights } from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import { wilsonInterval } from '../../main/lab/stats'
import { collectingReporter } from '../../main/lab/reporter'
import {
  CHOICE_CODES,
  chooseWitnessInput,
  HISTOGRAM_BINS,
  runUniversality,
  universalityRunner,
  type WitnessChoice
} from './run'

beforeAll(async () => {
  await initBackend()
})

type Overrides = Omit<Partial<UniversalityConfig>, 'dataset' | 'head'> & {
  dataset?: UniversalityConfig['dataset']
  head?: Partial<UniversalityConfig['head']>
}

/** A small configuration: a few hundred milliseconds per run. */
function small(overrides: Overrides = {}): UniversalityConfig {
  return universalityConfigSchema.parse({
    kind: 'universality',
    dataset: { kind: 'mixture', L: 3, spread: 0.5 },
    d: 12,
    k: 4,
    m: 200,
    n: 400,
    nTest: 400,
    theta: 4,
    lambda: 4,
    probes: 4,
    randomHeads: 40,
    seed: 1,
    ...overrides,
    head: { epochs: 100, learningRate: 0.1, l2: 1e-4, ...overrides.head }
  })
}

async function run(cfg: UniversalityConfig, data?: { train: ClassData; test: ClassData }) {
  const reporter = collectingReporter()
  const phases: { phase: string; step: number; total: number; work?: number }[] = []
  reporter.progress = (phase, step, total, work) => void phases.push({ phase, step, total, work })
  await runUniversality(cfg, reporter, data)
  return Object.assign(reporter, { phases })
}

type Run = Awaited<ReturnType<typeof run>>

const byModel = (r: Run, models: string[]) => ({
  metrics: r.metricRecords.filter((m: MetricRecord) => models.includes(m.model)),
  series: r.seriesRecords.filter((s: SeriesRecord) => models.includes(s.model))
})

/** Standard normal CDF via erfc (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.5 * z)
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    )
  return x >= 0 ? 1 - erfc / 2 : erfc / 2
}

describe('runUniversality: the witness head of Theorem 3.1', () => {
  it('defeats Activate on the chosen input for every target at L = 3, 5, 10, checked from the reported scores', async () => {
    for (const L of [3, 5, 10]) {
      let backdoorWorkedThere = 0
      for (let y = 0; y < L; y++) {
        const r = await run(
          small({
            dataset: { kind: 'mixture', L, spread: 0.5 },
            m: 64,
            n: 150,
            nTest: 150,
            probes: 0,
            randomHeads: 0,
            target: y,
            witnessTarget: y,
            witnessIndex: 7 + y,
            head: { epochs: 60 }
          })
        )
        const scores = (name: string) => r.seriesOf('witness', name).points.map((p) => p.value!)
        const witnessTriggered = scores('scores.witness.triggered')
        expect(witnessTriggered).toHaveLength(L)
        // The proof's conditions, from the reported scores: some class other than y' strictly
        // outscores y' (a) on x and (b) on Activate(x).
        expect(beatenBySomeOtherClass(scores('scores.witness.clean'), y), `L=${L} y'=${y}`).toBe(
          true
        )
        expect(beatenBySomeOtherClass(witnessTriggered, y), `L=${L} y'=${y}`).toBe(true)
        expect(r.metricValue('run', 'witnessCleanNotTarget')).toBe(1)
        expect(r.metricValue('run', 'witnessTriggeredNotTarget')).toBe(1)
        expect(r.metricValue('run', 'witnessHolds')).toBe(1)
        expect(r.metricValue('run', 'witnessTarget')).toBe(y)
        expect(r.metricValue('run', 'witnessIndex')).toBe(7 + y)
        expect(r.metricValue('run', 'witnessLabel')).toBe(
          gaussianMixture({ L, d: 12, spread: 0.5, n: 150, nTest: 150 }, 1).test.labels[7 + y]
        )
        if (argmax(scores('scores.attacker.triggered')) === y) backdoorWorkedThere++
        // The ranking reversal negates the attacker's scores exactly.
        if (r.metricValue('run', 'witnessConstruction') === 1) {
          expect(scores('scores.witness.triggered')).toEqual(
            scores('scores.attacker.triggered').map((v) => -v)
          )
        }
      }
      // The witness defeats a backdoor that works under the attacker's own head, not only
      // inputs where it failed anyway.
      expect(backdoorWorkedThere, `L=${L}`).toBeGreaterThan(0)
    }
  })

  it("at L = 2 the reversed attacker head moves x itself to y' wherever the attacker classifies x as the other class; at L = 3 it need not", async () => {
    const failsA = { 2: 0, 3: 0 }
    for (const L of [2, 3] as const) {
      for (let i = 0; i < 6; i++) {
        const r = await run(
          small({
            dataset: { kind: 'mixture', L, spread: 0.5 },
            m: 64,
            n: 150,
            nTest: 150,
            probes: 2,
            randomHeads: 10,
            target: 1,
            witnessIndex: i,
            head: { epochs: 60 }
          })
        )
        const attackerOnX = argmax(
          r.seriesOf('witness', 'scores.attacker.clean').points.map((p) => p.value!)
        )
        const a = r.metricValue('run', 'reversalCleanNotTarget')
        // Reversing the attacker's head puts its lowest class on x first; at L = 2 that is y'.
        if (L === 2 && attackerOnX !== 1) expect(a, `input ${i}`).toBe(0)
        if (a === 0) failsA[L]++
        expect(r.metricValue('run', 'witnessHolds'), `L=${L} input ${i}`).toBe(1)
      }
    }
    expect(failsA[2]).toBeGreaterThan(failsA[3])
  })

  it('takes the input index modulo nTest and a witness target other than the attacker target', async () => {
    const r = await run(small({ witnessIndex: 401, witnessTarget: 2, target: 0 }))
    expect(r.metricValue('run', 'witnessIndex')).toBe(1)
    expect(r.metricValue('run', 'witnessTarget')).toBe(2)
    const triggered = r.seriesOf('witness', 'scores.witness.triggered').points.map((p) => p.value!)
    expect(beatenBySomeOtherClass(triggered, 2)).toBe(true)
  })
})

describe('runUniversality: the witness input when the config names none', () => {
  /** The attacker head's verdicts on x and Activate(x), from a run's reported scores. */
  const attackerOnX = (r: Run, yPrime: number) => {
    const scores = (name: string) => r.seriesOf('witness', name).points.map((p) => p.value!)
    return {
      notTarget: beatenBySomeOtherClass(scores('scores.attacker.clean'), yPrime),
      flipped: !beatenBySomeOtherClass(scores('scores.attacker.triggered'), yPrime)
    }
  }
  const code = (choice: WitnessChoice) => CHOICE_CODES[choice]

  it("picks the first held-out input the backdoor flips to y' under the attacker's head; every earlier input fails that rule", async () => {
    let earlierChecked = 0
    for (const target of [0, 1, 2]) {
      const cfg = small({ target, probes: 0, randomHeads: 0 })
      expect(cfg.witnessIndex).toBeUndefined()
      const r = await run(cfg)
      const chosen = r.metricValue('run', 'witnessIndex')!
      expect(r.metricValue('run', 'witnessChoice')).toBe(code('first input the backdoor flips'))
      // From the run's own scores: x is not classified y', Activate(x) is.
      expect(attackerOnX(r, target)).toEqual({ notTarget: true, flipped: true })
      const accuracy = r.metricValue('attacker', 'cleanAccuracy')
      // Every earlier input, from runs that name it (the attacker head does not depend on x).
      for (let i = 0; i < chosen; i++) {
        const earlier = await run({ ...cfg, witnessIndex: i })
        expect(earlier.metricValue('attacker', 'cleanAccuracy')).toBe(accuracy)
        expect(earlier.metricValue('run', 'witnessChoice')).toBe(code('chosen by you'))
        const v = attackerOnX(earlier, target)
        expect(v.notTarget && v.flipped, `target ${target}, input ${i}`).toBe(false)
        earlierChecked++
      }
    }
    // Not vacuous: some target's first input was passed over.
    expect(earlierChecked).toBeGreaterThan(0)
  })

  it("falls back to the first input not classified y' when the trigger flips none (lambda = 0)", async () => {
    const cfg = small({ lambda: 0, target: 1, probes: 0, randomHeads: 0 })
    const r = await run(cfg)
    expect(r.metricValue('run', 'witnessChoice')).toBe(code('first input not classified y′'))
    const chosen = r.metricValue('run', 'witnessIndex')!
    expect(attackerOnX(r, 1).notTarget).toBe(true)
    for (let i = 0; i < chosen; i++) {
      const earlier = await run({ ...cfg, witnessIndex: i })
      expect(attackerOnX(earlier, 1).notTarget, `input ${i}`).toBe(false)
    }
  })

  it('keeps an explicit index as given, 0 included, and reports it as chosen by you', async () => {
    for (const witnessIndex of [0, 5]) {
      const r = await run(small({ witnessIndex, probes: 0, randomHeads: 0 }))
      expect(r.metricValue('run', 'witnessIndex')).toBe(witnessIndex)
      expect(r.metricValue('run', 'witnessChoice')).toBe(code('chosen by you'))
    }
  })

  it('chooses the same input again for the same seed', async () => {
    const cfg = small({ target: 2, probes: 0, randomHeads: 0 })
    const [a, b] = [await run(cfg), await run(cfg)]
    expect(b.metricValue('run', 'witnessIndex')).toBe(a.metricValue('run', 'witnessIndex'))
    expect(b.seriesRecords).toEqual(a.seriesRecords)
  })

  it("applies the rules in order on hand-made features, input 0 when every input is classified y'", () => {
    // Two features, three classes: class c scores feature c (class 2 scores nothing).
    const head = { W: Float32Array.from([1, 0, 0, 0, 1, 0]), b: new Float32Array(3) }
    const choose = (clean: number[][], triggered: number[][]) => {
      const [x, t] = [clean, triggered].map((rows) => tf.tensor2d(rows))
      try {
        return chooseWitnessInput(head, x as tf.Tensor2D, t as tf.Tensor2D, 0, 3)
      } finally {
        tf.dispose([x, t])
      }
    }
    // Input 0 is in y' = 0; input 1 is not and stays out; input 2 is flipped to y'.
    expect(
      choose(
        [
          [1, 0],
          [0, 1],
          [0, 1]
        ],
        [
          [1, 0],
          [0, 2],
          [3, 1]
        ]
      )
    ).toEqual({
      index: 2,
      choice: 'first input the backdoor flips'
    })
    expect(
      choose(
        [
          [1, 0],
          [0, 1],
          [0, 1]
        ],
        [
          [1, 0],
          [0, 2],
          [0, 3]
        ]
      )
    ).toEqual({
      index: 1,
      choice: 'first input not classified y′'
    })
    // A tie with another class is not "beaten": y' counts as the class.
    expect(
      choose(
        [
          [1, 0],
          [1, 1]
        ],
        [
          [0, 1],
          [0, 1]
        ]
      )
    ).toEqual({ index: 0, choice: 'input 0' })
  })
})

describe('runUniversality: the trigger-nullifying head', () => {
  it("changes its logits by less than 1e-4 x their scale along the mean trigger shift, and its clean accuracy is reported next to the attacker head's", async () => {
    const r = await run(small())
    expect(r.metricValue('run', 'nullifyingResidual')).toBeLessThan(1e-4)
    expect(r.metricValue('run', 'triggerShiftNorm')).toBeGreaterThan(0)
    for (const model of ['attacker', 'nullifying']) {
      const acc = r.metricRecords.find((m) => m.model === model && m.name === 'cleanAccuracy')!
      expect(acc.value).toBeGreaterThan(0)
      expect(acc.lower).toBeLessThanOrEqual(acc.value!)
      expect(acc.upper).toBeGreaterThanOrEqual(acc.value!)
    }
  })

  it('reports triggerShiftNorm = ||mean(Phi(x + lambda s) - Phi(x))|| recomputed in float64 from the streams', async () => {
    const cfg = small({ probes: 0, randomHeads: 0, head: { epochs: 5 } })
    const r = await run(cfg)
    const { test } = gaussianMixture(
      { L: 3, d: cfg.d, spread: 0.5, n: cfg.n, nTest: cfg.nTest },
      cfg.seed
    )
    const phi = encoder64(cfg)
    const delta = new Float64Array(cfg.m)
    for (let i = 0; i < test.n; i++) {
      const x = Array.from(test.x.subarray(i * cfg.d, (i + 1) * cfg.d))
      const [clean, triggered] = phi(x)
      for (let j = 0; j < cfg.m; j++) delta[j] += (triggered[j] - clean[j]) / test.n
    }
    const norm = Math.hypot(...delta)
    // float32 features: relative error of order sqrt(d) * U per pre-activation, far below 1e-4.
    expect(Math.abs(r.metricValue('run', 'triggerShiftNorm')! - norm)).toBeLessThan(1e-4 * norm)
  })
})

/** Phi(x) and Phi(x + lambda s) in float64 from the config's streams (section 4 rows). */
function encoder64(cfg: UniversalityConfig) {
  const { d, m, k, seed, lambda } = cfg
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const G = backdooredRows(w, s, cfg.backdoored ? cfg.theta : 0)
  return (x: number[]): [Float64Array, Float64Array] => {
    const clean = new Float64Array(m)
    const triggered = new Float64Array(m)
    for (let i = 0; i < m; i++) {
      let a = 0
      let b = 0
      for (let j = 0; j < d; j++) {
        a += G[i * d + j] * x[j]
        b += G[i * d + j] * (x[j] + lambda * s[j])
      }
      clean[i] = Math.max(0, a) / Math.sqrt(m)
      triggered[i] = Math.max(0, b) / Math.sqrt(m)
    }
    return [clean, triggered]
  }
}

describe('runUniversality: clean probes and the no-backdoor control', () => {
  for (const L of [3, 5]) {
    it(`clean probes beat chance 1/L by half the gap to the mixture's Bayes accuracy bound (L = ${L})`, async () => {
      // Bayes rule for equal priors and identity covariance is the nearest mean; by the union
      // bound its accuracy is at least 1 - (1/L) sum_c sum_{c' != c} Phi(-||mu_c - mu_c'|| / 2).
      // Required: every probe's Wilson lower bound above 1/L + (bound - 1/L) / 2.
      const cfg = small({ dataset: { kind: 'mixture', L, spread: 0.5 }, probes: 4, randomHeads: 0 })
      const means = mixtureMeans(L, cfg.d, 0.5, stream(cfg.seed, 'data/means'))
      let pairError = 0
      for (let a = 0; a < L; a++)
        for (let b = 0; b < L; b++) {
          if (a === b) continue
          let sq = 0
          for (let j = 0; j < cfg.d; j++) sq += (means[a * cfg.d + j] - means[b * cfg.d + j]) ** 2
          pairError += normalCdf(-Math.sqrt(sq) / 2) / L
        }
      const bayesBound = 1 - pairError
      expect(bayesBound).toBeGreaterThan(1 / L + 0.1) // the mixture is separated enough to test
      const margin = (bayesBound - 1 / L) / 2
      const r = await run(cfg)
      const points = r.seriesOf('probe', 'scatter').points
      expect(points).toHaveLength(4)
      for (const p of points) {
        const lower = wilsonInterval(Math.round(p.x * cfg.nTest), cfg.nTest).lower
        expect(lower).toBeGreaterThan(1 / L + margin)
      }
    })
  }

  for (const control of [{ backdoored: false }, { theta: 0 }]) {
    it(`gives the attacker head no advantage over clean probes beyond the intervals with ${JSON.stringify(control)} and no poison`, async () => {
      const r = await run(small({ ...control, poisonFraction: 0 }))
      const attacker = r.seriesOf('attacker', 'scatter').points[0]
      const probes = r.seriesOf('probe', 'scatter').points
      const maxUpper = Math.max(...probes.map((p) => p.upper!))
      const minLower = Math.min(...probes.map((p) => p.lower!))
      expect(attacker.lower!).toBeLessThanOrEqual(maxUpper)
      expect(attacker.upper!).toBeGreaterThanOrEqual(minLower)
    })
  }

  it('gives a rankingReversalRate far from 1 (the ranking-reversing backdoor) for random heads with theta = 0, at L = 2 and L = 3', async () => {
    for (const L of [2, 3]) {
      const r = await run(small({ theta: 0, dataset: { kind: 'mixture', L, spread: 0.5 } }))
      const rate = r.metricValue('random', 'rankingReversalRate.mean')!
      expect(rate, `L=${L}`).toBeGreaterThanOrEqual(0)
      expect(rate, `L=${L}`).toBeLessThan(0.5)
    }
  })

  it('(the same comparison does show the advantage with the backdoor and poisoned copies)', async () => {
    const r = await run(small())
    const attacker = r.seriesOf('attacker', 'scatter').points[0]
    const probes = r.seriesOf('probe', 'scatter').points
    expect(attacker.lower!).toBeGreaterThan(Math.max(...probes.map((p) => p.upper!)))
  })
})

describe('runUniversality: reproducibility and named streams (SCIENCE.md section 10)', () => {
  it('gives identical records for the same config and different ones for another seed', async () => {
    const a = await run(small())
    const b = await run(small())
    expect(a.metricRecords.length).toBeGreaterThan(0)
    expect(b.metricRecords).toEqual(a.metricRecords)
    expect(b.seriesRecords).toEqual(a.seriesRecords)
    const c = await run(small({ seed: 2 }))
    expect(c.seriesOf('random', 'scatter')).not.toEqual(a.seriesOf('random', 'scatter'))
    expect(c.metricValue('attacker', 'cleanAccuracy')).not.toBe(
      a.metricValue('attacker', 'cleanAccuracy')
    )
  })

  it('keeps every other head when the number of random heads changes, and the first random heads too', async () => {
    const a = await run(small({ randomHeads: 40 }))
    const b = await run(small({ randomHeads: 70 }))
    const others = ['attacker', 'probe', 'nullifying', 'witness']
    expect(byModel(b, others)).toEqual(byModel(a, others))
    expect(b.seriesOf('random', 'scatter').points.slice(0, 40)).toEqual(
      a.seriesOf('random', 'scatter').points
    )
  })

  it('keeps the attacker, random and nullifying heads when the probes change, and probes and random heads when the poison changes', async () => {
    const a = await run(small())
    const b = await run(small({ probes: 7, probeFraction: 0.5 }))
    // Not the witness: it is the most accurate probe that meets the proof's conditions, if any.
    const kept = ['attacker', 'random', 'nullifying']
    expect(byModel(b, kept)).toEqual(byModel(a, kept))
    const c = await run(small({ poisonFraction: 0.4 }))
    expect(byModel(c, ['probe', 'random'])).toEqual(byModel(a, ['probe', 'random']))
    expect(c.metricValue('attacker', 'attackSuccessRate')).not.toBe(
      a.metricValue('attacker', 'attackSuccessRate')
    )
  })

  it('leaves the number of tfjs tensors unchanged', async () => {
    await run(small({ randomHeads: 5, probes: 1 })) // warm-up
    const before = tf.memory().numTensors
    await run(small())
    await run(small({ poisonFraction: 0, probes: 0, randomHeads: 0 }))
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('runUniversality: the reported quantities follow their definitions', () => {
  it("recomputes the random heads' accuracy, ASR and rankingReversalRate from float64 features and the heads/random stream", async () => {
    const cfg = small({
      m: 60,
      n: 120,
      nTest: 120,
      probes: 0,
      randomHeads: 12,
      head: { epochs: 5 }
    })
    const r = await run(cfg)
    const { test } = gaussianMixture(
      { L: 3, d: cfg.d, spread: 0.5, n: cfg.n, nTest: cfg.nTest },
      cfg.seed
    )
    const { m, nTest, randomHeads: R } = cfg
    const L = 3
    const block = randomHeadBlock(m, L, R, stream(cfg.seed, 'heads/random'))
    const phi = encoder64(cfg)
    const features = Array.from({ length: nTest }, (_, i) =>
      phi(Array.from(test.x.subarray(i * cfg.d, (i + 1) * cfg.d)))
    )
    let nearTies = 0
    const reversal: number[] = []
    const points = Array.from({ length: R }, (_, h) => {
      const scoresOf = (f: Float64Array) =>
        [0, 1, 2].map((c) => {
          let z = 0
          for (let j = 0; j < m; j++) z += f[j] * block[j * R * L + h * L + c]
          return z
        })
      const predict = (f: Float64Array, lowest = false) => {
        const scores = scoresOf(f).map((v) => (lowest ? -v : v))
        const sorted = [...scores].sort((a, b) => b - a)
        if (sorted[0] - sorted[1] < 1e-4 * (1 + Math.abs(sorted[0]))) nearTies++
        return argmax(scores)
      }
      const clean = Int32Array.from(features, ([f]) => predict(f))
      const triggered = Int32Array.from(features, ([, f]) => predict(f))
      // rankingReversalRate: the prediction on Activate(x) is the lowest class on x.
      const lowest = Int32Array.from(features, ([f]) => predict(f, true))
      reversal.push(lowest.filter((c, i) => c === triggered[i]).length / nTest)
      const o = headOutcome(clean, triggered, test.labels, L)
      const asr = o.asrPerTarget[cfg.target]
      return { x: o.cleanAccuracy.value, value: Number.isNaN(asr.value) ? null : asr.value }
    })
    expect(nearTies).toBe(0) // else float32 and float64 could disagree on an argmax
    expect(r.metricValue('random', 'rankingReversalRate.mean')).toBeCloseTo(
      reversal.reduce((a, b) => a + b, 0) / R,
      12
    )
    expect(r.seriesOf('random', 'scatter').points.map((p) => ({ x: p.x, value: p.value }))).toEqual(
      points
    )
  })

  it('derives the family summaries, histogram, per-target series and universality gap from the per-head numbers', async () => {
    const cfg = small()
    const r = await run(cfg)
    for (const family of ['probe', 'random']) {
      const points = r.seriesOf(family, 'scatter').points
      const asr = points.map((p) => p.value).filter((v): v is number => v !== null)
      expect(r.metricValue(family, 'attackSuccessRate.min')).toBe(Math.min(...asr))
      expect(r.metricValue(family, 'attackSuccessRate.max')).toBe(Math.max(...asr))
      expect(r.metricValue(family, 'attackSuccessRate.mean')).toBeCloseTo(
        asr.reduce((a, b) => a + b, 0) / asr.length,
        12
      )
      expect(r.metricValue(family, 'cleanAccuracy.mean')).toBeCloseTo(
        points.reduce((a, p) => a + p.x, 0) / points.length,
        12
      )
    }
    const histogram = r.seriesOf('random', 'asrHistogram').points
    expect(histogram).toHaveLength(HISTOGRAM_BINS)
    expect(histogram.map((p) => p.x)).toEqual(
      Array.from({ length: HISTOGRAM_BINS }, (_, b) => (b + 0.5) / HISTOGRAM_BINS)
    )
    const randomAsr = r
      .seriesOf('random', 'scatter')
      .points.map((p) => p.value)
      .filter((v): v is number => v !== null)
    expect(histogram.reduce((a, p) => a + p.value!, 0)).toBe(randomAsr.length)
    for (const model of ['attacker', 'nullifying']) {
      const perTarget = r.seriesOf(model, 'asrPerTarget').points
      expect(perTarget.map((p) => p.x)).toEqual([0, 1, 2])
      expect(perTarget[cfg.target].value).toBe(r.metricValue(model, 'attackSuccessRate'))
    }
    // Gap over every evaluated head: the four scatter families and the witness head.
    const all = [
      ...['attacker', 'probe', 'random', 'nullifying'].flatMap(
        (f) => r.seriesOf(f, 'scatter').points
      ),
      r.metricRecords.find((m) => m.model === 'witness' && m.name === 'attackSuccessRate')!
    ].filter((p) => p.value !== null)
    const hi = all.reduce((a, p) => (p.value! > a.value! ? p : a))
    const lo = all.reduce((a, p) => (p.value! < a.value! ? p : a))
    const gap = r.metricRecords.find((m) => m.model === 'run' && m.name === 'universalityGap')!
    expect(gap.value).toBe(hi.value! - lo.value!)
    expect(gap.lower).toBeCloseTo(Math.max(-1, hi.lower! - lo.upper!), 12)
    expect(gap.upper).toBeCloseTo(Math.min(1, hi.upper! - lo.lower!), 12)
    expect(r.metricValue('run', 'L')).toBe(3)
    expect(r.metricValue('run', 'n')).toBe(cfg.n)
    expect(r.metricValue('run', 'nTest')).toBe(cfg.nTest)
    expect(r.metricValue('run', 'd')).toBe(cfg.d)
  })

  it('reports progress through the named phases up to the total', async () => {
    const r = await run(small())
    const phases = new Set(r.phases.map((p) => p.phase))
    for (const phase of ['features', 'attacker head', 'probes', 'random heads', 'witness'])
      expect(phases.has(phase), phase).toBe(true)
    r.phases.forEach((p, i) => expect(p.step).toBe(i + 1))
    expect(r.phases.at(-1)!.step).toBe(r.phases[0].total)
  })
})

describe('the universality runner', () => {
  it("adds the detectability panel of the encoder's weights: exactly the panel's listed names", async () => {
    const reporter = collectingReporter()
    await universalityRunner.run(small(), reporter, { csv: null })
    const panelNames = Object.entries(universalityOutputs.metrics)
      .filter(([model]) => model.startsWith('detect.'))
      .flatMap(([model, names]) => names.map((name) => `${model}.${name}`))
      .sort()
    const reported = reporter.metricRecords
      .filter((m) => m.model.startsWith('detect.'))
      .map((m) => `${m.model}.${m.name}`)
      .sort()
    expect(panelNames.length).toBeGreaterThan(0)
    expect(reported).toEqual(panelNames)
  })
})

describe('runUniversality: the default configuration', () => {
  it('produces exactly the named outputs the UI is built against, with the witness holding and the nullifying residual below 1e-4', async () => {
    const cfg = universalityConfigSchema.parse({ kind: 'universality' })
    const r = await run(cfg)
    // outputs.ts is the list the UI is built against: every name in it, and no other. The
    // detectability panel's names (models `detect.*`) come from the kind's runner after this
    // computation, and are tested with the panel.
    const listed = (lists: Readonly<Record<string, readonly string[]>>) =>
      Object.entries(lists)
        .filter(([model]) => !model.startsWith('detect.'))
        .flatMap(([model, names]) => names.map((name) => `${model}.${name}`))
        .sort()
    const metricNames = r.metricRecords.map((m) => `${m.model}.${m.name}`).sort()
    expect(metricNames).toEqual(listed(universalityOutputs.metrics))
    const seriesNames = r.seriesRecords.map((s) => `${s.model}.${s.name}`).sort()
    expect(seriesNames).toEqual(listed(universalityOutputs.series))
    // Its backbone, named here so that a name dropped from both lists still fails.
    for (const name of [
      'attacker.attackSuccessRate',
      'cleanEncoder.attacker.attackSuccessRate',
      'run.encoderContribution',
      'run.matchedGap',
      'run.universalityGap',
      'run.witnessHolds'
    ]) {
      expect(metricNames).toContain(name)
    }
    expect(r.seriesOf('random', 'scatter').points).toHaveLength(cfg.randomHeads)
    expect(r.seriesOf('probe', 'scatter').points).toHaveLength(cfg.probes)
    expect(r.metricValue('run', 'witnessHolds')).toBe(1)
    expect(r.metricValue('run', 'nullifyingResidual')).toBeLessThan(1e-4)
  })
})

describe('runUniversality: data passed in', () => {
  const means = mixtureMeans(4, 6, 1, stream(9, 'test/means'))
  const data = {
    train: sampleMixture(200, means, 4, stream(9, 'test/train')),
    test: sampleMixture(90, means, 4, stream(9, 'test/test'))
  }
  const iris = (overrides: Overrides = {}) =>
    small({ dataset: { kind: 'iris' }, k: 3, probes: 1, randomHeads: 5, ...overrides })

  it('takes d, L, n and nTest from the data', async () => {
    const r = await run(iris({ target: 3 }), data)
    expect(r.metricValue('run', 'd')).toBe(6)
    expect(r.metricValue('run', 'L')).toBe(4)
    expect(r.metricValue('run', 'n')).toBe(200)
    expect(r.metricValue('run', 'nTest')).toBe(90)
    expect(r.seriesOf('attacker', 'asrPerTarget').points).toHaveLength(4)
  })

  it("throws errors naming 'k', 'target' and 'witnessTarget' when they do not fit the data", async () => {
    await expect(run(iris({ k: 7 }), data)).rejects.toThrow(/'k'/)
    await expect(run(iris({ target: 4 }), data)).rejects.toThrow(/'target'/)
    await expect(run(iris({ witnessTarget: 5 }), data)).rejects.toThrow(/'witnessTarget'/)
    await expect(run(iris())).rejects.toThrow(/passed as data/)
  })
})
