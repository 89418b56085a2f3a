/**
 * LabService: the one implementation of the LabApi. It validates every request with the shared
 * schemas and the checks before a run is saved, hands runs to the RunScheduler, which computes
 * them in a warm pool of worker processes (a sweep uses every core, a cancel is a kill, a crash
 * takes down only its run) and persists what they report as it arrives, and tells subscribers
 * (the hosts) about progress and status changes.
 */
import os from 'node:os'
import {
  apiSchemas,
  LabApiError,
  type ApiInput,
  type ApiMethod,
  type ApiResults,
  type AppInfo,
  type DatasetSummary,
  type LabEvent
} from '../../shared/api'
import { ConfigError } from '../../shared/schema'
import {
  dataOfConfig,
  defaultRunName,
  parseExperimentConfig,
  type ExperimentConfig
} from '../../kinds/registry'
import { type ClassDatasetSpec, type DatasetSpec } from '../../shared/datasets'
import type { RunDetail, RunSummary } from '../../shared/results'
import { DatasetError } from '../lab/datasets/errors'
import { type CsvSource } from '../lab/datasets/index'
import type { RunStore } from '../store/store'
import { RunNotFoundError } from '../store/runs'
import { DatasetNotFoundError } from '../store/datasets'
import { ComparisonNotFoundError } from '../store/comparisons'
import { saveComparison } from './comparisons'
import * as datasets from './datasets'
import { sameData, withReproduction } from './reproduction'
import { storageProblem } from '../store/open'
import { captionFor, exportChartFile, exportRunsBundle, importRunsBundle } from '../export/api'
import { SweepNotFoundError } from '../store/sweeps'
import { admit, dataFacts, memoryBudget } from './admission'
import { WorkerPool } from './pool'
import type { SpawnWorker } from './protocol'
import { RunScheduler } from './scheduler'
import { SweepManager } from './sweeps'
import { NULL_METHOD, type NullRecord } from '../lab/nullCache'

export interface ServiceOptions {
  store: RunStore
  spawnWorker: SpawnWorker
  appVersion: string
  host: AppInfo['host']
  hostNote?: string
  /**
   * How many worker processes (and so runs at once); default: one per core. A fine-tuning run
   * uses two when two are free.
   */
  parallelRuns?: number
  /** Start the workers now and keep them started (a host), rather than when runs need them. */
  warmWorkers?: boolean
  /** The bytes one run may hold; default: memoryBudget() (BACKDOOR_LAB_MEMORY_BUDGET). */
  memoryBudget?: number
}

export class LabService {
  private readonly listeners = new Set<(event: LabEvent) => void>()
  /** The run lifecycle: the queue, the runs computing, what their workers report. */
  private readonly runs: RunScheduler
  /** The worker processes runs compute in. */
  readonly pool: WorkerPool
  readonly parallelRuns: number
  readonly memoryBudget: number
  /** Sweeps: their runs are queued, cancelled and deleted here like any run. */
  readonly sweeps: SweepManager

  constructor(private readonly options: ServiceOptions) {
    this.parallelRuns = Math.max(1, Math.floor(options.parallelRuns ?? os.cpus().length))
    this.memoryBudget = options.memoryBudget ?? memoryBudget()
    this.pool = new WorkerPool(options.spawnWorker, {
      size: this.parallelRuns,
      warm: options.warmWorkers
    })
    this.runs = new RunScheduler({
      store: options.store,
      pool: this.pool,
      emit: (event) => this.emit(event),
      datasetFor: (id, config) => {
        const data = dataOfConfig(config)
        return data ? this.datasetForRun(data.spec, this.store.runs.dataSha(id)) : null
      },
      failureOf: (error) => this.runFailure(error),
      nullsFor: (config) => this.cachedNulls(config),
      keepNull: (record) => this.store.nulls.put(record)
    })
    this.sweeps = new SweepManager({
      store: options.store,
      appVersion: options.appVersion,
      admitRun: (config) => this.admitRun(config),
      enqueue: (ids) => this.enqueue(ids),
      cancelRun: (id) => this.cancelRun(id),
      deleteRuns: (ids) => this.deleteRuns(ids),
      emit: (event) => this.emit(event)
    })
  }

  private get store(): RunStore {
    return this.options.store
  }

  subscribe(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates `params` against the method's schema and calls it; errors are LabApiErrors. */
  async dispatch<M extends ApiMethod>(method: M, params: unknown): Promise<ApiResults[M]> {
    if (!Object.hasOwn(apiSchemas, method))
      throw new LabApiError(
        `Unknown method '${String(method)}'`,
        [{ field: 'method', message: `the lab has no method '${String(method)}'` }],
        404
      )
    const parsed = apiSchemas[method].safeParse(params ?? {})
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        message: i.message
      }))
      throw new LabApiError(
        `Invalid request to ${method}: ${fields.map((f) => `${f.field || '(body)'}: ${f.message}`).join('; ')}`,
        fields,
        400
      )
    }
    try {
      const handler = this.handlers[method] as (
        params: unknown
      ) => Promise<ApiResults[M]> | ApiResults[M]
      return await handler(parsed.data)
    } catch (error) {
      throw toApiError(error, this.store.path)
    }
  }

  private readonly handlers: {
    [M in ApiMethod]: (params: ApiInput<M>) => ApiResults[M] | Promise<ApiResults[M]>
  } = {
    startRun: (p) => this.startRun(p.config, p.name),
    cancelRun: (p) => this.cancelRun(p.id),
    listRuns: () => this.store.history.list(),
    getRun: (p) => this.getRun(p.id),
    updateRun: ({ id, ...changes }) => this.updateRun(id, changes),
    deleteRuns: (p) => this.deleteRuns(p.ids),
    exportChart: (p) => exportChartFile(this.store, p),
    chartCaption: (p) => ({ caption: captionFor(this.store, p.runIds, p.chart, p.grouped) }),
    exportBundle: (p) => exportRunsBundle(this.store, p.ids, this.options.appVersion),
    importBundle: (p) => {
      const imported = importRunsBundle(this.store, p.json)
      for (const run of imported) this.emit({ type: 'run', run })
      return { imported }
    },
    appInfo: () => this.appInfo(),
    importDataset: (p) => this.importDataset(p.name, p.content),
    listDatasets: () => this.store.datasets.list(),
    deleteDataset: (p) => this.deleteDataset(p.id),
    queryRuns: (p) => this.store.history.query(p),
    queryHistory: (p) => this.store.entries.query(p, (ids) => this.sweeps.list({ ids })),
    rerunRun: (p) => this.rerunRun(p.id),
    // Runs deleted meanwhile are left out: the compare view says which.
    getRuns: (p) =>
      this.store.history.getMany(p.ids).map((run) => withReproduction(this.store, run)),
    saveComparison: (p) => saveComparison(this.store, p),
    listComparisons: () => this.store.comparisons.list(),
    deleteComparison: (p) => ({ deleted: this.store.comparisons.delete(p.id) }),
    startSweep: (p) => this.sweeps.start(p.config, p.name),
    getSweep: (p) => this.sweeps.get(p.id),
    listSweeps: (p) => this.sweeps.list(p),
    cancelSweep: (p) => this.sweeps.cancel(p.id),
    resumeSweep: (p) => this.sweeps.resume(p.id),
    deleteSweep: (p) => this.sweeps.delete(p.id),
    sweepAggregate: (p) => this.sweeps.aggregate(p.id, p.metric)
  }

  startRun(rawConfig: unknown, name?: string, rerunOf?: number): RunSummary {
    // A re-run repeats a saved config, which may carry fields a later version removed.
    const config = parseExperimentConfig(rawConfig, { strict: rerunOf === undefined })
    const { dataSha256 } = this.admitRun(config)
    const run = this.store.runs.create({
      name: name?.trim() || defaultRunName(config),
      config,
      appVersion: this.options.appVersion,
      rerunOf,
      dataSha256
    })
    this.emit({ type: 'run', run })
    this.enqueue([run.id])
    return run
  }

  /**
   * What a new run's config must pass beyond its schema: its data set (a CSV file's label column)
   * and what the data can hold, and the memory budget. Throws ConfigError; returns the SHA-256 of
   * the CSV file it reads, the exact content checked again when it starts.
   */
  private admitRun(config: ExperimentConfig): { dataSha256: string | null } {
    let dataSha256: string | null = null
    const data = dataOfConfig(config)
    if (data) {
      this.checkDatasetSpec(data.spec, { binary: data.task === 'binary' })
      if (data.spec.kind === 'csv')
        dataSha256 = this.store.datasets.summary(data.spec.datasetId).sha256
    }
    admit(
      config,
      dataFacts(config, (id) => this.store.datasets.summary(id)),
      this.memoryBudget
    )
    return { dataSha256 }
  }

  /** Queues saved runs to compute, in order. */
  private enqueue(ids: number[]): void {
    this.runs.enqueue(ids)
  }

  /** A run with its numbers; a re-run also says whether they equal its original's. */
  getRun(id: number): RunDetail {
    return withReproduction(this.store, this.store.runs.get(id))
  }

  /**
   * Starts the same config with the same seed again, named after the original, and records which
   * run it repeats: on the same backend its numbers must be identical (see getRun). Refuses (409)
   * when this lab has no copy of the CSV file the original read.
   */
  rerunRun(id: number): RunSummary {
    const original = this.store.runs.get(id)
    return this.startRun(sameData(this.store, original), `${original.name} (re-run of #${id})`, id)
  }

  updateRun(id: number, changes: { name?: string; notes?: string; tags?: string[] }): RunSummary {
    const run = this.store.runs.update(id, changes)
    this.emit({ type: 'run', run })
    return run
  }

  /** Stops a queued or running run; answers with its state after the cancel. */
  cancelRun(id: number): RunSummary {
    return this.runs.cancel(id) ?? this.store.runs.summary(id)
  }

  deleteRuns(ids: number[]): { deleted: number } {
    this.runs.forget(ids)
    const sweeps = this.store.sweeps.sweepsOfRuns(ids)
    const deleted = this.store.runs.delete(ids)
    this.emit({ type: 'deleted', ids })
    this.sweeps.changed(sweeps)
    return { deleted }
  }

  /** Checks a CSV file and keeps it whole in the database (see datasets.ts). */
  importDataset(name: string, content: string): DatasetSummary {
    return datasets.importDataset(this.store, name, content)
  }

  /** Deletes an imported data set, unless a queued or running run still needs its text (409). */
  deleteDataset(id: number): { deleted: number } {
    return datasets.deleteDataset(this.store, id)
  }

  /** The text of a csv spec's data set for a run's process, checked intact; null for the others. */
  datasetForRun(
    spec: DatasetSpec | ClassDatasetSpec,
    expectedSha?: string | null
  ): CsvSource | null {
    return datasets.datasetForRun(this.store, spec, expectedSha)
  }

  /** Whether a csv spec fits its imported data set (its label column); throws ConfigError. */
  checkDatasetSpec(spec: DatasetSpec | ClassDatasetSpec, options: { binary: boolean }): void {
    datasets.checkDatasetSpec(this.store, spec, options)
  }

  async appInfo(): Promise<AppInfo> {
    return {
      appVersion: this.options.appVersion,
      host: this.options.host,
      hostNote: this.options.hostNote,
      databasePath: this.store.path,
      memoryBudget: this.memoryBudget,
      parallelRuns: this.parallelRuns,
      environment: await this.pool.environment()
    }
  }

  /** Resolves when the run reaches a final status. */
  waitForRun(id: number): Promise<RunSummary> {
    return this.runs.waitFor(id)
  }

  /** Stops every worker; runs that were computing are marked interrupted. Never throws. */
  shutdown(): void {
    this.runs.shutdown()
  }

  /**
   * The Monte Carlo nulls kept for a random-ReLU run's seed, width and sparsity (SCIENCE.md
   * section 11): its process draws only what is not there. A cache: when it cannot be read, the
   * run draws its null itself.
   */
  private cachedNulls(config: ExperimentConfig): NullRecord[] {
    const { m, k } = config as { m?: unknown; k?: unknown }
    if (typeof m !== 'number' || typeof k !== 'number') return []
    try {
      return this.store.nulls.for({ seed: config.seed, m, k, method: NULL_METHOD })
    } catch {
      return []
    }
  }

  /** Why a run stopped, from an error the lab (not the run's process) met. */
  private runFailure(error: unknown): string {
    const storage = storageProblem(error, this.store.path)
    if (storage?.full) {
      return `Stopped: the disk holding the database is full (${this.store.path}), so this run's results could not be written. Free some space and run it again.`
    }
    if (storage) return `Stopped: ${storage.message}.`
    return error instanceof Error ? error.message : String(error)
  }

  private emit(event: LabEvent): void {
    for (const listener of this.listeners) listener(event)
    this.sweeps.onEvent(event)
  }
}

function toApiError(error: unknown, databasePath: string): LabApiError {
  if (error instanceof LabApiError) return error
  const storage = storageProblem(error, databasePath)
  if (storage) {
    const advice = storage.full ? ' Free some space and try again.' : ''
    return new LabApiError(
      `${storage.message}: nothing was saved.${advice}`,
      [],
      storage.full ? 507 : 500
    )
  }
  if (error instanceof ConfigError) return new LabApiError(error.message, error.errors, 400)
  if (error instanceof RunNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof DatasetNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof ComparisonNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof SweepNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof DatasetError) {
    const field = error.field ? `dataset.${error.field}` : 'dataset'
    return new LabApiError(error.message, [{ field, message: error.message }], 400)
  }
  return new LabApiError(error instanceof Error ? error.message : String(error), [], 500)
}
