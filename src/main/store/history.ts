/**
 * Reading many runs at once: the whole list, one filtered and sorted page of the history
 * (filtered, sorted and paged in SQL), and the runs a comparison picks.
 */
import type { RunFilter, RunQueryResult, RunSort } from '../../shared/history'
import type { RunDetail, RunSummary } from '../../shared/results'
import { type Db, type RunRow, placeholders, tagsOfRuns, toSummary } from './rows'
import type { RunRepository } from './runs'

export interface RunQuery {
  filter?: RunFilter
  sort?: RunSort
  offset?: number
  limit?: number
}

export class HistoryQueries {
  constructor(
    private readonly db: Db,
    private readonly runs: RunRepository
  ) {}

  /** Every run, newest first. */
  list(): RunSummary[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]
    const tags = tagsOfRuns(this.db)
    return rows.map((row) => toSummary(row, tags.get(row.id) ?? []))
  }

  /**
   * One page of runs matching `filter`, in `sort` order (missing values last, ties by id in the
   * same direction), with how many match in all: filtered, sorted and paged in SQL.
   */
  query(query: RunQuery = {}): RunQueryResult {
    const { where, params } = whereClause(query.filter ?? {})
    const sort = query.sort ?? { column: 'id', direction: 'desc' }
    const column = sortExpressions[sort.column]
    const direction = sort.direction === 'asc' ? 'ASC' : 'DESC'
    const limit = query.limit ?? 100
    const offset = query.offset ?? 0
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${where}`).get(...params) as { n: number }
    ).n
    const rows = this.db
      .prepare(
        `SELECT * FROM runs ${where}
         ORDER BY ${column} ${direction} NULLS LAST, id ${direction} LIMIT ? OFFSET ?`
      )
      .all(...params, limit, offset) as RunRow[]
    const tags = tagsOfRuns(
      this.db,
      rows.map((r) => r.id)
    )
    const allTags = (
      this.db.prepare('SELECT DISTINCT tag FROM run_tags ORDER BY tag').all() as { tag: string }[]
    ).map((r) => r.tag)
    return {
      runs: rows.map((row) => toSummary(row, tags.get(row.id) ?? [])),
      total,
      tags: allTags
    }
  }

  /** The runs with these ids that exist, in the order asked, with metrics and series. */
  getMany(ids: number[]): RunDetail[] {
    return ids.filter((id) => this.runs.exists(id)).map((id) => this.runs.get(id))
  }
}

const sortExpressions: Record<RunSort['column'], string> = {
  id: 'id',
  name: 'name COLLATE NOCASE',
  kind: 'kind',
  status: 'status',
  seed: 'seed',
  backend: 'backend',
  createdAt: 'created_at',
  duration: 'duration',
  // Key results of different kinds are different quantities: sort each kind's runs among
  // themselves, the kinds in a fixed order, runs without one last in their kind.
  key: 'kind, key_value IS NULL, key_value',
  dataset: 'dataset',
  point: 'sweep_id, point'
}

/** `%text%` for LIKE, with the wildcards of `text` taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** An ISO instant; a bare date as the start of that UTC day, or its end when `endOfDay`. */
function instant(value: string, endOfDay: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && endOfDay) {
    return new Date(Date.parse(value) + 86_400_000 - 1).toISOString()
  }
  return new Date(value).toISOString()
}

export function whereClause(filter: RunFilter): { where: string; params: unknown[] } {
  const clauses: string[] = []
  const params: unknown[] = []
  if (filter.kinds?.length) {
    clauses.push(`kind IN (${placeholders(filter.kinds)})`)
    params.push(...filter.kinds)
  }
  if (filter.statuses?.length) {
    clauses.push(`status IN (${placeholders(filter.statuses)})`)
    params.push(...filter.statuses)
  }
  if (filter.tags?.length) {
    clauses.push(`id IN (SELECT run_id FROM run_tags WHERE tag IN (${placeholders(filter.tags)}))`)
    params.push(...filter.tags)
  }
  const text = filter.text?.trim()
  if (text) {
    clauses.push(
      `(name LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR search_text LIKE ? ESCAPE '\\')`
    )
    params.push(likePattern(text), likePattern(text), likePattern(text.toLowerCase()))
  }
  if (filter.createdFrom) {
    clauses.push('created_at >= ?')
    params.push(instant(filter.createdFrom, false))
  }
  if (filter.createdTo) {
    clauses.push('created_at <= ?')
    params.push(instant(filter.createdTo, true))
  }
  if (filter.sweepId !== undefined) {
    clauses.push('sweep_id = ?')
    params.push(filter.sweepId)
  }
  if (filter.seedGroup !== undefined) {
    clauses.push('seed_group = ?')
    params.push(filter.seedGroup)
  }
  if (filter.inSweep !== undefined) {
    clauses.push(filter.inSweep ? 'sweep_id IS NOT NULL' : 'sweep_id IS NULL')
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
}
