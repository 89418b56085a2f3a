/**
 * The clean-encoder twin, the encoder's contribution, the accuracy-matched gap and the head
 * optimiser of a universality run (SCIENCE.md sections 5, 7 and 10): invariants of the
 * computation, checked on small runs.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { universalityConfigSchema, type UniversalityConfig } from './config'
import type { MetricRecord, SeriesRecord } from '../../shared/results'
import { initBackend } from '../../main/lab/backend'
import { gaussianMixture } from '../../main/lab/mixture'
import { collectingReporter } from '../../main/lab/reporter'
import { differenceInterval } from '../../main/lab/stats'
import { runUniversality } from './run'
import { universalityFacts } from './facts'
import { universalitySentence, universalityVerdict } from './verdict'

beforeAll(async () => {
  await initBackend()
})

type Overrides = Omit<Partial<UniversalityConfig>, 'head'> & {
  head?: Partial<UniversalityConfig['head']>
}

function small(overrides: Overrides = {}): UniversalityConfig {
  return universalityConfigSchema.parse({
    kind: 'universality',
    dataset: { kind: 'mixture', L: 3, spread: 0.5 },
    d: 12,
    k: 4,
    m: 120,
    n: 300,
    nTest: 300,
    theta: 4,
    lambda: 4,
    probes: 3,
    randomHeads: 30,
    seed: 3,
    ...overrides,
    head: { epochs: 60, learningRate: 0.1, l2: 1e-4, ...overrides.head }
  })
}

async function run(cfg: UniversalityConfig) {
  const reporter = collectingReporter()
  await runUniversality(cfg, reporter)
  return reporter
}
type Run = Awaited<ReturnType<typeof run>>

const PREFIX = 'cleanEncoder.'
const metric = (r: Run, model: string, name: string) =>
  r.metricRecords.find((m) => m.model === model && m.name === name)!

/** The records of the clean-encoder twin, renamed to the models they mirror. */
function twinRecords(r: Run) {
  const strip = <T extends MetricRecord | SeriesRecord>(records: T[]) =>
    records
      .filter((x) => x.model.startsWith(PREFIX))
      .map((x) => ({ ...x, model: x.model.slice(PREFIX.length) }))
  return { metrics: strip(r.metricRecords), series: strip(r.seriesRecords) }
}

/** This encoder's records that have a clean-encoder counterpart. */
function mirrored(r: Run) {
  const twin = twinRecords(r)
  const has = (names: Set<string>) => (x: { model: string; name: string }) =>
    names.has(`${x.model}/${x.name}`)
  const metricNames = new Set(twin.metrics.map((x) => `${x.model}/${x.name}`))
  const seriesNames = new Set(twin.series.map((x) => `${x.model}/${x.name}`))
  return {
    metrics: r.metricRecords.filter(has(metricNames)),
    series: r.seriesRecords.filter(has(seriesNames))
  }
}

describe('the clean-encoder twin (common random numbers)', () => {
  it('with theta = 0 is the same encoder: every twin record equals its own, and the contribution is exactly 0', async () => {
    const r = await run(small({ theta: 0 }))
    const twin = twinRecords(r)
    expect(twin.metrics.length).toBeGreaterThan(10)
    expect(twin.metrics).toEqual(mirrored(r).metrics)
    expect(twin.series).toEqual(mirrored(r).series)
    const contribution = metric(r, 'run', 'encoderContribution')
    expect(contribution.value).toBe(0)
    // Newcombe's interval of a rate against itself is symmetric about 0.
    expect(contribution.lower).toBeCloseTo(-contribution.upper!, 15)
    expect(contribution.upper!).toBeGreaterThan(0)
  })

  it('is the run with a clean encoder and the same seed: the same draws Z and the same heads', async () => {
    const backdoored = await run(small())
    const clean = await run(small({ backdoored: false }))
    expect(twinRecords(backdoored)).toEqual(mirrored(clean))
    // A clean config is its own twin.
    expect(twinRecords(clean)).toEqual(mirrored(clean))
    expect(metric(clean, 'run', 'encoderContribution').value).toBe(0)
    // With theta = 4 the encoder differs: the attacker head's ASR on it is not the twin's.
    expect(metric(backdoored, 'attacker', 'attackSuccessRate').value).not.toBe(
      metric(backdoored, `${PREFIX}attacker`, 'attackSuccessRate').value
    )
  })

  it("reports the contribution as the attacker head's ASR minus the twin's, with Newcombe's interval", async () => {
    for (const seed of [1, 2]) {
      const r = await run(small({ seed }))
      const [a, b] = ['attacker', `${PREFIX}attacker`].map((model) => {
        const m = metric(r, model, 'attackSuccessRate')
        return { value: m.value!, lower: m.lower!, upper: m.upper! }
      })
      const want = differenceInterval(a, b)
      const got = metric(r, 'run', 'encoderContribution')
      expect(got.value).toBe(want.value)
      expect(got.lower).toBe(want.lower)
      expect(got.upper).toBe(want.upper)
      expect(got.lower!).toBeLessThanOrEqual(got.value!)
      expect(got.value!).toBeLessThanOrEqual(got.upper!)
    }
  })

  it('reports progress step by step up to the total, through the twin when there is one', async () => {
    for (const backdoored of [true, false]) {
      const reporter = collectingReporter()
      const steps: { phase: string; step: number; total: number }[] = []
      reporter.progress = (phase, step, total) => void steps.push({ phase, step, total })
      await runUniversality(small({ backdoored }), reporter)
      steps.forEach((p, i) => expect(p.step).toBe(i + 1))
      expect(steps.at(-1)!.step).toBe(steps[0].total)
      const twinPhases = steps.filter((p) => p.phase.startsWith('clean encoder: ')).length
      expect(twinPhases > 0).toBe(backdoored)
    }
  })

  it('gives identical records for the same config, the twin included, and leaves no tensors', async () => {
    await run(small({ randomHeads: 2, probes: 1 })) // warm-up
    const before = tf.memory().numTensors
    const a = await run(small())
    const b = await run(small())
    expect(tf.memory().numTensors).toBe(before)
    expect(b.metricRecords).toEqual(a.metricRecords)
    expect(b.seriesRecords).toEqual(a.seriesRecords)
  })
})

describe('the accuracy-matched gap', () => {
  it('counts the heads within the margin of the attacker head from the scatter, the attacker always among them', async () => {
    for (const margin of [0, 0.05, 1]) {
      const r = await run(small({ accuracyMargin: margin }))
      for (const prefix of ['', PREFIX]) {
        const points = (family: string) => r.seriesOf(`${prefix}${family}`, 'scatter').points
        const reference = points('attacker')[0].x
        const inside = (family: string) =>
          points(family).filter((p) => Math.abs(p.x - reference) <= margin)
        expect(metric(r, `${prefix}attacker`, 'matchedHeads').value).toBe(1)
        let total = 0
        let rates: { value: number; lower: number; upper: number }[] = []
        for (const family of ['attacker', 'probe', 'random', 'nullifying']) {
          const heads = inside(family)
          expect(metric(r, `${prefix}${family}`, 'matchedHeads').value, family).toBe(heads.length)
          total += heads.length
          rates = rates.concat(
            heads
              .filter((p) => p.value !== null)
              .map((p) => ({ value: p.value!, lower: p.lower!, upper: p.upper! }))
          )
        }
        expect(metric(r, `${prefix}run`, 'matchedHeads').value).toBe(total)
        const hi = Math.max(...rates.map((p) => p.value))
        const lo = Math.min(...rates.map((p) => p.value))
        expect(metric(r, `${prefix}run`, 'matchedGap').value).toBeCloseTo(hi - lo, 12)
        if (margin === 1) expect(total).toBe(1 + 3 + 30 + 1)
      }
    }
  })

  it('reports the majority-class rate of the held-out labels', async () => {
    const cfg = small()
    const r = await run(cfg)
    const { test } = gaussianMixture(
      { L: 3, d: cfg.d, spread: 0.5, n: cfg.n, nTest: cfg.nTest },
      cfg.seed
    )
    const counts = [0, 0, 0]
    for (const y of test.labels) counts[y]++
    expect(metric(r, 'run', 'majorityRate').value).toBe(Math.max(...counts) / cfg.nTest)
  })
})

describe('the chance flag and the verdict on real runs', () => {
  const judged = (cfg: UniversalityConfig, r: Run) => {
    const detail = { status: 'done' as const, config: cfg, metrics: r.metricRecords }
    return { facts: universalityFacts(detail), verdict: universalityVerdict(detail), detail }
  }

  it('flags an attacker head trained on labels the inputs cannot predict (class means 0.01 apart)', async () => {
    // With indistinguishable classes a head's held-out accuracy is at most the majority-class
    // rate in expectation, so its Wilson interval reaches that rate.
    const cfg = small({ dataset: { kind: 'mixture', L: 3, spread: 0.01 } })
    const { facts, verdict, detail } = judged(cfg, await run(cfg))
    expect(facts.atChance).toBe(true)
    expect(verdict).toBe('at chance')
    expect(universalitySentence(detail)).toMatch(/^The attacker's head is at chance/)
  })

  it('never judges a clean encoder a backdoor, and does not flag a separable mixture', async () => {
    const cfg = small({ backdoored: false })
    const { facts, verdict, detail } = judged(cfg, await run(cfg))
    expect(facts.atChance).toBe(false)
    expect(verdict).toBe('clean encoder')
    expect(universalitySentence(detail)).not.toMatch(/universal/)
  })
})

describe('the head optimiser', () => {
  it('changes the trained heads and nothing drawn: random heads are the same under Adam and gradient descent', async () => {
    const adam = await run(small())
    const gd = await run(small({ head: { optimizer: 'gd' } }))
    for (const prefix of ['', PREFIX]) {
      expect(gd.seriesOf(`${prefix}random`, 'scatter')).toEqual(
        adam.seriesOf(`${prefix}random`, 'scatter')
      )
    }
    expect(gd.seriesOf('attacker', 'asrPerTarget')).not.toEqual(
      adam.seriesOf('attacker', 'asrPerTarget')
    )
    expect(gd.seriesOf('probe', 'scatter')).not.toEqual(adam.seriesOf('probe', 'scatter'))
    // Old configs carry no optimiser: they mean Adam, which is what they ran with.
    const { optimizer: _dropped, ...head } = small().head
    const old = universalityConfigSchema.parse({ ...small(), head })
    expect(old.head.optimizer).toBe('adam')
    expect(universalityConfigSchema.parse({ kind: 'universality' }).accuracyMargin).toBe(0.05)
  })
})
