/**
 * Experiment B, head universality (SCIENCE.md section 7): the reported quantities follow their
 * definitions, recomputed from float64 features and the seed streams, and the progress a run
 * reports goes through its named phases.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../main/lab/backend'
import { argmax, headOutcome, randomHeadBlock } from '../../main/lab/heads'
import { gaussianMixture } from '../../main/lab/mixture'
import { stream } from '../../main/lab/rng'
import { HISTOGRAM_BINS } from './run'
import { encoder64, run, small } from './run.fixture'

beforeAll(async () => {
  await initBackend()
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
    // The share of work done, for the time left: said by every step but the last (which ends
    // the run), growing, each phase's steps costing more than nothing, short of 1 until the end.
    const works = r.phases.slice(0, -1).map((p) => p.work)
    for (const w of works) expect(Number.isFinite(w)).toBe(true)
    works.forEach((w, i) => i > 0 && expect(w!).toBeGreaterThan(works[i - 1]!))
    expect(works.at(-1)!).toBeLessThan(1)
    expect(works.at(-1)!).toBeGreaterThan(0.9)
  })
})
