/**
 * Runs that travel between labs: a consistent snapshot of finished runs to export, and the runs
 * and CSV files of a bundle stored under new ids, all or nothing.
 */
import {
  type ExperimentConfig,
  csvDatasetId,
  describeData,
  withCsvDataset
} from '../../kinds/registry'
import type {
  Environment,
  MetricRecord,
  RunDetail,
  RunStatus,
  RunSummary,
  SeriesRecord
} from '../../shared/results'
import { finiteOrNull } from '../../shared/results'
import { seedGroupId } from '../../shared/seedGroups'
import type { DatasetRepository, NewDataset } from './datasets'
import { type Db, searchText } from './rows'
import type { RunRepository } from './runs'

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

/** The SHA-256 of the CSV file an imported run read: as the bundle says, else as it recorded. */
function importedDataSha(run: ImportedRun): string | null {
  if (csvDatasetId(run.config) == null) return null
  return run.dataSha256 ?? run.environment?.dataFile?.sha256 ?? null
}

export class BundleRepository {
  constructor(
    private readonly db: Db,
    private readonly runs: RunRepository,
    private readonly datasets: DatasetRepository
  ) {}

  /** Finished runs with their metrics and series, read in one transaction (a bundle's snapshot). */
  snapshot(ids: number[]): RunDetail[] {
    return this.db.transaction(() => ids.map((id) => this.runs.get(id)))()
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
  import(runs: ImportedRun[], datasets: ImportedDataset[] = []): RunSummary[] {
    const insertRun = this.db.prepare(
      `INSERT INTO runs (name, kind, status, config, seed, backend, environment, app_version,
         created_at, started_at, finished_at, error, notes, dataset, search_text, data_sha256,
         seed_group)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    const setReferences = this.db.prepare(
      `UPDATE runs SET config = ?, dataset = ?, search_text = ?, rerun_of = ?, seed_group = ?
       WHERE id = ?`
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
    return this.db.transaction(() => {
      for (const dataset of datasets) {
        if (this.datasets.idBySha(dataset.sha256) === null) this.datasets.create(dataset)
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
          importedDataSha(run),
          seedGroupId(run.config)
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
        const local = sha ? this.datasets.idBySha(sha) : null
        if (local !== null) config = withCsvDataset(config, local)
        const rerunOf = run.rerunOf == null ? null : (newIds.get(run.rerunOf) ?? null)
        setReferences.run(
          JSON.stringify(config),
          describeData(config),
          searchText(config),
          rerunOf,
          seedGroupId(config),
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
        this.runs.refreshKey(id)
      }
      return runs.map((run) => this.runs.summary(newIds.get(run.sourceId)!))
    })()
  }
}
