/**
 * The detection statistics of a second moment `C = G^T G / m` (SCIENCE.md section 11), each large
 * when the rows carry a planted spike `theta s s^T`:
 * 1. topEigenvalue: the spectral test (Lanczos on C).
 * 2. maxDiagonal: diagonal thresholding, the largest `C_jj`.
 * 3. sparseEigenvalue: the k-sparse top eigenvalue by the truncated power method (Yuan and Zhang
 *    2013), the strongest practical test when k is known or guessed.
 * Plain float64 work on the d x d matrix, no tensors: the Monte Carlo null runs it in worker
 * threads (nullThreads.ts), which load no tfjs.
 */
import { dot, multiply, topEigen } from './eigen'

export interface DetectionStatistics {
  topEigenvalue: number
  maxDiagonal: number
  sparseEigenvalue: number
}

export const STATISTICS = ['topEigenvalue', 'maxDiagonal', 'sparseEigenvalue'] as const
export type Statistic = (typeof STATISTICS)[number]

export function maxDiagonal(c: Float64Array, d: number): number {
  let best = -Infinity
  for (let i = 0; i < d; i++) best = Math.max(best, c[i * d + i])
  return best
}

/** The indices of the k largest values of `score`, ties to the lower index, in increasing order. */
export function topIndices(score: ArrayLike<number>, k: number): number[] {
  const n = score.length
  if (k >= n) return Array.from({ length: n }, (_, i) => i)
  let chosen: number[]
  if (k <= 32) {
    // Insertion into a short sorted list: O(n k), no allocation per element.
    chosen = []
    for (let i = 0; i < n; i++) {
      const v = score[i]
      if (chosen.length === k && !(v > score[chosen[k - 1]])) continue
      let at = chosen.length === k ? k - 1 : chosen.length
      while (at > 0 && v > score[chosen[at - 1]]) at--
      chosen.splice(at, 0, i)
      if (chosen.length > k) chosen.pop()
    }
  } else {
    chosen = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => score[b] - score[a] || a - b)
      .slice(0, k)
  }
  return chosen.sort((a, b) => a - b)
}

export interface SparseEigen {
  value: number
  /** A unit vector with at most k non-zero coordinates. */
  vector: Float64Array
}

const TPM_MAX_ITERATIONS = 1000

function sameSupport(a: readonly number[], b: readonly number[] | null): boolean {
  return b !== null && a.length === b.length && a.every((v, i) => v === b[i])
}

/** The top eigenpair of C restricted to `support` (k x k), embedded in R^d. */
function restrictedTop(c: Float64Array, d: number, support: readonly number[]): SparseEigen {
  const k = support.length
  const sub = new Float64Array(k * k)
  support.forEach((i, p) => support.forEach((j, q) => (sub[p * k + q] = c[i * d + j])))
  const top = topEigen(sub, k)
  const vector = new Float64Array(d)
  support.forEach((i, p) => (vector[i] = top.vector[p]))
  return { value: top.value, vector }
}

function truncatedUnit(values: Float64Array, keep: readonly number[]): Float64Array | null {
  const out = new Float64Array(values.length)
  let norm = 0
  for (const i of keep) {
    out[i] = values[i]
    norm += values[i] * values[i]
  }
  norm = Math.sqrt(norm)
  if (norm === 0) return null
  for (const i of keep) out[i] /= norm
  return out
}

/**
 * The truncated power method from the k-sparse unit vector `start`:
 * `x <- truncate_k(C x) / ||truncate_k(C x)||`, keeping the k largest |coordinates|. Once the
 * support stops changing, the iteration is the power method on the k x k block C_SS, so it jumps to
 * that block's top eigenvector and stops if the support it selects is the same support (a fixed
 * point of the method); else it goes on from there. Value: `x^T C x` at the end.
 */
export function truncatedPowerFrom(
  c: Float64Array,
  d: number,
  k: number,
  start: Float64Array
): SparseEigen {
  let x: Float64Array = Float64Array.from(start)
  const cx = new Float64Array(d)
  let previous: number[] | null = null
  for (let t = 0; t < TPM_MAX_ITERATIONS; t++) {
    multiply(c, d, x, cx)
    const support = topIndices(
      Array.from(cx, (v) => Math.abs(v)),
      k
    )
    if (sameSupport(support, previous)) {
      const block = restrictedTop(c, d, support)
      multiply(c, d, block.vector, cx)
      const next = topIndices(
        Array.from(cx, (v) => Math.abs(v)),
        k
      )
      if (sameSupport(next, support)) return block
      previous = next
      x = truncatedUnit(cx, next) ?? x
      continue
    }
    previous = support
    const next = truncatedUnit(cx, support)
    if (!next) break
    x = next
  }
  multiply(c, d, x, cx)
  return { value: dot(x, cx), vector: x }
}

/**
 * The k-sparse top eigenvalue of C by the truncated power method, from two starts, keeping the
 * larger: (a) the top eigenvector with its k largest coordinates kept; (b) diagonal thresholding:
 * the top eigenvector of C restricted to the k largest diagonal entries (Johnstone and Lu 2009).
 * Start (a) finds a spike above the BBP threshold, start (b) one whose support shows on the
 * diagonal; both are deterministic functions of C, so the statistic is one too.
 */
export function sparseTopEigen(
  c: Float64Array,
  d: number,
  k: number,
  top?: Float64Array
): SparseEigen {
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new Error(`'k' must be an integer in [1, d] (got k=${k}, d=${d})`)
  }
  if (k === d) {
    const full = topEigen(c, d)
    return { value: full.value, vector: full.vector }
  }
  const eigenvector = top ?? topEigen(c, d).vector
  const a = new Float64Array(d)
  for (const i of topIndices(
    Array.from(eigenvector, (v) => Math.abs(v)),
    k
  ))
    a[i] = eigenvector[i]
  normaliseInPlace(a)

  const diagonal = restrictedTop(
    c,
    d,
    topIndices(
      Array.from({ length: d }, (_, i) => c[i * d + i]),
      k
    )
  ).vector

  const fromA = truncatedPowerFrom(c, d, k, a)
  const fromB = truncatedPowerFrom(c, d, k, diagonal)
  return fromB.value > fromA.value ? fromB : fromA
}

function normaliseInPlace(v: Float64Array): void {
  const norm = Math.sqrt(dot(v, v))
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm
}

/** The three statistics of a second moment C (d x d). */
export function statisticsOf(c: Float64Array, d: number, k: number): DetectionStatistics {
  const top = topEigen(c, d)
  return {
    topEigenvalue: top.value,
    maxDiagonal: maxDiagonal(c, d),
    sparseEigenvalue: sparseTopEigen(c, d, k, top.vector).value
  }
}
