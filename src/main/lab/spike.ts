/**
 * Spike energy normalised by the rows' own scale, and its null band (SCIENCE.md section 5).
 *
 * With `C = (1/m) sum_i g_i g_i^T`, the raw spike energy `s^T C s - 1` rises whenever every row
 * grows, as fine-tuning makes them do. Dividing by `tr(C)/d`, the second moment along an average
 * direction, removes that: `(s^T C s) / (tr(C)/d) - 1` is about 0 for Gaussian rows of any scale.
 * The null band is the same statistic along r random k-sparse unit directions drawn like the key:
 * what "no planted direction" looks like for these very weights.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from './rng'
import { sampleSecret } from './secret'

/** Random directions in a null band: enough for a stable 95% range, cheap next to an epoch. */
export const NULL_DIRECTIONS = 200

/** Mean and 95% range (2.5% and 97.5% quantiles) of the statistic over the null directions. */
export interface NullBand {
  mean: number
  lower: number
  upper: number
}

/**
 * `count` random k-sparse unit directions, each drawn as the key is (section 2), as one
 * count x d row-major array.
 */
export function nullDirections(d: number, k: number, count: number, rng: Rng): Float32Array {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`'count' must be a positive integer (got ${count})`)
  }
  const out = new Float32Array(count * d)
  for (let r = 0; r < count; r++) out.set(sampleSecret(d, k, rng), r * d)
  return out
}

/** `(s^T C s) / (tr(C)/d) - 1` from the second moment `s^T C s` and `tr(C)/d`. */
export function normalisedEnergy(moment: number, traceOverD: number): number {
  return moment / traceOverD - 1
}

/** The p-quantile of sorted values, interpolated linearly between order statistics. */
function quantile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1)
  const below = Math.floor(at)
  const above = Math.min(sorted.length - 1, below + 1)
  return sorted[below] + (at - below) * (sorted[above] - sorted[below])
}

/** Mean and 2.5%-97.5% quantile range of `values`. */
export function nullBandOf(values: ArrayLike<number>): NullBand {
  if (values.length === 0) throw new Error("'values' must not be empty")
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    mean: sum / sorted.length,
    lower: quantile(sorted, 0.025),
    upper: quantile(sorted, 0.975)
  }
}

/**
 * Second moments `v^T C v = ||G v||^2 / m` along each row v of `V` (r x d), with the rows G held
 * transposed as `Gt` (d x m). One matrix product; the caller owns both tensors.
 */
export function directionMomentsT(Gt: tf.Tensor2D, V: tf.Tensor2D): Float32Array {
  const m = Gt.shape[1]
  const moments = tf.tidy(() => tf.div(tf.sum(tf.square(tf.matMul(V, Gt)), 1), m))
  const values = Float32Array.from(moments.dataSync())
  moments.dispose()
  return values
}

export interface SpikeStatistics {
  /** `s^T C s - 1`. */
  spikeEnergy: number
  /** `tr(C)/d`: the rows' mean squared entry. */
  traceOverD: number
  /** `(s^T C s) / (tr(C)/d) - 1`. */
  normalised: number
  /** The normalised statistic along each null direction: its mean and 95% range. */
  nullBand: NullBand
}

/**
 * Every statistic of this module for rows G (m x d row-major) and the direction s, with the null
 * band over `directions` (count x d, from `nullDirections`). Float64 sums.
 */
export function spikeStatistics(
  rows: Float32Array,
  m: number,
  d: number,
  s: Float32Array,
  directions: Float32Array
): SpikeStatistics {
  if (rows.length !== m * d) {
    throw new Error(`'rows' must hold m*d = ${m * d} values (got ${rows.length})`)
  }
  if (s.length !== d) throw new Error(`'s' must hold d = ${d} values (got ${s.length})`)
  if (directions.length === 0 || directions.length % d !== 0) {
    throw new Error(`'directions' must hold a positive multiple of d = ${d} values`)
  }
  const count = directions.length / d
  const moment = (v: Float32Array | Float64Array, offset: number) => {
    let total = 0
    for (let i = 0; i < m; i++) {
      let dot = 0
      for (let j = 0; j < d; j++) dot += rows[i * d + j] * v[offset + j]
      total += dot * dot
    }
    return total / m
  }
  let squares = 0
  for (let i = 0; i < rows.length; i++) squares += rows[i] * rows[i]
  const traceOverD = squares / (m * d)
  const own = moment(s, 0)
  const nulls = new Float64Array(count)
  for (let r = 0; r < count; r++) nulls[r] = normalisedEnergy(moment(directions, r * d), traceOverD)
  return {
    spikeEnergy: own - 1,
    traceOverD,
    normalised: normalisedEnergy(own, traceOverD),
    nullBand: nullBandOf(nulls)
  }
}
