/**
 * The run database: one SQLite file, WAL mode, foreign keys on, numbered migrations at open.
 * Metrics and series are written as they arrive, so a crash loses at most the step in flight;
 * runs left `running` (or `queued`) by a process that is gone become `interrupted` at open.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import Database from 'better-sqlite3'
import type { Comparison, DatasetSummary, LabelCandidate } from '../../shared/api'
import {
  type ExperimentConfig,
  type ExperimentKind,
  csvDatasetId,
  describeData,
  keyEstimate,
  withCsvDataset
} from '../../kinds/registry'
import {
  configSearchEntries,
  type RunFilter,
  type RunQueryResult,
  type RunSort
} from '../../shared/history'
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
import { finiteOrNull } from '../../shared/results'
import { migrations } from './migrations'
import { nullsFor, putNull, type NullQuery } from './nulls'
import type { NullRecord } from '../lab/nullCache'
import { openDatabase } from './open'

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
  key_label: string | null
  key_value: number | null
  key_lower: number | null
  key_upper: number | null
  dataset: string | null
  rerun_of: number | null
}

/** A finished run read from a bundle; `sourceId` is its id in the lab that exported it. */
export interface ImportedRun extends Pick<
  RunSummary,
  | 'name'
  | 'seed'
  | 'backend'
  | 'appVersion'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
  | 'error'
  | 'notes'
  | 'tags'
> {
  sourceId: number
  status: Extract<RunStatus, 'done' | 'failed' | 'cancelled' | 'interrupted'>
  config: ExperimentConfig
  environment: Environment | null
  metrics: MetricRecord[]
  series: SeriesRecord[]
  /** The sourceId of the run this one re-ran, when it was a re-run. */
  rerunOf?: number | null
  /** SHA-256 of the imported CSV file the run read (its config names the file by id). */
  dataSha256?: string | null
}

/** A CSV file a bundle carries, checked like an import (see NewDataset). */
export type ImportedDataset = NewDataset

export interface NewRun {
  name: string
  config: ExperimentConfig
  appVersion: string
  /** The run this one repeats exactly. */
  rerunOf?: number
  /** SHA-256 of the imported CSV file the config names, as it is when the run is created. */
  dataSha256?: string | null
}

export interface RunQuery {
  filter?: RunFilter
  sort?: RunSort
  offset?: number
  limit?: number
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

/** Store instances open in this process, by id: a run they own is still in someone's hands. */
const openInstances = new Set<string>()

/** Whether the process `pid` on this host exists (signal 0 checks without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class RunStore {
  /** Names this open store as the owner of the runs it creates. */
  readonly instance = randomUUID()

  private constructor(
    private readonly db: Database.Database,
    readonly path: string
  ) {
    openInstances.add(this.instance)
  }

  /** Opens (or creates) the database; throws DatabaseOpenError naming the path and the reason. */
  static open(path: string, options: OpenOptions = {}): RunStore {
    const db = openDatabase(path, options)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    const store = new RunStore(db, path)
    store.migrate()
    store.fillHistory()
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

  /**
   * Runs left queued or running by a process that is gone cannot finish: mark them interrupted,
   * saying how far they got, and give them the key metric of what they had finished. Runs whose
   * owner still lives (the app, while the CLI opens the same file) are left alone; so are runs of
   * another host, whose processes cannot be checked from here.
   */
  interruptUnfinished(): number {
    const unfinished = this.db
      .prepare(
        `SELECT id, owner_host, owner_pid, owner_instance FROM runs
         WHERE status IN ('running', 'queued')`
      )
      .all() as {
      id: number
      owner_host: string | null
      owner_pid: number | null
      owner_instance: string | null
    }[]
    const orphaned = unfinished.filter((run) => {
      if (run.owner_pid === null || run.owner_host === null) return true
      if (run.owner_host !== hostname()) return false
      if (run.owner_pid === process.pid) return !openInstances.has(run.owner_instance ?? '')
      return !processAlive(run.owner_pid)
    })
    return this.interrupt(orphaned.map((r) => r.id))
  }

  /** Marks this store's own unfinished runs interrupted (its process is stopping them). */
  interruptOwn(): number {
    const ids = this.db
      .prepare(`SELECT id FROM runs WHERE status IN ('running', 'queued') AND owner_instance = ?`)
      .all(this.instance) as { id: number }[]
    return this.interrupt(ids.map((r) => r.id))
  }

  private interrupt(ids: number[]): number {
    if (ids.length === 0) return 0
    return this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE runs SET status = 'interrupted', progress = NULL,
             finished_at = COALESCE(finished_at, ?),
             error = COALESCE(error, 'The app stopped before this run finished' ||
               CASE WHEN json_valid(progress) AND json_extract(progress, '$.total') > 0
                 THEN ' (it was at ' || json_extract(progress, '$.phase') || ', step ' ||
                   json_extract(progress, '$.step') || ' of ' || json_extract(progress, '$.total') || ')'
                 ELSE '' END ||
               '; the results it had written are kept.')
           WHERE id = ? AND status IN ('running', 'queued')`
      )
      const now = new Date().toISOString()
      let changed = 0
      for (const id of ids) {
        if (update.run(now, id).changes === 0) continue
        changed++
        this.refreshKey(id)
      }
      return changed
    })()
  }

  /**
   * Fills what the runs table sorts and filters on (data set, search text, key metric) for runs
   * written before those columns existed: after migration 3, or by an older app.
   */
  private fillHistory(): void {
    const rows = this.db
      .prepare('SELECT id, config, status FROM runs WHERE search_text IS NULL')
      .all() as { id: number; config: string; status: RunStatus }[]
    if (rows.length === 0) return
    const update = this.db.prepare('UPDATE runs SET dataset = ?, search_text = ? WHERE id = ?')
    this.db.transaction(() => {
      for (const row of rows) {
        const config = JSON.parse(row.config) as ExperimentConfig
        update.run(describeData(config), searchText(config), row.id)
        if (row.status !== 'queued' && row.status !== 'running') this.refreshKey(row.id)
      }
    })()
  }

  /** Recomputes the stored key metric of a run from its metrics and series. */
  refreshKey(id: number): void {
    if (!this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) return
    const key = keyEstimate(this.getRun(id))
    this.db
      .prepare(
        'UPDATE runs SET key_label = ?, key_value = ?, key_lower = ?, key_upper = ? WHERE id = ?'
      )
      .run(key?.label ?? null, key?.value ?? null, key?.lower ?? null, key?.upper ?? null, id)
  }

  createRun(run: NewRun): RunSummary {
    const info = this.db
      .prepare(
        `INSERT INTO runs (name, kind, status, config, seed, app_version, created_at, dataset,
           search_text, rerun_of, owner_host, owner_pid, owner_instance, data_sha256)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        run.name,
        run.config.kind,
        JSON.stringify(run.config),
        run.config.seed,
        run.appVersion,
        new Date().toISOString(),
        describeData(run.config),
        searchText(run.config),
        run.rerunOf ?? null,
        hostname(),
        process.pid,
        this.instance,
        run.dataSha256 ?? null
      )
    return this.summary(Number(info.lastInsertRowid))
  }

  /** Monte Carlo nulls of the detection statistics kept for a seed and shape (see nulls.ts). */
  nullsFor(query: NullQuery): NullRecord[] {
    return nullsFor(this.db, query)
  }

  /** Keeps a null a run drew, unless a longer one is kept already. */
  putNull(record: NullRecord): void {
    putNull(this.db, record)
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

  /** Marks a run finished and stores its key metric, both or neither. */
  finish(
    id: number,
    status: Extract<RunStatus, 'done' | 'failed' | 'cancelled'>,
    error: string | null = null
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE runs SET status = ?, finished_at = ?, error = ?, progress = NULL WHERE id = ?`
        )
        .run(status, new Date().toISOString(), error, id)
      this.refreshKey(id)
    })()
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
        finiteOrNull(record.value),
        finiteOrNull(record.lower),
        finiteOrNull(record.upper)
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
        insert.run(
          sid,
          next + i,
          p.x,
          finiteOrNull(p.value),
          finiteOrNull(p.lower),
          finiteOrNull(p.upper)
        )
      )
    })()
  }

  listRuns(): RunSummary[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]
    const tags = this.tagsByRun()
    return rows.map((row) => toSummary(row, tags.get(row.id) ?? []))
  }

  /**
   * One page of runs matching `filter`, in `sort` order (missing values last, ties by id in the
   * same direction), with how many match in all: filtered, sorted and paged in SQL.
   */
  queryRuns(query: RunQuery = {}): RunQueryResult {
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
    const tags = this.tagsOfRuns(rows.map((r) => r.id))
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
  getRuns(ids: number[]): RunDetail[] {
    const exists = this.db.prepare('SELECT 1 FROM runs WHERE id = ?')
    return ids.filter((id) => exists.get(id)).map((id) => this.getRun(id))
  }

  saveComparison(name: string, runIds: number[]): Comparison {
    const info = this.db
      .prepare('INSERT INTO comparisons (name, run_ids, created_at) VALUES (?, ?, ?)')
      .run(name, JSON.stringify(runIds), new Date().toISOString())
    return this.comparison(Number(info.lastInsertRowid))
  }

  /** Saved comparisons, newest first. Their run ids are as saved, deleted runs included. */
  listComparisons(): Comparison[] {
    return (
      this.db.prepare('SELECT * FROM comparisons ORDER BY id DESC').all() as ComparisonRow[]
    ).map(toComparison)
  }

  comparison(id: number): Comparison {
    const row = this.db.prepare('SELECT * FROM comparisons WHERE id = ?').get(id) as
      ComparisonRow | undefined
    if (!row) throw new ComparisonNotFoundError(id)
    return toComparison(row)
  }

  deleteComparison(id: number): number {
    return this.db.prepare('DELETE FROM comparisons WHERE id = ?').run(id).changes
  }

  /**
   * SHA-256 of the imported CSV file a run reads: as recorded at its creation, else as its
   * process recorded it; null for a run on other data (or an old run whose file is unknown).
   */
  runDataSha(id: number): string | null {
    const row = this.db
      .prepare(
        `SELECT COALESCE(data_sha256, json_extract(environment, '$.dataFile.sha256')) AS sha
         FROM runs WHERE id = ? AND json_extract(config, '$.dataset.kind') = 'csv'`
      )
      .get(id) as { sha: string | null } | undefined
    return row?.sha ?? null
  }

  /** The oldest imported data set with this content, with its text, or null. */
  datasetBySha(sha256: string): (DatasetSummary & { content: string }) | null {
    const row = this.db
      .prepare('SELECT id FROM datasets WHERE sha256 = ? ORDER BY id LIMIT 1')
      .get(sha256) as { id: number } | undefined
    return row ? this.getDataset(row.id) : null
  }

  runExists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined
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

  /** Finished runs with their metrics and series, read in one transaction (a bundle's snapshot). */
  runsForBundle(ids: number[]): RunDetail[] {
    return this.db.transaction(() => ids.map((id) => this.getRun(id)))()
  }

  /**
   * Stores runs read from a bundle under new ids, keeping their data, and the CSV files they
   * read: all of them or, on any error, none (one transaction). A file is found by its SHA-256:
   * one this lab already has (imported or from another bundle) is used, not copied. References
   * between runs (config.twinOf, rerunOf) follow the new ids; a reference to a run outside the
   * bundle is dropped, since that id names another run here. A csv config points at this lab's
   * copy of the file its run read; when this lab has no file with that content (an older bundle
   * without its data sets), the run keeps the SHA-256, so that a re-run is refused rather than
   * computed on another file.
   */
  importRuns(runs: ImportedRun[], datasets: ImportedDataset[] = []): RunSummary[] {
    const insertRun = this.db.prepare(
      `INSERT INTO runs (name, kind, status, config, seed, backend, environment, app_version,
         created_at, started_at, finished_at, error, notes, dataset, search_text, data_sha256)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    const setReferences = this.db.prepare(
      'UPDATE runs SET config = ?, dataset = ?, search_text = ?, rerun_of = ? WHERE id = ?'
    )
    const insertTag = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)')
    const insertMetric = this.db.prepare(
      'INSERT INTO metrics (run_id, model, name, value, lower, upper) VALUES (?, ?, ?, ?, ?, ?)'
    )
    const insertSeries = this.db.prepare(
      'INSERT INTO series (run_id, model, name) VALUES (?, ?, ?)'
    )
    const insertPoint = this.db.prepare(
      'INSERT INTO series_points (series_id, idx, x, value, lower, upper) VALUES (?, ?, ?, ?, ?, ?)'
    )
    const datasetBySha = this.db.prepare(
      'SELECT id FROM datasets WHERE sha256 = ? ORDER BY id LIMIT 1'
    )
    return this.db.transaction(() => {
      for (const dataset of datasets) {
        if (!datasetBySha.get(dataset.sha256)) this.createDataset(dataset)
      }
      const newIds = new Map<number, number>()
      for (const run of runs) {
        const info = insertRun.run(
          run.name,
          run.config.kind,
          run.status,
          JSON.stringify(run.config),
          run.seed,
          run.backend,
          run.environment ? JSON.stringify(run.environment) : null,
          run.appVersion,
          run.createdAt,
          run.startedAt,
          run.finishedAt,
          run.error,
          run.notes,
          describeData(run.config),
          searchText(run.config),
          importedDataSha(run)
        )
        newIds.set(run.sourceId, Number(info.lastInsertRowid))
      }
      for (const run of runs) {
        const id = newIds.get(run.sourceId)!
        let config = { ...run.config } as ExperimentConfig & { twinOf?: number }
        if (config.twinOf !== undefined) {
          const twin = newIds.get(config.twinOf)
          if (twin === undefined) delete config.twinOf
          else config.twinOf = twin
        }
        const sha = importedDataSha(run)
        const local = sha ? (datasetBySha.get(sha) as { id: number } | undefined) : undefined
        if (local) config = withCsvDataset(config, local.id)
        const rerunOf = run.rerunOf == null ? null : (newIds.get(run.rerunOf) ?? null)
        setReferences.run(
          JSON.stringify(config),
          describeData(config),
          searchText(config),
          rerunOf,
          id
        )
        for (const tag of run.tags) insertTag.run(id, tag)
        for (const m of run.metrics) {
          insertMetric.run(
            id,
            m.model,
            m.name,
            finiteOrNull(m.value),
            finiteOrNull(m.lower),
            finiteOrNull(m.upper)
          )
        }
        for (const s of run.series) {
          const sid = Number(insertSeries.run(id, s.model, s.name).lastInsertRowid)
          s.points.forEach((p, i) =>
            insertPoint.run(
              sid,
              i,
              p.x,
              finiteOrNull(p.value),
              finiteOrNull(p.lower),
              finiteOrNull(p.upper)
            )
          )
        }
        this.refreshKey(id)
      }
      return runs.map((run) => this.summary(newIds.get(run.sourceId)!))
    })()
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
    openInstances.delete(this.instance)
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

  private tagsOfRuns(ids: number[]): Map<number, string[]> {
    const map = new Map<number, string[]>()
    if (ids.length === 0) return map
    const rows = this.db
      .prepare(
        `SELECT run_id, tag FROM run_tags WHERE run_id IN (${ids.map(() => '?').join(', ')})
         ORDER BY tag`
      )
      .all(...ids) as { run_id: number; tag: string }[]
    for (const { run_id, tag } of rows) map.set(run_id, [...(map.get(run_id) ?? []), tag])
    return map
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
  created_at: string
}

function toComparison(row: ComparisonRow): Comparison {
  return {
    id: row.id,
    name: row.name,
    runIds: JSON.parse(row.run_ids) as number[],
    createdAt: row.created_at
  }
}

/** The SHA-256 of the CSV file an imported run read: as the bundle says, else as it recorded. */
function importedDataSha(run: ImportedRun): string | null {
  if (csvDatasetId(run.config) == null) return null
  return run.dataSha256 ?? run.environment?.dataFile?.sha256 ?? null
}

/** Unit separator: no search text contains it, so a match never spans two entries. */
const SEARCH_SEPARATOR = '\u001f'

/** What the free-text filter matches besides name and notes: data set and config entries. */
function searchText(config: ExperimentConfig): string {
  return [describeData(config), ...configSearchEntries(config)].join(SEARCH_SEPARATOR).toLowerCase()
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
  key: 'key_value',
  dataset: 'dataset'
}

/** `%text%` for LIKE, with the wildcards of `text` taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** An ISO instant; a bare date as the start of that UTC day, or its end when `endOfDay`. */
function instant(value: string, endOfDay: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && endOfDay) {
    return new Date(Date.parse(value) + 86_400_000 - 1).toISOString()
  }
  return new Date(value).toISOString()
}

function whereClause(filter: RunFilter): { where: string; params: unknown[] } {
  const clauses: string[] = []
  const params: unknown[] = []
  const list = (values: unknown[]) => values.map(() => '?').join(', ')
  if (filter.kinds?.length) {
    clauses.push(`kind IN (${list(filter.kinds)})`)
    params.push(...filter.kinds)
  }
  if (filter.statuses?.length) {
    clauses.push(`status IN (${list(filter.statuses)})`)
    params.push(...filter.statuses)
  }
  if (filter.tags?.length) {
    clauses.push(`id IN (SELECT run_id FROM run_tags WHERE tag IN (${list(filter.tags)}))`)
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
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
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
    rerunOf: row.rerun_of
  }
}

function dropNullBounds<T extends { lower?: number | null; upper?: number | null }>(record: T): T {
  const out = { ...record }
  if (out.lower == null) delete out.lower
  if (out.upper == null) delete out.upper
  return out
}
