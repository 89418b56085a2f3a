/**
 * What the store's repositories share: a run's row and how it reads as a RunSummary, its tags,
 * the search text the history filters on, and small SQL helpers.
 */
import type Database from 'better-sqlite3'
import { type ExperimentConfig, type ExperimentKind, describeData } from '../../kinds/registry'
import { configSearchEntries } from '../../shared/history'
import type { Progress, RunStatus, RunSummary } from '../../shared/results'

export type Db = Database.Database

export interface RunRow {
  id: number
  name: string
  kind: ExperimentKind
  status: RunStatus
  config: string
  seed: number
  backend: string | null
  environment: string | null
  app_version: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
  notes: string
  progress: string | null
  key_label: string | null
  key_value: number | null
  key_lower: number | null
  key_upper: number | null
  dataset: string | null
  rerun_of: number | null
  sweep_id: number | null
  point: number | null
  replicate: number | null
  seed_group: string | null
}

/** `?, ?, ?` for an IN list of `values`. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ')
}

/** Unit separator: no search text contains it, so a match never spans two entries. */
const SEARCH_SEPARATOR = '\u001f'

/** What the free-text filter matches besides name and notes: data set and config entries. */
export function searchText(config: ExperimentConfig): string {
  return [describeData(config), ...configSearchEntries(config)].join(SEARCH_SEPARATOR).toLowerCase()
}

export function tagsOf(db: Db, id: number): string[] {
  return (
    db.prepare('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').all(id) as {
      tag: string
    }[]
  ).map((r) => r.tag)
}

/** The tags of the runs `ids` (every run's when `ids` is omitted), by run id. */
export function tagsOfRuns(db: Db, ids?: number[]): Map<number, string[]> {
  const map = new Map<number, string[]>()
  if (ids?.length === 0) return map
  const rows = (
    ids
      ? db
          .prepare(
            `SELECT run_id, tag FROM run_tags WHERE run_id IN (${placeholders(ids)})
             ORDER BY tag`
          )
          .all(...ids)
      : db.prepare('SELECT run_id, tag FROM run_tags ORDER BY tag').all()
  ) as { run_id: number; tag: string }[]
  for (const { run_id, tag } of rows) map.set(run_id, [...(map.get(run_id) ?? []), tag])
  return map
}

export function toSummary(row: RunRow, tags: string[]): RunSummary {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    seed: row.seed,
    backend: row.backend,
    appVersion: row.app_version,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    notes: row.notes,
    tags,
    progress: row.progress ? (JSON.parse(row.progress) as Progress) : null,
    keyMetric:
      row.key_value == null
        ? null
        : {
            label: row.key_label ?? '',
            value: row.key_value,
            ...(row.key_lower != null && row.key_upper != null
              ? { lower: row.key_lower, upper: row.key_upper }
              : {})
          },
    dataset: row.dataset ?? undefined,
    rerunOf: row.rerun_of,
    ...(row.sweep_id != null
      ? { sweepId: row.sweep_id, point: row.point ?? 0, replicate: row.replicate ?? 0 }
      : {}),
    ...(row.seed_group ? { seedGroup: row.seed_group } : {})
  }
}

export function dropNullBounds<T extends { lower?: number | null; upper?: number | null }>(
  record: T
): T {
  const out = { ...record }
  if (out.lower == null) delete out.lower
  if (out.upper == null) delete out.upper
  return out
}
