/**
 * Summaries over draws: AUROC and DeLong's interval (closed forms and coverage), rejection rates,
 * and the t-interval of a mean over draws (its quantile and coverage).
 */
import { describe, expect, it } from 'vitest'
import { auroc, meanOverDraws, rejectionRate } from './roc'
import { stream } from './rng'
import { wilsonInterval } from './stats'
import { ksUniform } from '../testing/ks'

/** Phi, the standard normal CDF (Zelen and Severo 26.2.17, error < 7.5e-8). */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x))
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  const tail = (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * poly
  return x >= 0 ? 1 - tail : tail
}

describe('auroc', () => {
  it('is the Mann-Whitney probability, ties counted half', () => {
    // Pairs: 2 vs (1, 2, 3) -> 1 + 0.5 + 0; 4 vs all -> 3. (4.5) / 6.
    expect(auroc([1, 2, 3], [2, 4]).value).toBe(0.75)
    expect(auroc([1, 2], [1, 2]).value).toBe(0.5)
  })

  it('is 1 with a point interval when every backdoored draw exceeds every clean one', () => {
    expect(auroc([1, 2, 3], [4, 5, 6])).toEqual({ value: 1, lower: 1, upper: 1 })
    expect(auroc([4, 5, 6], [1, 2, 3]).value).toBe(0)
  })

  it('matches the DeLong variance computed by hand on a small example', () => {
    const negatives = [0.1, 0.4, 0.35, 0.8]
    const positives = [0.3, 0.9, 0.7]
    // V10 (per positive): 0.3 > 0.1 -> 1/4; 0.9 -> 4/4; 0.7 > 0.1, 0.4, 0.35 -> 3/4.
    // V01 (per negative): 0.1 -> 3/3; 0.4 -> 2/3; 0.35 -> 2/3; 0.8 -> 1/3.
    const v10 = [0.25, 1, 0.75]
    const v01 = [1, 2 / 3, 2 / 3, 1 / 3]
    const variance = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length
      return v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1)
    }
    const auc = 8 / 12
    const half = 1.959963984540054 * Math.sqrt(variance(v10) / 3 + variance(v01) / 4)
    const got = auroc(negatives, positives)
    expect(got.value).toBeCloseTo(auc, 14)
    expect(got.lower).toBeCloseTo(Math.max(0, auc - half), 12)
    expect(got.upper).toBeCloseTo(Math.min(1, auc + half), 12)
  })

  it('covers the true AUROC in about 95% of repetitions (0.5 for equal laws, Phi(delta/sqrt 2) for a shift)', () => {
    const rng = stream(31, 'test/roc/coverage')
    for (const shift of [0, 1]) {
      const truth = normalCdf(shift / Math.SQRT2)
      let covered = 0
      const reps = 300
      for (let r = 0; r < reps; r++) {
        const negatives = Array.from({ length: 60 }, () => rng.normal())
        const positives = Array.from({ length: 40 }, () => rng.normal() + shift)
        const a = auroc(negatives, positives)
        if (a.lower <= truth && truth <= a.upper) covered++
      }
      // 95% nominal; with 300 repetitions the rate's sd is 1.3%, so 0.91 is 3 sd below.
      expect(covered / reps).toBeGreaterThan(0.91)
    }
  })

  it('refuses samples too small to have an interval', () => {
    expect(() => auroc([1], [2, 3])).toThrow(/at least 2 draws of each kind/)
  })
})

describe('rejectionRate', () => {
  it('counts p-values at or below alpha, with the Wilson interval', () => {
    expect(rejectionRate([0.01, 0.05, 0.2, 0.5], 0.05)).toEqual(wilsonInterval(2, 4))
    expect(() => rejectionRate([0.1], 0)).toThrow(/'alpha' must be in \(0, 1\)/)
  })

  it('rejects uniform p-values at rate alpha (KS-checked draws, binomial tolerance)', () => {
    const rng = stream(32, 'test/roc/uniform')
    const p = Array.from({ length: 4000 }, () => rng.uniform())
    expect(ksUniform(p).pValue).toBeGreaterThan(0.01)
    const rate = rejectionRate(p, 0.05)
    expect(rate.lower).toBeLessThan(0.05)
    expect(rate.upper).toBeGreaterThan(0.05)
  })
})

describe('meanOverDraws', () => {
  it('uses t_{0.975, r-1}: 12.706 for r = 2, 2.262 for r = 10', () => {
    const two = meanOverDraws([1, 3])
    // sd = sqrt(2), half = 12.7062 * sqrt(2) / sqrt(2)
    expect(two.value).toBe(2)
    expect(two.upper - two.value).toBeCloseTo(12.7062047, 5)
    const ten = meanOverDraws([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const sd = Math.sqrt(82.5 / 9)
    expect(ten.upper - ten.value).toBeCloseTo((2.2621572 * sd) / Math.sqrt(10), 5)
  })

  it('leaves out undefined draws and says how many were used', () => {
    expect(meanOverDraws([1, null, 3, NaN]).count).toBe(2)
    expect(meanOverDraws([null, null]).count).toBe(0)
    expect(Number.isNaN(meanOverDraws([5]).lower)).toBe(true)
  })

  it('covers the true mean in about 95% of repetitions', () => {
    const rng = stream(33, 'test/roc/t')
    let covered = 0
    const reps = 400
    for (let r = 0; r < reps; r++) {
      const draws = Array.from({ length: 8 }, () => 2 + rng.normal())
      const m = meanOverDraws(draws)
      if (m.lower <= 2 && 2 <= m.upper) covered++
    }
    expect(covered / reps).toBeGreaterThan(0.92)
    expect(covered / reps).toBeLessThan(0.98)
  })
})
