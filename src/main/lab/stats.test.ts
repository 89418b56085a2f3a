/**
 * Statistics of SCIENCE.md sections 3 and 5: Wilson and Newcombe intervals, the tau rule,
 * lambda50, median and mean.
 */
import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile'
import { describe, expect, it } from 'vitest'
import { stream, type Rng } from './rng'
import {
  Z95,
  differenceInterval,
  fitThreshold,
  lambda50,
  majorityRate,
  mean,
  median,
  medianThreshold,
  robustCounts,
  wilsonInterval
} from './stats'

function binomial(rng: Rng, trials: number, p: number): number {
  let successes = 0
  for (let i = 0; i < trials; i++) if (rng.uniform() < p) successes++
  return successes
}

describe('wilsonInterval', () => {
  const z2 = Z95 * Z95

  it('0/n and n/n give the closed forms [0, z^2/(n+z^2)] and [n/(n+z^2), 1]', () => {
    // With p = 0 the Wilson bounds are the roots of p'^2 (n + z^2) - p' z^2 = 0.
    for (let n = 1; n <= 200; n++) {
      const none = wilsonInterval(0, n)
      expect(none.value).toBe(0)
      expect(none.lower).toBe(0)
      expect(none.upper).toBeCloseTo(z2 / (n + z2), 12)
      const all = wilsonInterval(n, n)
      expect(all.value).toBe(1)
      expect(all.lower).toBeCloseTo(n / (n + z2), 12)
      expect(all.upper).toBe(1)
    }
    // z^2 is the 95% quantile of chi-square with 1 degree of freedom (3.8414588...): the
    // upper bound of 0/10 is 3.8414588 / 13.8414588 = 0.27753...
    const q = chisquareQuantile(0.95, 1)
    expect(z2).toBeCloseTo(q, 10)
    expect(wilsonInterval(0, 10).upper).toBeCloseTo(q / (10 + q), 10)
  })

  it('5/10 is symmetric about 1/2 with half-width z sqrt(n/4 + z^2/4) / (n + z^2)', () => {
    // p = 1/2: centre (1/2 + z^2/(2n)) / (1 + z^2/n) = 1/2; half-width from the quadratic formula.
    const n = 10
    const half = (Z95 * Math.sqrt(n / 4 + z2 / 4)) / (n + z2)
    const w = wilsonInterval(5, n)
    expect(w.value).toBe(0.5)
    expect(w.lower).toBeCloseTo(0.5 - half, 12)
    expect(w.upper).toBeCloseTo(0.5 + half, 12)
  })

  it('its bounds solve the score equation (phat - p)^2 = z^2 p (1 - p) / n', () => {
    // The Wilson interval is by definition the set of p whose score test does not reject.
    for (const [x, n] of [
      [1, 10],
      [3, 7],
      [17, 40],
      [99, 100],
      [250, 1000]
    ]) {
      const w = wilsonInterval(x, n)
      const phat = x / n
      for (const p of [w.lower, w.upper]) {
        expect((phat - p) ** 2).toBeCloseTo((z2 * p * (1 - p)) / n, 12)
      }
    }
  })

  it('contains the observed rate and stays inside [0, 1], also at the edges x = 0 and x = n', () => {
    // At the edges the bounds are exactly 0 and 1 in closed form; computing them as
    // centre -+ half-width misses by a rounding error for many n (0/7, 10/10, 13/13, ...).
    for (const n of [1, 2, 5, 7, 10, 13, 100, 1000]) {
      for (let x = 0; x <= n; x++) {
        const w = wilsonInterval(x, n)
        expect(w.value).toBe(x / n)
        expect(w.lower).toBeGreaterThanOrEqual(0)
        expect(w.upper).toBeLessThanOrEqual(1)
        expect(w.lower).toBeLessThanOrEqual(w.value)
        expect(w.upper).toBeGreaterThanOrEqual(w.value)
      }
    }
  })

  it('narrows as the number of trials grows at a fixed rate', () => {
    const widths = [10, 100, 1000].map((n) => {
      const w = wilsonInterval(0.3 * n, n)
      return w.upper - w.lower
    })
    expect(widths[1]).toBeLessThan(widths[0])
    expect(widths[2]).toBeLessThan(widths[1])
  })

  it('covers the true rate about 95% of the time (simulation, within 4 binomial standard errors)', () => {
    // p is drawn afresh from U[0.1, 0.9] for each replicate: averaged over p, the discreteness
    // oscillation of score intervals cancels (Brown, Cai and DasGupta 2001), so the mean
    // coverage is the nominal 0.95. The simulation's own error is sqrt(0.95 * 0.05 / R).
    const rng = stream(21, 'wilson-coverage')
    const R = 4000
    const trials = 100
    let covered = 0
    for (let r = 0; r < R; r++) {
      const p = 0.1 + 0.8 * rng.uniform()
      const w = wilsonInterval(binomial(rng, trials, p), trials)
      if (w.lower <= p && p <= w.upper) covered++
    }
    expect(Math.abs(covered / R - 0.95)).toBeLessThan(4 * Math.sqrt((0.95 * 0.05) / R))
  })

  it('returns the uninformative [0, 1] with a NaN value for 0 trials', () => {
    const w = wilsonInterval(0, 0)
    expect(w.value).toBeNaN()
    expect([w.lower, w.upper]).toEqual([0, 1])
  })

  it("rejects impossible counts, naming 'successes' or 'trials'", () => {
    expect(() => wilsonInterval(11, 10)).toThrow(/'successes'/)
    expect(() => wilsonInterval(-1, 10)).toThrow(/'successes'/)
    expect(() => wilsonInterval(1.5, 10)).toThrow(/'successes'/)
    expect(() => wilsonInterval(0, -1)).toThrow(/'trials'/)
  })
})

describe('differenceInterval (Newcombe hybrid score)', () => {
  it('for two identical rates has value 0 and contains 0', () => {
    for (const [x, n] of [
      [0, 10],
      [3, 10],
      [50, 100],
      [100, 100]
    ]) {
      const a = wilsonInterval(x, n)
      const diff = differenceInterval(a, wilsonInterval(x, n))
      expect(diff.value).toBe(0)
      expect(diff.lower).toBeLessThanOrEqual(0)
      expect(diff.upper).toBeGreaterThanOrEqual(0)
    }
  })

  it('has value a - b and contains it', () => {
    const a = wilsonInterval(30, 40)
    const b = wilsonInterval(12, 50)
    const diff = differenceInterval(a, b)
    expect(diff.value).toBe(30 / 40 - 12 / 50)
    expect(diff.lower).toBeLessThan(diff.value)
    expect(diff.upper).toBeGreaterThan(diff.value)
  })

  it('reduces to the Wilson interval of a, shifted by b, when b is known exactly', () => {
    // A zero-width b contributes nothing to the Newcombe square roots.
    const a = wilsonInterval(7, 20)
    const b = { value: 0.2, lower: 0.2, upper: 0.2 }
    const diff = differenceInterval(a, b)
    expect(diff.lower).toBeCloseTo(a.lower - 0.2, 14)
    expect(diff.upper).toBeCloseTo(a.upper - 0.2, 14)
  })

  it('is antisymmetric: swapping a and b negates and mirrors the interval', () => {
    const a = wilsonInterval(9, 30)
    const b = wilsonInterval(21, 45)
    const ab = differenceInterval(a, b)
    const ba = differenceInterval(b, a)
    expect(ba.value).toBeCloseTo(-ab.value, 14)
    expect(ba.lower).toBeCloseTo(-ab.upper, 14)
    expect(ba.upper).toBeCloseTo(-ab.lower, 14)
  })

  it('covers the true difference about 95% of the time (simulation, within 4 binomial standard errors)', () => {
    // As for the Wilson coverage test, the rates are drawn from U[0.1, 0.9] for each replicate.
    const rng = stream(22, 'newcombe-coverage')
    const R = 4000
    const trials = 100
    let covered = 0
    for (let r = 0; r < R; r++) {
      const p1 = 0.1 + 0.8 * rng.uniform()
      const p2 = 0.1 + 0.8 * rng.uniform()
      const diff = differenceInterval(
        wilsonInterval(binomial(rng, trials, p1), trials),
        wilsonInterval(binomial(rng, trials, p2), trials)
      )
      if (diff.lower <= p1 - p2 && p1 - p2 <= diff.upper) covered++
    }
    expect(Math.abs(covered / R - 0.95)).toBeLessThan(4 * Math.sqrt((0.95 * 0.05) / R))
  })
})

/** Training errors of `+1 iff score > tau`. */
function trainingErrors(scores: ArrayLike<number>, labels: ArrayLike<number>, tau: number): number {
  let errors = 0
  for (let i = 0; i < scores.length; i++) if ((scores[i] > tau ? 1 : -1) !== labels[i]) errors++
  return errors
}

/** Every distinct classifier's threshold: below all scores, each midpoint, above all scores. */
function candidateThresholds(scores: ArrayLike<number>): number[] {
  const distinct = [...new Set(Array.from(scores))].sort((a, b) => a - b)
  const out = [distinct[0] - 1]
  for (let i = 0; i + 1 < distinct.length; i++) out.push((distinct[i] + distinct[i + 1]) / 2)
  out.push(distinct[distinct.length - 1] + 1)
  return out
}

describe('fitThreshold', () => {
  it('puts the threshold of separable data at the midpoint of the nearest scores of the two classes', () => {
    const scores = [2.0, 0.1, 3.3, 1.2, 0.5, 2.6]
    const labels = [1, -1, 1, -1, -1, 1]
    const tau = fitThreshold(scores, labels)
    expect(tau).toBe((1.2 + 2.0) / 2)
    expect(trainingErrors(scores, labels, tau)).toBe(0)
  })

  it('takes the middle one of several equally good cuts', () => {
    // Sorted labels - - + - + - + +: cuts after 2, 4 and 6 scores all make 2 errors, the rest more.
    const scores = [1, 2, 3, 4, 5, 6, 7, 8]
    const labels = [-1, -1, 1, -1, 1, -1, 1, 1]
    for (const tau of [2.5, 4.5, 6.5]) expect(trainingErrors(scores, labels, tau)).toBe(2)
    for (const tau of [0, 1.5, 3.5, 5.5, 7.5, 9])
      expect(trainingErrors(scores, labels, tau)).toBeGreaterThan(2)
    expect(fitThreshold(scores, labels)).toBe(4.5)
  })

  it('never cuts between tied scores', () => {
    // The best cut ignoring ties would split the three 2s; every real classifier keeps them together.
    const scores = [1, 2, 2, 2, 3]
    const labels = [-1, -1, 1, 1, 1]
    const tau = fitThreshold(scores, labels)
    expect(candidateThresholds(scores)).toContain(tau)
    expect(trainingErrors(scores, labels, tau)).toBe(1)
  })

  it('minimises training error, matching a brute-force search over all thresholds, with the middle optimum', () => {
    const rng = stream(23, 'fit-threshold')
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(60)
      // Rounded scores produce ties; labels are noisy in the score, so optima are often not unique.
      const scores = Array.from({ length: n }, () => Math.round(rng.normal() * 10) / 10)
      const labels = scores.map((s) => (rng.uniform() < 1 / (1 + Math.exp(-2 * s)) ? 1 : -1))
      const candidates = candidateThresholds(scores)
      const errors = candidates.map((t) => trainingErrors(scores, labels, t))
      const best = Math.min(...errors)
      const optimal = candidates.filter((_, i) => errors[i] === best)
      const tau = fitThreshold(scores, labels)
      expect(trainingErrors(scores, labels, tau)).toBe(best)
      // With an even number of optimal cuts, either of the two middle ones is "the middle one".
      expect([optimal[(optimal.length - 1) >> 1], optimal[optimal.length >> 1]]).toContain(tau)
    }
  })

  it('puts every score on the right side when all labels agree', () => {
    expect(
      trainingErrors([0.3, 0.1, 0.2], [1, 1, 1], fitThreshold([0.3, 0.1, 0.2], [1, 1, 1]))
    ).toBe(0)
    expect(
      trainingErrors([0.3, 0.1, 0.2], [-1, -1, -1], fitThreshold([0.3, 0.1, 0.2], [-1, -1, -1]))
    ).toBe(0)
  })

  it('rejects empty scores and mismatched labels, naming the argument', () => {
    expect(() => fitThreshold([], [])).toThrow(/'scores'/)
    expect(() => fitThreshold([1, 2], [1])).toThrow(/'labels'/)
  })
})

describe('lambda50', () => {
  it('interpolates linearly between the last point below 0.5 and the first at or above', () => {
    // Between (1, 0.2) and (2, 0.6): 1 + (0.5 - 0.2) / (0.6 - 0.2) = 1.75.
    expect(lambda50([0, 1, 2, 3], [0, 0.2, 0.6, 0.9])).toBeCloseTo(1.75, 14)
    // On an uneven grid: between (0.5, 0.1) and (2, 0.9): 0.5 + 1.5 * 0.4 / 0.8 = 1.25.
    expect(lambda50([0, 0.5, 2, 4], [0, 0.1, 0.9, 1])).toBeCloseTo(1.25, 14)
  })

  it('takes the first crossing, not a later one', () => {
    expect(lambda50([0, 1, 2, 3, 4], [0, 0.5, 0.4, 0.8, 1])).toBe(1)
  })

  it('returns a grid point exactly when the rate there is exactly 0.5', () => {
    expect(lambda50([0, 1, 2], [0.1, 0.5, 0.9])).toBe(1)
  })

  it('returns null when the rate never reaches 0.5', () => {
    expect(lambda50([0, 1, 2], [0, 0.3, 0.49])).toBeNull()
    expect(lambda50([], [])).toBeNull()
  })

  it('returns the first grid point when the rate starts at or above 0.5', () => {
    expect(lambda50([0.5, 1, 2], [0.5, 0.7, 0.9])).toBe(0.5)
    expect(lambda50([0, 1], [0.8, 0.9])).toBe(0)
  })

  it("rejects rates and lambdas of different lengths, naming 'rates'", () => {
    expect(() => lambda50([0, 1], [0])).toThrow(/'rates'/)
  })
})

describe('median and mean', () => {
  it('sorts numerically, not as strings', () => {
    // As strings, [10, 9, 2, 100] would sort to 10, 100, 2, 9.
    expect(median([10, 9, 2, 100])).toBe(9.5)
    expect(median(Float32Array.from([3, -1, 2]))).toBe(2)
  })

  it('medianThreshold splits the scores in half', () => {
    const rng = stream(24, 'median')
    const scores = Array.from({ length: 1001 }, () => rng.normal())
    const tau = medianThreshold(scores)
    expect(scores.filter((s) => s > tau).length).toBe(500)
    expect(scores.filter((s) => s < tau).length).toBe(500)
  })

  it('mean is the arithmetic mean', () => {
    expect(mean([1, 2, 3, 10])).toBe(4)
  })

  it('both reject an empty input', () => {
    expect(() => median([])).toThrow(/'values'/)
    expect(() => mean([])).toThrow(/'values'/)
  })
})

describe('majorityRate', () => {
  it('is the share of the most common label, with its Wilson interval', () => {
    expect(majorityRate([1, -1, -1, 1, -1])).toEqual(wilsonInterval(3, 5))
    expect(majorityRate([2, 0, 1, 2, 2, 1, 0, 2])).toEqual(wilsonInterval(4, 8))
    expect(majorityRate([1, 1, 1]).value).toBe(1)
  })

  it('is 1/2 for balanced binary labels, whichever order', () => {
    expect(majorityRate([1, -1, 1, -1]).value).toBe(0.5)
    expect(majorityRate([-1, -1, 1, 1]).value).toBe(0.5)
  })
})

describe('robustCounts (robust accuracy)', () => {
  it('counts, among inputs not labelled with the target, those that keep their label', () => {
    // labels    +1 -1 -1 +1 -1, target +1: inputs 1, 2, 4 count; 1 and 4 keep -1.
    expect(robustCounts([1, -1, -1, 1, -1], [1, -1, 1, -1, -1], 1)).toEqual({
      correct: 2,
      total: 3
    })
    expect(robustCounts([1, 1], [1, -1], 1)).toEqual({ correct: 0, total: 0 })
  })

  it('with ASR covers every shared input: flipped + robustly correct = shared (binary labels)', () => {
    // Shared inputs: true label and untriggered prediction both not the target. With two labels,
    // a triggered prediction is either the target (flipped, counted by ASR) or the true label
    // (robustly correct); the two counts add up to the shared inputs, for any predictions.
    const rng = stream(17, 'test/robust')
    for (const target of [1, -1]) {
      const n = 500
      const sign = () => (rng.uniform() < 0.5 ? 1 : -1)
      const labels = Array.from({ length: n }, sign)
      const before = Array.from({ length: n }, sign)
      const after = Array.from({ length: n }, sign)
      const shared = labels
        .map((y, i) => i)
        .filter((i) => labels[i] !== target && before[i] !== target)
      const onShared = (values: number[]) => shared.map((i) => values[i])
      const robust = robustCounts(onShared(labels), onShared(after), target)
      const flipped = onShared(after).filter((v) => v === target).length
      expect(robust.total).toBe(shared.length)
      expect(robust.correct + flipped).toBe(shared.length)
      // On all the inputs the robust denominator is those not labelled with the target.
      expect(robustCounts(labels, after, target).total).toBe(
        labels.filter((y) => y !== target).length
      )
    }
  })

  it("rejects triggered labels of another length, naming 'triggered'", () => {
    expect(() => robustCounts([1, -1], [1], 1)).toThrow(/'triggered'/)
  })
})
