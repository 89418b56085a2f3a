/**
 * Saved comparisons: a name, the ids of the runs compared, as saved (deleted runs included), and
 * whether they are compared by seed group.
 */
import type { Comparison } from '../../shared/api'
import type { Db } from './rows'

export class ComparisonNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`No saved comparison with id ${id}`)
    this.name = 'ComparisonNotFoundError'
  }
}

interface ComparisonRow {
  id: number
  name: string
  run_ids: string
  grouped: number
  created_at: string
}

function toComparison(row: ComparisonRow): Comparison {
  return {
    id: row.id,
    name: row.name,
    runIds: JSON.parse(row.run_ids) as number[],
    grouped: row.grouped === 1,
    createdAt: row.created_at
  }
}

export class ComparisonRepository {
  constructor(private readonly db: Db) {}

  /** Saves a comparison of runs, or of their seed groups (`grouped`). */
  save(name: string, runIds: number[], grouped = false): Comparison {
    const info = this.db
      .prepare('INSERT INTO comparisons (name, run_ids, grouped, created_at) VALUES (?, ?, ?, ?)')
      .run(name, JSON.stringify(runIds), grouped ? 1 : 0, new Date().toISOString())
    return this.get(Number(info.lastInsertRowid))
  }

  /** Saved comparisons, newest first. Their run ids are as saved, deleted runs included. */
  list(): Comparison[] {
    return (
      this.db.prepare('SELECT * FROM comparisons ORDER BY id DESC').all() as ComparisonRow[]
    ).map(toComparison)
  }

  /** One saved comparison; throws ComparisonNotFoundError. */
  get(id: number): Comparison {
    const row = this.db.prepare('SELECT * FROM comparisons WHERE id = ?').get(id) as
      ComparisonRow | undefined
    if (!row) throw new ComparisonNotFoundError(id)
    return toComparison(row)
  }

  /** Removes a saved comparison; returns how many rows went (0 or 1). */
  delete(id: number): number {
    return this.db.prepare('DELETE FROM comparisons WHERE id = ?').run(id).changes
  }
}
