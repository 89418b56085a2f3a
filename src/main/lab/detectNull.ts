/**
 * The Monte Carlo null of the detection statistics (SCIENCE.md section 11): B clean weight
 * matrices of the same shape, `G ~ N(0, I_d)` rows, drawn from the run seed's own stream "null"
 * (draw b from `null/b`, so the first B draws of a longer null are the null of B draws), and
 * p-values against it. The statistics read G only through `C = G^T G / m`, so a draw takes C
 * straight from its law (Bartlett's decomposition of the Wishart, wishartSecondMoment): the same
 * null at O(d^3) work instead of O(m d^2) draws and products. A null depends on (d, m, k, seed) and the backend only, so it is computed
 * once and shared: by the panel of every run and by every theta of a frontier (see NullCache).
 */
import { detectionStatistics, statisticsOf, STATISTICS, type DetectionStatistics } from './detect'
import type { NullCache, NullDraws, NullShape } from './nullCache'
import { stream, type Rng } from './rng'

/**
 * Draw b of the null: the second moment C of a clean m x d weight matrix, from `null/b` of the
 * seed, and its statistics. C comes from its law directly when m >= d (wishartSecondMoment), else
 * from m x d normal draws.
 */
export function nullDraw(shape: NullShape, b: number): DetectionStatistics {
  const { d, m, k, seed } = shape
  const rng = stream(seed, `null/${b}`)
  if (m < d) return detectionStatistics(rng.normals(m * d), m, d, k)
  return statisticsOf(wishartSecondMoment(m, d, rng), d, k)
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

export function drawCount(values: NullDraws): number {
  return Math.min(...STATISTICS.map((s) => values[s].length))
}

/** The first `draws` draws of a null. */
export function firstDraws(values: NullDraws, draws: number): NullDraws {
  return {
    topEigenvalue: values.topEigenvalue.slice(0, draws),
    maxDiagonal: values.maxDiagonal.slice(0, draws),
    sparseEigenvalue: values.sparseEigenvalue.slice(0, draws)
  }
}

/**
 * The null of `draws` draws for `shape`: taken from the cache when it holds that many, else the
 * cached draws are extended (draw b is the same whoever draws it) and the longer null is cached.
 * `onDraw(done, total)` follows the draws computed here.
 */
export function monteCarloNull(
  shape: NullShape,
  draws: number,
  cache?: NullCache | null,
  onDraw?: (done: number, total: number) => void
): NullDraws {
  if (!Number.isInteger(draws) || draws < 1) {
    throw new Error(`'draws' must be a positive integer (got ${draws})`)
  }
  const cached = cache?.get(shape) ?? null
  const have = cached ? drawCount(cached) : 0
  if (cached && have >= draws) return firstDraws(cached, draws)
  const values: NullDraws = cached
    ? firstDraws(cached, have)
    : { topEigenvalue: [], maxDiagonal: [], sparseEigenvalue: [] }
  for (let b = have; b < draws; b++) {
    const stats = nullDraw(shape, b)
    for (const s of STATISTICS) values[s].push(stats[s])
    onDraw?.(b + 1 - have, draws - have)
  }
  cache?.put(shape, values)
  return values
}

/** Monte Carlo p-value `(1 + #{null >= observed}) / (B + 1)`: exactly valid for B null draws. */
export function pValue(observed: number, nullValues: readonly number[]): number {
  if (nullValues.length === 0) throw new Error("'nullValues' must not be empty")
  if (Number.isNaN(observed)) throw new Error("'observed' must be a number")
  let atLeast = 0
  for (const v of nullValues) if (v >= observed) atLeast++
  return (1 + atLeast) / (nullValues.length + 1)
}

/** The p-value of each statistic against its null. */
export function pValues(
  observed: DetectionStatistics,
  nullValues: NullDraws
): Record<keyof DetectionStatistics, number> {
  return {
    topEigenvalue: pValue(observed.topEigenvalue, nullValues.topEigenvalue),
    maxDiagonal: pValue(observed.maxDiagonal, nullValues.maxDiagonal),
    sparseEigenvalue: pValue(observed.sparseEigenvalue, nullValues.sparseEigenvalue)
  }
}
