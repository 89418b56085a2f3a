/**
 * One run at a time: created queued, marked running, its metrics and series written as they
 * arrive, finished with its key metric; read back, renamed, tagged, deleted.
 */
import { type ExperimentConfig, describeData, keyEstimate } from '../../kinds/registry'
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
import { seedGroupId } from '../../shared/seedGroups'
import {
  type Db,
  type RunRow,
  dropNullBounds,
  placeholders,
  searchText,
  tagsOf,
  toSummary
} from './rows'

export interface NewRun {
  name: string
  config: ExperimentConfig
  appVersion: string
  /** The run this one repeats exactly. */
  rerunOf?: number
  /** SHA-256 of the imported CSV file the config names, as it is when the run is created. */
  dataSha256?: string | null
  /** The sweep slot this run fills: its sweep, point index and replicate (seed) index. */
  sweep?: { id: number; point: number; replicate: number }
}

/** Who holds the runs this store creates until they finish (see RunStore.interruptUnfinished). */
export interface RunOwner {
  host: string
  pid: number
  instance: string
}

export class RunNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`No run with id ${id}`)
    this.name = 'RunNotFoundError'
  }
}

export class RunRepository {
  constructor(
    private readonly db: Db,
    private readonly owner: RunOwner
  ) {}

  create(run: NewRun): RunSummary {
    const info = this.db
      .prepare(
        `INSERT INTO runs (name, kind, status, config, seed, app_version, created_at, dataset,
           search_text, rerun_of, owner_host, owner_pid, owner_instance, data_sha256,
           sweep_id, point, replicate, seed_group)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
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
        this.owner.host,
        this.owner.pid,
        this.owner.instance,
        run.dataSha256 ?? null,
        run.sweep?.id ?? null,
        run.sweep?.point ?? null,
        run.sweep?.replicate ?? null,
        seedGroupId(run.config)
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

  /** Recomputes the stored key metric of a run from its metrics and series. */
  refreshKey(id: number): void {
    if (!this.exists(id)) return
    const key = keyEstimate(this.get(id))
    this.db
      .prepare(
        'UPDATE runs SET key_label = ?, key_value = ?, key_lower = ?, key_upper = ? WHERE id = ?'
      )
      .run(key?.label ?? null, key?.value ?? null, key?.lower ?? null, key?.upper ?? null, id)
  }

  exists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined
  }

  summary(id: number): RunSummary {
    return toSummary(this.row(id), tagsOf(this.db, id))
  }

  /** A run with its config, environment, metrics and series; throws RunNotFoundError. */
  get(id: number): RunDetail {
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
      ...toSummary(row, tagsOf(this.db, id)),
      config: JSON.parse(row.config) as ExperimentConfig,
      environment: row.environment ? (JSON.parse(row.environment) as Environment) : null,
      metrics,
      series
    }
  }

  update(id: number, changes: { name?: string; notes?: string; tags?: string[] }): RunSummary {
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

  /** Deletes runs with their metrics, series and tags; returns how many there were. */
  delete(ids: number[]): number {
    const remove = this.db.prepare('DELETE FROM runs WHERE id = ?')
    return this.db.transaction(() => ids.reduce((n, id) => n + remove.run(id).changes, 0))()
  }

  /**
   * SHA-256 of the imported CSV file a run reads: as recorded at its creation, else as its
   * process recorded it; null for a run on other data (or an old run whose file is unknown).
   */
  dataSha(id: number): string | null {
    const row = this.db
      .prepare(
        `SELECT COALESCE(data_sha256, json_extract(environment, '$.dataFile.sha256')) AS sha
         FROM runs WHERE id = ? AND json_extract(config, '$.dataset.kind') = 'csv'`
      )
      .get(id) as { sha: string | null } | undefined
    return row?.sha ?? null
  }

  /** Runs in the given statuses whose config reads the imported data set `datasetId`. */
  usingDataset(datasetId: number, statuses: RunStatus[]): number[] {
    if (statuses.length === 0) return []
    return (
      this.db
        .prepare(
          `SELECT id FROM runs WHERE status IN (${placeholders(statuses)})
             AND json_extract(config, '$.dataset.kind') = 'csv'
             AND json_extract(config, '$.dataset.datasetId') = ?
           ORDER BY id`
        )
        .all(...statuses, datasetId) as { id: number }[]
    ).map((r) => r.id)
  }

  private row(id: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined
    if (!row) throw new RunNotFoundError(id)
    return row
  }
}
