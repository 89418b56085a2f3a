/**
 * The Monte Carlo null of the detection statistics (SCIENCE.md section 11): B clean weight
 * matrices of the same shape, `G ~ N(0, I_d)` rows, drawn from the run seed's own stream "null"
 * (draw b from `null/b`, so the first B draws of a longer null are the null of B draws), and
 * p-values against it. A null depends on (d, m, k, seed) and the backend only, so it is computed
 * once and shared: by the panel of every run and by every theta of a frontier (see NullCache).
 */
import { detectionStatistics, STATISTICS, type DetectionStatistics } from './detect'
import type { NullCache, NullDraws, NullShape } from './nullCache'
import { stream } from './rng'

/** Draw b of the null: a clean m x d weight matrix from `null/b` of the seed, and its statistics. */
export function nullDraw(shape: NullShape, b: number): DetectionStatistics {
  const { d, m, k, seed } = shape
  const rows = stream(seed, `null/${b}`).normals(m * d)
  return detectionStatistics(rows, m, d, k)
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
