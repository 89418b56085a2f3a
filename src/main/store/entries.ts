/**
 * The Runs history as entries (SCIENCE.md section 12): runs on their own, sweeps (one entry each,
 * standing for those of its runs that match the filter) and, when asked, seed groups (runs whose
 * configs differ only in the seed). Filtered, sorted and paged in SQL like the runs themselves:
 * a sweep sorts by its own name, state and creation, a group by its mean key result over seeds.
 *
 * Each kind of entry is one arm of a compound SELECT that SQLite merges in sort order, so that a
 * first page of runs sorted by an indexed column reads little more than that page.
 */
import type {
  HistoryEntry,
  HistoryResult,
  RunSortColumn,
  SeedGroupEntry
} from '../../shared/history'
import { runStatuses, type RunStatus } from '../../shared/results'
import { groupName, keyAggregate } from '../../shared/seedGroups'
import type { ExperimentKind } from '../../kinds/registry'
import type { SweepSummary } from '../../shared/sweepStatus'
import { type RunQuery, whereClause } from './history'
import { type Db, type RunRow, placeholders, tagsOfRuns, toSummary } from './rows'

export interface EntryQuery extends RunQuery {
  /** Runs that differ only in the seed as one entry, a seed group. */
  groupSeeds?: boolean
}

/** The summaries of these sweeps (their state comes from all their runs). */
export type SweepSummaries = (ids: number[]) => SweepSummary[]

/**
 * The state of a set of runs as sweepStatus derives it from their counts, in SQL over a GROUP BY:
 * running while any runs (or some wait after others finished), queued while all wait, then
 * interrupted, cancelled, failed, done.
 */
export function derivedStatusSql(column: string): string {
  const n = (s: RunStatus) => `SUM(${column} = '${s}')`
  return `CASE
      WHEN ${n('running')} > 0 THEN 'running'
      WHEN ${n('queued')} > 0 THEN
        CASE WHEN ${n('queued')} = COUNT(*) THEN 'queued' ELSE 'running' END
      WHEN ${n('interrupted')} > 0 THEN 'interrupted'
      WHEN ${n('cancelled')} > 0 THEN 'cancelled'
      WHEN ${n('failed')} > 0 THEN 'failed'
      ELSE 'done' END`
}

/** The result columns each sort needs, besides the entry's identity (see `sortColumns`). */
type SortValue =
  | 'name'
  | 'kind'
  | 'status'
  | 'seed'
  | 'backend'
  | 'created_at'
  | 'duration'
  | 'key_missing'
  | 'key'
  | 'dataset'
  | 'point'

/** Which values a sort reads, and its ORDER BY over them (the direction goes on the last term). */
const sortColumns: Record<RunSortColumn, { values: SortValue[]; order: string }> = {
  id: { values: [], order: 'order_id' },
  name: { values: ['name'], order: 'name COLLATE NOCASE' },
  kind: { values: ['kind'], order: 'kind' },
  status: { values: ['status'], order: 'status' },
  seed: { values: ['seed'], order: 'seed' },
  backend: { values: ['backend'], order: 'backend' },
  createdAt: { values: ['created_at'], order: 'created_at' },
  duration: { values: ['duration'], order: 'duration' },
  // As for runs: each kind's entries among themselves, the kinds in a fixed order, those
  // without a key result last in their kind.
  key: { values: ['kind', 'key_missing', 'key'], order: 'kind, key_missing, key' },
  dataset: { values: ['dataset'], order: 'dataset' },
  point: { values: ['point'], order: 'point' }
}

/** Runs without a seed group (written by an older app since this one opened) stand alone. */
const GROUP = "COALESCE(seed_group, 'run:' || id)"

/** Each value of a run on its own. */
const runValues: Record<SortValue, string> = {
  name: 'name',
  kind: 'kind',
  status: 'status',
  seed: 'seed',
  backend: 'backend',
  created_at: 'created_at',
  duration: 'duration',
  key_missing: 'key_value IS NULL',
  key: 'key_value',
  dataset: 'dataset',
  point: 'point'
}

/** Each value of a seed group (one run alone: that run's own). */
const groupValues: Record<SortValue, string> = {
  name: 'MIN(name COLLATE NOCASE)',
  kind: 'MIN(kind)',
  status: derivedStatusSql('status'),
  seed: 'CASE WHEN COUNT(*) = 1 THEN MAX(seed) END',
  backend: 'MIN(backend)',
  created_at: 'MAX(created_at)',
  duration: 'MAX(duration)',
  key_missing: '(CASE WHEN COUNT(*) = 1 THEN MAX(key_value) ELSE MAX(gk.key) END) IS NULL',
  key: 'CASE WHEN COUNT(*) = 1 THEN MAX(key_value) ELSE MAX(gk.key) END',
  dataset: 'MIN(dataset)',
  point: 'MIN(point)'
}

/** Each value of a sweep: its own name, kind and creation; its state from all its runs. */
const sweepValues: Record<SortValue, string> = {
  name: 's.name',
  kind: 's.kind',
  status: 'MAX(ss.status)',
  seed: 'NULL',
  backend: 'MIN(r.backend)',
  created_at: 's.created_at',
  duration: 'MAX(ss.duration)',
  key_missing: '1',
  key: 'NULL',
  dataset: 'MIN(r.dataset)',
  point: 'NULL'
}

interface EntryRow {
  type: HistoryEntry['type']
  run_id: number | null
  group_key: string | null
  sweep_id: number | null
  matched: number
}

export class HistoryEntries {
  constructor(private readonly db: Db) {}

  /**
   * One page of entries matching `filter`, in `sort` order (missing values last, ties by the
   * newest run id in the same direction), with how many entries and runs match in all. With
   * `filter.sweepId`, the entries are that sweep's runs (grouped by point when grouping seeds).
   */
  query(query: EntryQuery, sweeps: SweepSummaries): HistoryResult {
    const filter = query.filter ?? {}
    const { where, params } = whereClause(filter)
    const and = where ? `${where} AND` : 'WHERE'
    const sort = query.sort ?? { column: 'id', direction: 'desc' }
    const direction = sort.direction === 'asc' ? 'ASC' : 'DESC'
    const withinSweep = filter.sweepId !== undefined
    // Runs that are entries themselves (or in groups): a sweep's, else those of no sweep. The
    // unary plus keeps SQLite from reading them through the sweep index instead of in order.
    const loose = withinSweep ? '' : `${and} +sweep_id IS NULL`
    const { values, order } = sortColumns[sort.column]
    const select = (type: string, identity: string[], of: Record<SortValue, string>) =>
      [type, ...identity, ...values.map((v) => `${of[v]} AS ${v}`)].join(', ')

    const arms: string[] = []
    const armParams: unknown[] = []
    const byKey = values.includes('key')
    // A group's mean key result: over its done runs, one per seed (the lowest id), as
    // keyAggregate computes it for the page.
    const groupKeys = `LEFT JOIN (
        SELECT ${GROUP} AS group_key, AVG(key_value) AS key FROM runs WHERE id IN (
          SELECT MIN(id) FROM runs ${loose || where} ${loose || where ? 'AND' : 'WHERE'}
            status = 'done' GROUP BY ${GROUP}, seed
        ) GROUP BY ${GROUP}
      ) gk ON gk.group_key = ${GROUP}`
    if (query.groupSeeds) {
      arms.push(`
        SELECT ${select(
          "CASE WHEN COUNT(*) = 1 THEN 'run' ELSE 'group' END AS type",
          [
            'MAX(id) AS run_id',
            `${GROUP} AS group_key`,
            'NULL AS sweep_id',
            'MAX(id) AS order_id',
            'COUNT(*) AS matched'
          ],
          groupValues
        )}
        FROM runs ${byKey ? groupKeys : ''}
        ${loose || where} GROUP BY ${GROUP}`)
      armParams.push(...(byKey ? params : []), ...params)
    } else {
      arms.push(`
        SELECT ${select(
          "'run' AS type",
          [
            'id AS run_id',
            'NULL AS group_key',
            'NULL AS sweep_id',
            'id AS order_id',
            '1 AS matched'
          ],
          runValues
        )}
        FROM runs ${loose || where}`)
      armParams.push(...params)
    }
    if (!withinSweep) {
      const state = values.includes('status') || values.includes('duration')
      arms.push(`
        SELECT ${select(
          "'sweep'",
          ['NULL', 'NULL', 'r.sweep_id', 'MAX(r.id)', 'COUNT(*)'],
          sweepValues
        )}
        FROM (SELECT id, sweep_id, backend, dataset FROM runs ${and} sweep_id IS NOT NULL) r
          JOIN sweeps s ON s.id = r.sweep_id
          ${state ? 'JOIN ss ON ss.sweep_id = r.sweep_id' : ''}
        GROUP BY r.sweep_id`)
      armParams.push(...params)
    }
    // A sweep's state and duration come from all its runs, matching the filter or not.
    const states = `WITH ss AS (
        SELECT sweep_id, ${derivedStatusSql('status')} AS status,
          CASE WHEN SUM(status IN ('queued', 'running')) > 0 THEN NULL
            ELSE (julianday(MAX(finished_at)) - julianday(MIN(started_at))) * 86400.0 END
            AS duration
        FROM runs WHERE sweep_id IS NOT NULL GROUP BY sweep_id
      ) `
    const sql = `${arms.some((a) => a.includes(' ss ON')) ? states : ''}
      ${arms.join(' UNION ALL ')}
      ORDER BY ${order} ${direction} NULLS LAST, order_id ${direction} LIMIT ? OFFSET ?`
    const rows = this.db
      .prepare(sql)
      .all(...armParams, query.limit ?? 100, query.offset ?? 0) as EntryRow[]
    return {
      entries: this.resolve(rows, {
        and,
        params,
        scope: withinSweep ? '' : 'AND +sweep_id IS NULL',
        sweeps
      }),
      ...this.count({ where, and, params, loose, withinSweep, groupSeeds: !!query.groupSeeds }),
      tags: (
        this.db.prepare('SELECT DISTINCT tag FROM run_tags ORDER BY tag').all() as {
          tag: string
        }[]
      ).map((r) => r.tag)
    }
  }

  /** How many entries, and runs in them, match. */
  private count(q: {
    where: string
    and: string
    params: unknown[]
    loose: string
    withinSweep: boolean
    groupSeeds: boolean
  }): { total: number; runs: number } {
    const count = (sql: string) => (this.db.prepare(sql).get(...q.params) as { n: number }).n
    const runs = count(`SELECT COUNT(*) AS n FROM runs ${q.where}`)
    const loose = q.groupSeeds
      ? count(`SELECT COUNT(DISTINCT ${GROUP}) AS n FROM runs ${q.loose || q.where}`)
      : q.withinSweep
        ? runs
        : count(`SELECT COUNT(*) AS n FROM runs ${q.loose}`)
    const sweeps = q.withinSweep
      ? 0
      : count(`SELECT COUNT(DISTINCT sweep_id) AS n FROM runs ${q.and} sweep_id IS NOT NULL`)
    return { total: loose + sweeps, runs }
  }

  /** The page's rows as entries: runs read whole, groups from their runs, sweeps summarised. */
  private resolve(
    rows: EntryRow[],
    context: { and: string; params: unknown[]; scope: string; sweeps: SweepSummaries }
  ): HistoryEntry[] {
    const runIds = rows.filter((r) => r.type === 'run').map((r) => r.run_id!)
    const groupKeys = rows.filter((r) => r.type === 'group').map((r) => r.group_key!)
    const sweepIds = rows.filter((r) => r.type === 'sweep').map((r) => r.sweep_id!)
    const runRows = runIds.length
      ? (this.db
          .prepare(`SELECT * FROM runs WHERE id IN (${placeholders(runIds)})`)
          .all(...runIds) as RunRow[])
      : []
    const tags = tagsOfRuns(
      this.db,
      runRows.map((r) => r.id)
    )
    const runs = new Map(runRows.map((row) => [row.id, toSummary(row, tags.get(row.id) ?? [])]))
    const groups = this.groups(groupKeys, context)
    const summaries = new Map(context.sweeps(sweepIds).map((s) => [s.id, s]))
    const datasets = this.sweepDatasets(sweepIds, context)
    return rows.flatMap((row): HistoryEntry[] => {
      if (row.type === 'run') {
        const run = runs.get(row.run_id!)
        return run ? [{ type: 'run', run }] : []
      }
      if (row.type === 'sweep') {
        const sweep = summaries.get(row.sweep_id!)
        const dataset = datasets.get(row.sweep_id!) ?? null
        return sweep ? [{ type: 'sweep', sweep, matched: row.matched, dataset }] : []
      }
      const group = groups.get(row.group_key!)
      return group ? [{ type: 'group', group }] : []
    })
  }

  /**
   * The page's seed groups from their runs that match the filter, in their scope (a sweep's, or
   * of none): counts, seeds, the newest run, and the key result over the runs that count.
   */
  private groups(
    keys: string[],
    context: { and: string; params: unknown[]; scope: string }
  ): Map<string, SeedGroupEntry> {
    if (keys.length === 0) return new Map()
    // The unary pluses keep SQLite on the seed-group index, which finds exactly these runs.
    const scope = `${context.and} seed_group IN (${placeholders(keys)}) ${context.scope}`
    const params = [...context.params, ...keys]
    const rows = this.db
      .prepare(
        `SELECT seed_group, MIN(kind) AS kind, COUNT(*) AS runs, MAX(id) AS newest,
           GROUP_CONCAT(DISTINCT seed) AS seeds, MAX(created_at) AS created_at,
           MAX(duration) AS duration, MIN(dataset) AS dataset,
           ${runStatuses.map((status) => `SUM(status = '${status}') AS "${status}"`).join(', ')}
         FROM runs ${scope} GROUP BY seed_group`
      )
      .all(...params) as (Record<RunStatus, number> & {
      seed_group: string
      kind: ExperimentKind
      runs: number
      newest: number
      seeds: string
      created_at: string
      duration: number | null
      dataset: string | null
    })[]
    const names = new Map(
      (
        this.db
          .prepare(`SELECT id, name FROM runs WHERE id IN (${placeholders(rows)})`)
          .all(...rows.map((r) => r.newest)) as { id: number; name: string }[]
      ).map((r) => [r.id, r.name])
    )
    // One run per seed counts: the done run of lowest id (countedRuns).
    const counted = this.db
      .prepare(
        `SELECT id, seed_group, seed, status, key_label, key_value FROM runs WHERE id IN (
           SELECT MIN(id) FROM runs ${scope} AND +status = 'done' GROUP BY seed_group, seed)`
      )
      .all(...params) as Pick<
      RunRow,
      'id' | 'seed_group' | 'seed' | 'status' | 'key_label' | 'key_value'
    >[]
    return new Map(
      rows.map((row) => {
        const members = counted
          .filter((c) => c.seed_group === row.seed_group)
          .map((c) => ({
            id: c.id,
            seed: c.seed,
            status: c.status,
            keyMetric: c.key_value == null ? null : { label: c.key_label ?? '', value: c.key_value }
          }))
        const entry: SeedGroupEntry = {
          id: row.seed_group,
          kind: row.kind,
          name: groupName([{ id: row.newest, name: names.get(row.newest) ?? '' }]),
          runs: row.runs,
          seeds: row.seeds
            .split(',')
            .map(Number)
            .sort((a, b) => a - b),
          counts: Object.fromEntries(runStatuses.map((s) => [s, row[s]])) as Record<
            RunStatus,
            number
          >,
          key: keyAggregate(members),
          dataset: row.dataset,
          createdAt: row.created_at,
          duration: row.duration
        }
        return [row.seed_group, entry]
      })
    )
  }

  /** The data set of each sweep's matching runs, when they share one. */
  private sweepDatasets(
    ids: number[],
    context: { and: string; params: unknown[] }
  ): Map<number, string> {
    if (ids.length === 0) return new Map()
    const rows = this.db
      .prepare(
        `SELECT sweep_id, MIN(dataset) AS dataset FROM runs ${context.and}
           sweep_id IN (${placeholders(ids)})
         GROUP BY sweep_id HAVING COUNT(DISTINCT dataset) = 1`
      )
      .all(...context.params, ...ids) as { sweep_id: number; dataset: string }[]
    return new Map(rows.map((r) => [r.sweep_id, r.dataset]))
  }
}
