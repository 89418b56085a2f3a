/**
 * One draw of the Monte Carlo null when m >= d (SCIENCE.md section 11), taken from the law of
 * `C = G^T G / m` (Bartlett's decomposition of the Wishart) and reduced to the detection
 * statistics: plain float64 work, no tensors, so that worker threads (nullThreads.ts) draw it
 * with the same numbers as the run's own thread.
 */
import { statisticsOf, type DetectionStatistics } from './detectStatistics'
import type { NullShape } from './nullCache'
import { stream, type Rng } from './rng'

/** Draw b of the null of `shape` (m >= d) from `null/b` of its seed. */
export function lawDraw(shape: NullShape, b: number): DetectionStatistics {
  const { d, m, k, seed } = shape
  return statisticsOf(wishartSecondMoment(m, d, stream(seed, `null/${b}`)), d, k)
}

/**
 * `C = G^T G / m` for G with m x d independent N(0, 1) entries, drawn from its law: G^T G is
 * Wishart W_d(I, m), and by Bartlett's decomposition G^T G = A A^T in law, with A lower
 * triangular, A_ii^2 ~ chi-square(m - i) (i = 0..d-1) and A_ij ~ N(0, 1) below the diagonal, all
 * independent. Needs m >= d. Symmetric d x d float64, row-major.
 */
export function wishartSecondMoment(m: number, d: number, rng: Rng): Float64Array {
  if (m < d) throw new Error(`'m' must be at least d = ${d} (got ${m})`)
  const a = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) a[i * d + j] = rng.normal()
    a[i * d + i] = Math.sqrt(chiSquare(m - i, rng))
  }
  const c = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      // (A A^T)_ij = sum over l <= min(i, j) = j of A_il A_jl
      let sum = 0
      for (let l = 0; l <= j; l++) sum += a[i * d + l] * a[j * d + l]
      c[i * d + j] = sum / m
      c[j * d + i] = sum / m
    }
  }
  return c
}

/** A chi-square draw with `k` > 0 degrees of freedom: 2 Gamma(k / 2). */
export function chiSquare(k: number, rng: Rng): number {
  return 2 * gamma(k / 2, rng)
}

/**
 * A Gamma(shape, 1) draw by Marsaglia and Tsang (2000); a shape below 1 is raised by one and
 * scaled back by U^(1/shape).
 */
function gamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new Error(`'shape' must be positive (got ${shape})`)
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(1 - rng.uniform(), 1 / shape)
  const dd = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * dd)
  for (;;) {
    const x = rng.normal()
    const t = 1 + c * x
    if (t <= 0) continue
    const v = t * t * t
    const u = 1 - rng.uniform() // in (0, 1]
    if (u < 1 - 0.0331 * x * x * x * x) return dd * v
    if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v
  }
}
