/**
 * Where the Monte Carlo nulls of the detection statistics are found and kept (SCIENCE.md section
 * 11): their key and record types, an in-memory cache, and the cache a run's process makes of the
 * records the service read from the database. No tfjs: the service uses it too.
 */

/** Names the algorithm of the statistics: a cached null of another method is not reused. */
export const NULL_METHOD = 'lanczos-tpm/1'

export interface NullShape {
  d: number
  m: number
  k: number
  seed: number
}

/** The statistics of B null draws, draw b at index b. */
export type NullDraws = Record<'topEigenvalue' | 'maxDiagonal' | 'sparseEigenvalue', number[]>

/** A null as it is cached: its shape, the backend that computed it, the method, the draws. */
export interface NullRecord extends NullShape {
  backend: string
  method: string
  values: NullDraws
}

/** Where a computation finds a null already drawn and leaves one it drew (the database). */
export interface NullCache {
  get(shape: NullShape): NullDraws | null
  put(shape: NullShape, values: NullDraws): void
}

/** An in-memory cache, for one process (tests, a frontier's draws). */
export function memoryNullCache(): NullCache & { size: number } {
  const entries = new Map<string, NullDraws>()
  const key = (s: NullShape) => `${s.d}/${s.m}/${s.k}/${s.seed}`
  return {
    get: (shape) => entries.get(key(shape)) ?? null,
    put: (shape, values) => void entries.set(key(shape), values),
    get size() {
      return entries.size
    }
  }
}

/**
 * The cache a run's process uses: the records the service found for the run's seed and shape
 * (those of this backend and method only: a null is a pure function of its key on one backend),
 * and `keep` for each null the run draws, which the service stores.
 */
export function recordNullCache(
  records: readonly NullRecord[],
  backend: string,
  keep: (record: NullRecord) => void
): NullCache {
  const usable = records.filter((r) => r.backend === backend && r.method === NULL_METHOD)
  return {
    get: (shape) =>
      usable.find(
        (r) => r.d === shape.d && r.m === shape.m && r.k === shape.k && r.seed === shape.seed
      )?.values ?? null,
    put: (shape, values) => keep({ ...shape, backend, method: NULL_METHOD, values })
  }
}
