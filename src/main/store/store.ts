/**
 * The run database: one SQLite file, WAL mode, foreign keys on, numbered migrations at open.
 * Metrics and series are written as they arrive, so a crash loses at most the step in flight;
 * runs left `running` (or `queued`) by a process that died become `interrupted` at open.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { DatasetSummary, LabelCandidate } from '../../shared/api'
import type { ExperimentConfig, ExperimentKind } from '../../shared/config'
import type {
  Environment,
  MetricRecord,
  Progress,
  RunDetail,
  RunStatus,
  RunSummary,
  SeriesPoint,
  SeriesRecord
} from '../../shared/results'
import { migrations } from './migrations'

interface RunRow {
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
}

export interface NewRun {
  name: string
  config: ExperimentConfig
  appVersion: string
}

interface DatasetRow {
  id: number
  name: string
  created_at: string
  sha256: string
  bytes: number
  columns: string
  rows: number
  label_candidates: string
}

/** An imported CSV file as the service checked it; the store keeps it whole or not at all. */
export interface NewDataset {
  name: string
  /** The file's text. */
  content: string
  columns: string[]
  /** Data rows. */
  rows: number
  /** SHA-256 of the UTF-8 text, hex. */
  sha256: string
  /** UTF-8 bytes of the text (checked by the database). */
  bytes: number
  labelCandidates?: LabelCandidate[]
}

export interface OpenOptions {
  /** Path of a better-sqlite3 addon built for another runtime (Electron's ABI). */
  nativeBinding?: string
}

export class RunStore {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string
  ) {}

  static open(path: string, options: OpenOptions = {}): RunStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const db = new Database(
      path,
      options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}
    )
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    const store = new RunStore(db, path)
    store.migrate()
    store.interruptUnfinished()
    return store
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  private migrate(): void {
    const current = this.schemaVersion
    const pending = migrations.filter((m) => m.version > current)
    if (pending.length === 0) return
    this.db.transaction(() => {
      for (const m of pending) {
        this.db.exec(m.sql)
        this.db.pragma(`user_version = ${m.version}`)
      }
    })()
  }

  /** Runs that a dead process left queued or running cannot finish: mark them interrupted. */
  interruptUnfinished(): number {
    return this.db
      .prepare(
        `UPDATE runs SET status = 'interrupted', progress = NULL,
           finished_at = COALESCE(finished_at, ?),
           error = COALESCE(error, 'The app stopped before this run finished; the results it had written are kept.')
         WHERE status IN ('running', 'queued')`
      )
      .run(new Date().toISOString()).changes
  }

  createRun(run: NewRun): RunSummary {
    const info = this.db
      .prepare(
        `INSERT INTO runs (name, kind, status, config, seed, app_version, created_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?)`
      )
      .run(
        run.name,
        run.config.kind,
        JSON.stringify(run.config),
        run.config.seed,
        run.appVersion,
        new Date().toISOString()
      )
    return this.summary(Number(info.lastInsertRowid))
  }

  markRunning(id: number, environment: Environment): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', started_at = ?, backend = ?, environment = ? WHERE id = ?`
      )
      .run(new Date().toISOString(), environment.backend, JSON.stringify(environment), id)
  }

  setProgress(id: number, progress: Progress | null): void {
    this.db
      .prepare('UPDATE runs SET progress = ? WHERE id = ?')
      .run(progress ? JSON.stringify(progress) : null, id)
  }

  finish(
    id: number,
    status: Extract<RunStatus, 'done' | 'failed' | 'cancelled'>,
    error: string | null = null
  ): void {
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, error = ?, progress = NULL WHERE id = ?`
      )
      .run(status, new Date().toISOString(), error, id)
  }

  putMetric(id: number, record: MetricRecord): void {
    this.db
      .prepare(
        `INSERT INTO metrics (run_id, model, name, value, lower, upper) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, model, name) DO UPDATE SET value = excluded.value, lower = excluded.lower, upper = excluded.upper`
      )
      .run(
        id,
        record.model,
        record.name,
        finite(record.value),
        finite(record.lower),
        finite(record.upper)
      )
  }

  /** Appends points to a series, creating it on first use. */
  appendSeries(id: number, record: SeriesRecord): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO series (run_id, model, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(id, record.model, record.name)
      const { sid, next } = this.db
        .prepare(
          `SELECT s.id AS sid, COALESCE(MAX(p.idx) + 1, 0) AS next FROM series s
           LEFT JOIN series_points p ON p.series_id = s.id
           WHERE s.run_id = ? AND s.model = ? AND s.name = ? GROUP BY s.id`
        )
        .get(id, record.model, record.name) as { sid: number; next: number }
      const insert = this.db.prepare(
        'INSERT INTO series_points (series_id, idx, x, value, lower, upper) VALUES (?, ?, ?, ?, ?, ?)'
      )
      record.points.forEach((p, i) =>
        insert.run(sid, next + i, p.x, finite(p.value), finite(p.lower), finite(p.upper))
      )
    })()
  }

  listRuns(): RunSummary[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]
    const tags = this.tagsByRun()
    return rows.map((row) => toSummary(row, tags.get(row.id) ?? []))
  }

  summary(id: number): RunSummary {
    const row = this.row(id)
    return toSummary(row, this.tagsOf(id))
  }

  getRun(id: number): RunDetail {
    const row = this.row(id)
    const metrics = (
      this.db
        .prepare(
          'SELECT model, name, value, lower, upper FROM metrics WHERE run_id = ? ORDER BY rowid'
        )
        .all(id) as MetricRecord[]
    ).map(dropNullBounds)
    const points = this.db
      .prepare(
        `SELECT s.model, s.name, p.x, p.value, p.lower, p.upper FROM series s
         JOIN series_points p ON p.series_id = s.id WHERE s.run_id = ? ORDER BY s.id, p.idx`
      )
      .all(id) as (SeriesPoint & { model: string; name: string })[]
    const series: SeriesRecord[] = []
    for (const { model, name, ...point } of points) {
      let last = series[series.length - 1]
      if (!last || last.model !== model || last.name !== name) {
        last = { model, name, points: [] }
        series.push(last)
      }
      last.points.push(dropNullBounds(point))
    }
    return {
      ...toSummary(row, this.tagsOf(id)),
      config: JSON.parse(row.config) as ExperimentConfig,
      environment: row.environment ? (JSON.parse(row.environment) as Environment) : null,
      metrics,
      series
    }
  }

  updateRun(id: number, changes: { name?: string; notes?: string; tags?: string[] }): RunSummary {
    this.row(id)
    this.db.transaction(() => {
      if (changes.name !== undefined)
        this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(changes.name, id)
      if (changes.notes !== undefined)
        this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(changes.notes, id)
      if (changes.tags !== undefined) {
        this.db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(id)
        const insert = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)')
        for (const tag of changes.tags) insert.run(id, tag)
      }
    })()
    return this.summary(id)
  }

  deleteRuns(ids: number[]): number {
    const remove = this.db.prepare('DELETE FROM runs WHERE id = ?')
    return this.db.transaction(() => ids.reduce((n, id) => n + remove.run(id).changes, 0))()
  }

  /** Stores an imported CSV file in one INSERT: on any error (a CHECK failing) nothing is kept. */
  createDataset(dataset: NewDataset): DatasetSummary {
    const info = this.db
      .prepare(
        `INSERT INTO datasets (name, created_at, sha256, bytes, columns, rows, label_candidates, content)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        dataset.name,
        new Date().toISOString(),
        dataset.sha256,
        dataset.bytes,
        JSON.stringify(dataset.columns),
        dataset.rows,
        JSON.stringify(dataset.labelCandidates ?? []),
        dataset.content
      )
    return this.datasetSummary(Number(info.lastInsertRowid))
  }

  /** Every imported data set, newest first, without its text. */
  listDatasets(): DatasetSummary[] {
    return (
      this.db
        .prepare(`SELECT ${DATASET_FIELDS} FROM datasets ORDER BY id DESC`)
        .all() as DatasetRow[]
    ).map(toDatasetSummary)
  }

  datasetSummary(id: number): DatasetSummary {
    const row = this.db.prepare(`SELECT ${DATASET_FIELDS} FROM datasets WHERE id = ?`).get(id) as
      DatasetRow | undefined
    if (!row) throw new DatasetNotFoundError(id)
    return toDatasetSummary(row)
  }

  /** An imported data set with its text. */
  getDataset(id: number): DatasetSummary & { content: string } {
    const row = this.db
      .prepare(`SELECT ${DATASET_FIELDS}, content FROM datasets WHERE id = ?`)
      .get(id) as (DatasetRow & { content: string }) | undefined
    if (!row) throw new DatasetNotFoundError(id)
    return { ...toDatasetSummary(row), content: row.content }
  }

  /** Removes an imported data set; returns how many rows went (0 or 1). */
  deleteDataset(id: number): number {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes
  }

  /** Runs in the given statuses whose config reads the imported data set `id`. */
  runsUsingDataset(id: number, statuses: RunStatus[]): number[] {
    if (statuses.length === 0) return []
    return (
      this.db
        .prepare(
          `SELECT id FROM runs WHERE status IN (${statuses.map(() => '?').join(', ')})
             AND json_extract(config, '$.dataset.kind') = 'csv'
             AND json_extract(config, '$.dataset.datasetId') = ?
           ORDER BY id`
        )
        .all(...statuses, id) as { id: number }[]
    ).map((r) => r.id)
  }

  close(): void {
    this.db.close()
  }

  private row(id: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined
    if (!row) throw new RunNotFoundError(id)
    return row
  }

  private tagsOf(id: number): string[] {
    return (
      this.db.prepare('SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').all(id) as {
        tag: string
      }[]
    ).map((r) => r.tag)
  }

  private tagsByRun(): Map<number, string[]> {
    const map = new Map<number, string[]>()
    const rows = this.db.prepare('SELECT run_id, tag FROM run_tags ORDER BY tag').all() as {
      run_id: number
      tag: string
    }[]
    for (const { run_id, tag } of rows) map.set(run_id, [...(map.get(run_id) ?? []), tag])
    return map
  }
}

export class DatasetNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`No imported data set with id ${id}`)
    this.name = 'DatasetNotFoundError'
  }
}

const DATASET_FIELDS = 'id, name, created_at, sha256, bytes, columns, rows, label_candidates'

function toDatasetSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    columns: JSON.parse(row.columns) as string[],
    rows: row.rows,
    bytes: row.bytes,
    sha256: row.sha256,
    createdAt: row.created_at,
    labelCandidates: JSON.parse(row.label_candidates) as LabelCandidate[]
  }
}

export class RunNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`No run with id ${id}`)
    this.name = 'RunNotFoundError'
  }
}

function toSummary(row: RunRow, tags: string[]): RunSummary {
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
    progress: row.progress ? (JSON.parse(row.progress) as Progress) : null
  }
}

/** NaN and infinities are not JSON; store them as NULL (no value). */
function finite(v: number | null | undefined): number | null {
  return v == null || !Number.isFinite(v) ? null : v
}

function dropNullBounds<T extends { lower?: number | null; upper?: number | null }>(record: T): T {
  const out = { ...record }
  if (out.lower == null) delete out.lower
  if (out.upper == null) delete out.upper
  return out
}
