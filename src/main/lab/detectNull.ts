/**
 * The Monte Carlo null of the detection statistics (SCIENCE.md section 11): B clean weight
 * matrices of the same shape, `G ~ N(0, I_d)` rows, drawn from the run seed's own stream "null"
 * (draw b from `null/b`, so the first B draws of a longer null are the null of B draws), and
 * p-values against it. The statistics read G only through `C = G^T G / m`, so a draw takes C
 * straight from its law (Bartlett's decomposition of the Wishart, nullDraw.ts): the same null at
 * O(d^3) work instead of O(m d^2) draws and products. Draws are independent, so they are made in
 * worker threads where the bundle allows (nullThreads.ts), with the same numbers. A null depends
 * on (d, m, k, seed) and the backend only, so it is computed once and shared: by the panel of
 * every run and by every theta of a frontier (see NullCache).
 */
import { detectionStatistics, STATISTICS, type DetectionStatistics } from './detect'
import { lawDraw } from './nullDraw'
import type { NullCache, NullDraws, NullShape } from './nullCache'
import { drawInThreads, type ThreadOptions } from './nullThreads'
import { stream } from './rng'

export { chiSquare, wishartSecondMoment } from './nullDraw'

/**
 * Draw b of the null: the statistics of the second moment C of a clean m x d weight matrix, from
 * `null/b` of the seed. C comes from its law directly when m >= d (lawDraw), else from m x d
 * normal draws.
 */
export function nullDraw(shape: NullShape, b: number): DetectionStatistics {
  const { d, m, k, seed } = shape
  if (m < d) return detectionStatistics(stream(seed, `null/${b}`).normals(m * d), m, d, k)
  return lawDraw(shape, b)
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

function drawSerially(
  shape: NullShape,
  from: number,
  to: number,
  onDraw?: (done: number) => void
): NullDraws {
  const values: NullDraws = { topEigenvalue: [], maxDiagonal: [], sparseEigenvalue: [] }
  for (let b = from; b < to; b++) {
    const stats = nullDraw(shape, b)
    for (const s of STATISTICS) values[s].push(stats[s])
    onDraw?.(b + 1 - from)
  }
  return values
}

function joined(head: NullDraws, tail: NullDraws): NullDraws {
  return {
    topEigenvalue: [...head.topEigenvalue, ...tail.topEigenvalue],
    maxDiagonal: [...head.maxDiagonal, ...tail.maxDiagonal],
    sparseEigenvalue: [...head.sparseEigenvalue, ...tail.sparseEigenvalue]
  }
}

/**
 * The null of `draws` draws for `shape`, in this thread: taken from the cache when it holds that
 * many, else the cached draws are extended (draw b is the same whoever draws it) and the longer
 * null is cached. `onDraw(done, total)` follows the draws computed here.
 */
export function monteCarloNull(
  shape: NullShape,
  draws: number,
  cache?: NullCache | null,
  onDraw?: (done: number, total: number) => void
): NullDraws {
  checkDraws(draws)
  const cached = cache?.get(shape) ?? null
  const have = cached ? drawCount(cached) : 0
  if (cached && have >= draws) return firstDraws(cached, draws)
  const drawn = drawSerially(shape, have, draws, (done) => onDraw?.(done, draws - have))
  const values = cached ? joined(firstDraws(cached, have), drawn) : drawn
  cache?.put(shape, values)
  return values
}

function checkDraws(draws: number): void {
  if (!Number.isInteger(draws) || draws < 1) {
    throw new Error(`'draws' must be a positive integer (got ${draws})`)
  }
}

/** A null being drawn while its run goes on (startMonteCarloNull). */
export interface PendingNull {
  /** The draws computed so far and the draws to compute (0 of 0 when the cache held them). */
  progress(): { done: number; total: number }
  /**
   * The null, once drawn (and cached). Draws not yet started by threads are drawn now, in this
   * thread; `onDraw(done, total)` follows the draws from here on.
   */
  values(onDraw?: (done: number, total: number) => void): Promise<NullDraws>
}

/**
 * Starts drawing the null of `draws` draws for `shape`: the same draws as monteCarloNull, made in
 * worker threads from now on where threads can be used (nullThreads.ts), else when `values()` is
 * first asked for. A run starts its panel's null before its own work, so that the two overlap.
 */
export function startMonteCarloNull(
  shape: NullShape,
  draws: number,
  cache?: NullCache | null,
  threads: ThreadOptions = {}
): PendingNull {
  checkDraws(draws)
  const cached = cache?.get(shape) ?? null
  const have = cached ? drawCount(cached) : 0
  if (cached && have >= draws) {
    const values = Promise.resolve(firstDraws(cached, draws))
    return { progress: () => ({ done: 0, total: 0 }), values: () => values }
  }
  const state = { done: 0, total: draws - have }
  let listener: ((done: number, total: number) => void) | null = null
  const notify = (done: number) => {
    state.done = done
    listener?.(done, state.total)
  }
  const threaded = drawInThreads(shape, have, draws, notify, threads)
  let result: Promise<NullDraws> | null = null
  return {
    progress: () => ({ ...state }),
    values(onDraw) {
      listener = onDraw ?? null
      result ??= threaded.then((drawn) => {
        const tail = drawn ?? drawSerially(shape, have, draws, notify)
        const values = cached ? joined(firstDraws(cached, have), tail) : tail
        cache?.put(shape, values)
        return values
      })
      return result
    }
  }
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
