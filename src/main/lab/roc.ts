/**
 * Summaries over independent draws (SCIENCE.md sections 5, 11 and 12): the AUROC of a statistic
 * between clean and backdoored draws with DeLong's interval, the power of a test with Wilson's
 * interval, and the mean over draws with its t-interval.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import { Z95, wilsonInterval, type Interval } from './stats'

/** 1 when x > y, 1/2 when tied, 0 otherwise: the Mann-Whitney kernel. */
function kernel(x: number, y: number): number {
  return x > y ? 1 : x === y ? 0.5 : 0
}

/**
 * AUROC of a statistic that is larger for positives: the probability that a positive (backdoored)
 * draw exceeds a negative (clean) one, ties counted half. Interval: DeLong, DeLong and
 * Clarke-Pearson (1988), `AUC +- z sqrt(S10/R + S01/B)` from the structural components, clipped to
 * [0, 1]. When the two samples do not overlap at all, both components vanish and the interval is
 * the point.
 */
export function auroc(negatives: readonly number[], positives: readonly number[]): Interval {
  const B = negatives.length
  const R = positives.length
  if (B < 2 || R < 2) {
    throw new Error(`AUROC needs at least 2 draws of each kind (got ${B} clean, ${R} backdoored)`)
  }
  // Sorting would make this n log n; R and B are at most a few thousand here.
  const v10 = positives.map((x) => negatives.reduce((acc, y) => acc + kernel(x, y), 0) / B)
  const v01 = negatives.map((y) => positives.reduce((acc, x) => acc + kernel(x, y), 0) / R)
  const value = v10.reduce((a, b) => a + b, 0) / R
  const variance = sampleVariance(v10) / R + sampleVariance(v01) / B
  const half = Z95 * Math.sqrt(variance)
  return { value, lower: Math.max(0, value - half), upper: Math.min(1, value + half) }
}

function sampleVariance(values: readonly number[]): number {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  return values.reduce((acc, v) => acc + (v - mean) ** 2, 0) / (n - 1)
}

/** The fraction of p-values at or below alpha (a test's rejections), with its Wilson interval. */
export function rejectionRate(pValues: readonly number[], alpha: number): Interval {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`'alpha' must be in (0, 1) (got ${alpha})`)
  const rejected = pValues.filter((p) => p <= alpha).length
  return wilsonInterval(rejected, pValues.length)
}

export interface DrawSummary extends Interval {
  /** Draws where the value is defined. */
  count: number
}

/**
 * Mean over independent draws with the 95% t-interval `mean +- t_{0.975, r-1} sd / sqrt(r)`,
 * over the draws where the value is defined (null and NaN left out, and counted). With one
 * defined draw the interval is unknown (NaN), with none the mean too.
 */
export function meanOverDraws(values: readonly (number | null)[]): DrawSummary {
  const defined = values.filter((v): v is number => v != null && Number.isFinite(v))
  const r = defined.length
  if (r === 0) return { value: NaN, lower: NaN, upper: NaN, count: 0 }
  const mean = defined.reduce((a, b) => a + b, 0) / r
  if (r === 1) return { value: mean, lower: NaN, upper: NaN, count: 1 }
  const half = tQuantile(0.975, r - 1) * Math.sqrt(sampleVariance(defined) / r)
  return { value: mean, lower: mean - half, upper: mean + half, count: r }
}
