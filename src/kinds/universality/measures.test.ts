/**
 * The accuracy-matched heads, their gap and the records of one encoder (SCIENCE.md section 7),
 * on outcomes drawn at random: invariants that hold for any heads, not numbers of one run.
 */
import { describe, expect, it } from 'vitest'
import type { MetricRecord } from '../../shared/results'
import {
  accuracyMatched,
  encoderRecords,
  FAMILIES,
  majorityRate,
  universalityGap,
  type EncoderOutcomes,
  type Outcome,
  type Rate
} from './measures'

/** A small deterministic generator (mulberry32), so every draw here is reproducible. */
function generator(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const rate = (value: number, halfWidth = 0.02): Rate => ({
  value,
  lower: Math.max(0, value - halfWidth),
  upper: Math.min(1, value + halfWidth)
})

function randomOutcomes(seed: number, L = 3, probes = 6, random = 30): EncoderOutcomes {
  const next = generator(seed)
  const head = (): Outcome => ({
    cleanAccuracy: rate(next()),
    asrPerTarget: Array.from({ length: L }, () => rate(next() < 0.1 ? NaN : next()))
  })
  const many = (count: number) => Array.from({ length: count }, head)
  return { attacker: [head()], probe: many(probes), random: many(random), nullifying: [head()] }
}

describe('accuracyMatched', () => {
  it('always contains the attacker head, whatever the margin (0 included)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const outcomes = randomOutcomes(seed)
      for (const margin of [0, 0.01, 0.05, 0.3, 1]) {
        const matched = accuracyMatched(outcomes, margin)
        expect(matched.attacker).toEqual(outcomes.attacker)
      }
    }
  })

  it('keeps exactly the heads within the margin of the attacker head, and grows with the margin', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const outcomes = randomOutcomes(seed)
      const reference = outcomes.attacker[0].cleanAccuracy.value
      let previous = 0
      for (const margin of [0, 0.02, 0.1, 0.25, 0.5, 1]) {
        const matched = accuracyMatched(outcomes, margin)
        for (const family of ['probe', 'random', 'nullifying'] as const) {
          const inside = outcomes[family].filter(
            (o) => Math.abs(o.cleanAccuracy.value - reference) <= margin
          )
          expect(matched[family]).toEqual(inside)
        }
        const size = FAMILIES.reduce((a, f) => a + matched[f].length, 0)
        expect(size).toBeGreaterThanOrEqual(previous)
        previous = size
      }
      // Accuracies lie in [0, 1], so margin 1 keeps every head.
      expect(previous).toBe(1 + 6 + 30 + 1)
    }
  })

  it('rejects a negative margin, naming it', () => {
    expect(() => accuracyMatched(randomOutcomes(1), -0.1)).toThrow(/'margin'/)
  })
})

describe('universalityGap', () => {
  it('is max - min over the defined rates with the paired Wilson bounds, and 0 for one head', () => {
    const gap = universalityGap([rate(0.2, 0.05), rate(NaN), rate(0.9, 0.03), rate(0.5)])
    expect(gap.value).toBeCloseTo(0.7, 12)
    expect(gap.lower).toBeCloseTo(0.87 - 0.25, 12)
    expect(gap.upper).toBeCloseTo(0.93 - 0.15, 12)
    expect(universalityGap([rate(0.4)]).value).toBe(0)
    expect(universalityGap([rate(NaN)])).toEqual({ value: null, lower: null, upper: null })
  })
})

describe('majorityRate', () => {
  it('is the share of the most common label, 1/L for balanced labels', () => {
    expect(majorityRate([0, 1, 2, 0, 1, 2])).toBeCloseTo(1 / 3, 15)
    expect(majorityRate([2, 2, 1, 2])).toBe(0.75)
    expect(() => majorityRate([])).toThrow(/'labels'/)
  })
})

describe('encoderRecords', () => {
  const find = (records: MetricRecord[], model: string, name: string) =>
    records.find((r) => r.model === model && r.name === name)

  it('names the models with the prefix, and the matched gap is the gap over the matched heads', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const outcomes = randomOutcomes(seed)
      const target = seed % 3
      const margin = 0.2
      const { metrics, series } = encoderRecords('cleanEncoder.', outcomes, target, margin)
      expect(new Set(metrics.map((m) => m.model.split('.')[0]))).toEqual(new Set(['cleanEncoder']))
      const matched = accuracyMatched(outcomes, margin)
      const rates = FAMILIES.flatMap((f) => matched[f].map((o) => o.asrPerTarget[target]))
      expect(find(metrics, 'cleanEncoder.run', 'matchedGap')).toMatchObject(universalityGap(rates))
      expect(find(metrics, 'cleanEncoder.run', 'matchedHeads')?.value).toBe(rates.length)
      expect(find(metrics, 'cleanEncoder.attacker', 'matchedHeads')?.value).toBe(1)
      const familyCounts = FAMILIES.map(
        (f) => find(metrics, `cleanEncoder.${f}`, 'matchedHeads')!.value!
      )
      expect(familyCounts.reduce((a, b) => a + b, 0)).toBe(rates.length)
      expect(
        series.find((s) => s.model === 'cleanEncoder.random' && s.name === 'scatter')!.points
      ).toHaveLength(30)
    }
  })

  it('gives per-target mean, min and max for many heads, in order, whose target entry is the target metric', () => {
    const outcomes = randomOutcomes(7)
    const { metrics, series } = encoderRecords('', outcomes, 1, 0.05)
    for (const family of ['probe', 'random'] as const) {
      const of = (name: string) =>
        series.find((s) => s.model === family && s.name === name)!.points.map((p) => p.value)
      const [mean, min, max] = ['mean', 'min', 'max'].map((n) => of(`asrPerTarget.${n}`))
      for (let c = 0; c < 3; c++) {
        const values = outcomes[family]
          .map((o) => o.asrPerTarget[c].value)
          .filter((v) => !Number.isNaN(v))
        expect(min[c]).toBe(Math.min(...values))
        expect(max[c]).toBe(Math.max(...values))
        expect(mean[c]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 12)
        expect(min[c]!).toBeLessThanOrEqual(mean[c]!)
        expect(mean[c]!).toBeLessThanOrEqual(max[c]!)
      }
      expect(find(metrics, family, 'attackSuccessRate.mean')?.value).toBe(mean[1])
      expect(find(metrics, family, 'attackSuccessRate.min')?.value).toBe(min[1])
      expect(find(metrics, family, 'attackSuccessRate.max')?.value).toBe(max[1])
    }
    for (const family of ['attacker', 'nullifying'] as const) {
      const points = series.find((s) => s.model === family && s.name === 'asrPerTarget')!.points
      expect(points.map((p) => p.x)).toEqual([0, 1, 2])
      expect(points[1].value).toBe(find(metrics, family, 'attackSuccessRate')?.value)
    }
  })

  it('rejects a target outside the classes', () => {
    expect(() => encoderRecords('', randomOutcomes(1), 3, 0.05)).toThrow(/'target'/)
  })
})
