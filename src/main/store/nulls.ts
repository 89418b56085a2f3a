/**
 * The cache of Monte Carlo nulls of the detection statistics (SCIENCE.md section 11; migration 6):
 * one row per (d, m, k, seed, backend, method), holding the statistics of draws 0..B-1. A null is a
 * pure function of that key, so a run that finds it here computes the same numbers as one that
 * draws it; a longer null replaces a shorter one (its first draws are the shorter null).
 */
import type Database from 'better-sqlite3'
import type { NullDraws, NullRecord } from '../lab/nullCache'

const STATISTICS = ['topEigenvalue', 'maxDiagonal', 'sparseEigenvalue'] as const

export interface NullQuery {
  seed: number
  m: number
  k: number
  method: string
}

interface NullRow {
  d: number
  m: number
  k: number
  seed: number
  backend: string
  method: string
  draws: number
  draw_values: string
}

/** The draws, when `value` holds `draws` finite numbers per statistic; else null. */
function checkedDraws(value: unknown, draws: number): NullDraws | null {
  if (!value || typeof value !== 'object') return null
  const out = {} as NullDraws
  for (const s of STATISTICS) {
    const list = (value as Record<string, unknown>)[s]
    if (!Array.isArray(list) || list.length !== draws) return null
    if (!list.every((v) => typeof v === 'number' && Number.isFinite(v))) return null
    out[s] = list as number[]
  }
  return out
}

/**
 * The nulls drawn for a seed, width and sparsity, of every input dimension and backend (a run's
 * process picks the one of its own d and backend).
 */
export function nullsFor(db: Database.Database, query: NullQuery): NullRecord[] {
  const rows = db
    .prepare(
      `SELECT d, m, k, seed, backend, method, draws, draw_values FROM detect_nulls
       WHERE seed = ? AND m = ? AND k = ? AND method = ?`
    )
    .all(query.seed, query.m, query.k, query.method) as NullRow[]
  return rows.flatMap((row) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(row.draw_values)
    } catch {
      return []
    }
    const values = checkedDraws(parsed, row.draws)
    if (!values) return []
    const { d, m, k, seed, backend, method } = row
    return [{ d, m, k, seed, backend, method, values }]
  })
}

/** Keeps a null, unless one at least as long is kept for the same key. Throws on a malformed one. */
export function putNull(db: Database.Database, record: NullRecord): void {
  const draws = record.values.topEigenvalue?.length ?? 0
  const values = checkedDraws(record.values, draws)
  if (draws < 1 || !values) {
    throw new Error('a null must hold the same number (at least 1) of finite draws per statistic')
  }
  db.prepare(
    `INSERT INTO detect_nulls (d, m, k, seed, backend, method, draws, draw_values, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (d, m, k, seed, backend, method) DO UPDATE SET
       draws = excluded.draws, draw_values = excluded.draw_values, created_at = excluded.created_at
     WHERE excluded.draws > detect_nulls.draws`
  ).run(
    record.d,
    record.m,
    record.k,
    record.seed,
    record.backend,
    record.method,
    draws,
    JSON.stringify(values),
    new Date().toISOString()
  )
}

/** The cache of nulls as the store offers it: `store.nulls.for(...)`, `store.nulls.put(...)`. */
export class NullRepository {
  constructor(private readonly db: Database.Database) {}

  /** The nulls kept for a seed and shape (every backend, every d). */
  for(query: NullQuery): NullRecord[] {
    return nullsFor(this.db, query)
  }

  /** Keeps a null a run drew, unless a longer one is kept already. */
  put(record: NullRecord): void {
    putNull(this.db, record)
  }
}
