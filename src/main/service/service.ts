/**
 * LabService: the one implementation of the LabApi. It validates every request with the shared
 * schemas, hands runs to the RunScheduler, which computes them in a warm pool of worker
 * processes (a sweep uses every core, a cancel is a kill, a crash takes down only its run) and
 * persists what they report as it arrives, and tells subscribers (the hosts) about progress and
 * status changes.
 */
import { createHash } from 'node:crypto'
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
import {
  ConfigError,
  describeData,
  experimentKinds,
  parseExperimentConfig,
  type ClassDatasetSpec,
  type DatasetSpec,
  type ExperimentConfig
} from '../../shared/config'
import { compareNumbers } from '../../shared/history'
import type { Reproduction, RunDetail, RunSummary } from '../../shared/results'
import { DatasetError, inspectCsv, labelKey, type CsvSource } from '../lab/datasets'
import {
  ComparisonNotFoundError,
  DatasetNotFoundError,
  RunNotFoundError,
  type RunStore
} from '../store/store'
import { captionFor, exportChartFile, exportRunsBundle, importRunsBundle } from '../export/api'
import { WorkerPool } from './pool'
import type { SpawnWorker } from './protocol'
import { RunScheduler } from './scheduler'

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
}

export class LabService {
  private readonly listeners = new Set<(event: LabEvent) => void>()
  private readonly runs: RunScheduler
  readonly parallelRuns: number
  /** The worker processes runs compute in. */
  readonly pool: WorkerPool

  constructor(private readonly options: ServiceOptions) {
    this.parallelRuns = Math.max(1, Math.floor(options.parallelRuns ?? os.cpus().length))
    this.pool = new WorkerPool(options.spawnWorker, {
      size: this.parallelRuns,
      warm: options.warmWorkers
    })
    this.runs = new RunScheduler({
      store: options.store,
      pool: this.pool,
      emit: (event) => this.emit(event),
      datasetFor: (config) => ('dataset' in config ? this.datasetForRun(config.dataset) : null)
    })
  }

  get store(): RunStore {
    return this.options.store
  }

  subscribe(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates `params` against the method's schema and calls it; errors are LabApiErrors. */
  async dispatch<M extends ApiMethod>(method: M, params: unknown): Promise<ApiResults[M]> {
    if (!Object.hasOwn(apiSchemas, method))
      throw new LabApiError(`Unknown method '${String(method)}'`, [], 404)
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
      throw toApiError(error)
    }
  }

  private readonly handlers: {
    [M in ApiMethod]: (params: ApiInput<M>) => ApiResults[M] | Promise<ApiResults[M]>
  } = {
    startRun: (p) => this.startRun(p.config, p.name),
    cancelRun: (p) => this.cancelRun(p.id),
    listRuns: () => this.store.listRuns(),
    getRun: (p) => this.getRun(p.id),
    updateRun: ({ id, ...changes }) => this.updateRun(id, changes),
    deleteRuns: (p) => this.deleteRuns(p.ids),
    exportChart: (p) => exportChartFile(this.store, p),
    chartCaption: (p) => ({ caption: captionFor(this.store, p.runIds, p.chart) }),
    exportBundle: (p) => exportRunsBundle(this.store, p.ids, this.options.appVersion),
    importBundle: (p) => {
      const imported = importRunsBundle(this.store, p.json)
      for (const run of imported) this.emit({ type: 'run', run })
      return { imported }
    },
    appInfo: () => this.appInfo(),
    importDataset: (p) => this.importDataset(p.name, p.content),
    listDatasets: () => this.store.listDatasets(),
    deleteDataset: (p) => this.deleteDataset(p.id),
    queryRuns: (p) => this.store.queryRuns(p),
    rerunRun: (p) => this.rerunRun(p.id),
    // Runs deleted meanwhile are left out: the compare view says which.
    getRuns: (p) => this.store.getRuns(p.ids).map((run) => this.withReproduction(run)),
    saveComparison: (p) => this.store.saveComparison(p.name, p.runIds),
    listComparisons: () => this.store.listComparisons(),
    deleteComparison: (p) => ({ deleted: this.store.deleteComparison(p.id) })
  }

  startRun(rawConfig: unknown, name?: string, rerunOf?: number): RunSummary {
    const config = parseExperimentConfig(rawConfig)
    if ('dataset' in config) {
      this.checkDatasetSpec(config.dataset, { binary: config.kind !== 'universality' })
    }
    const run = this.store.createRun({
      name: name?.trim() || defaultName(config),
      config,
      appVersion: this.options.appVersion,
      rerunOf
    })
    this.emit({ type: 'run', run })
    this.runs.enqueue(run.id)
    return run
  }

  /** A run with its numbers; a re-run also says whether they equal its original's. */
  getRun(id: number): RunDetail {
    return this.withReproduction(this.store.getRun(id))
  }

  private withReproduction(run: RunDetail): RunDetail {
    if (run.rerunOf != null) run.reproduction = this.reproduction(run, run.rerunOf)
    return run
  }

  /**
   * Starts the same config with the same seed again, named after the original, and records which
   * run it repeats: on the same backend its numbers must be identical (see getRun).
   */
  rerunRun(id: number): RunSummary {
    const original = this.store.getRun(id)
    return this.startRun(original.config, `${original.name} (re-run of #${id})`, id)
  }

  private reproduction(run: RunDetail, of: number): Reproduction {
    let original: RunDetail
    try {
      original = this.store.getRun(of)
    } catch (error) {
      if (!(error instanceof RunNotFoundError)) throw error
      return {
        of,
        originalExists: false,
        originalBackend: null,
        sameBackend: null,
        identical: null,
        differing: [],
        compared: 0
      }
    }
    const sameBackend = run.backend && original.backend ? run.backend === original.backend : null
    const bothDone = run.status === 'done' && original.status === 'done'
    const numbers = bothDone ? compareNumbers(original, run) : null
    return {
      of,
      originalExists: true,
      originalBackend: original.backend,
      sameBackend,
      identical: numbers ? numbers.identical : null,
      differing: numbers?.differing ?? [],
      compared: numbers?.compared ?? 0
    }
  }

  updateRun(id: number, changes: { name?: string; notes?: string; tags?: string[] }): RunSummary {
    const run = this.store.updateRun(id, changes)
    this.emit({ type: 'run', run })
    return run
  }

  cancelRun(id: number): RunSummary {
    return this.runs.cancel(id) ?? this.store.summary(id)
  }

  deleteRuns(ids: number[]): { deleted: number } {
    this.runs.forget(ids)
    const deleted = this.store.deleteRuns(ids)
    this.emit({ type: 'deleted', ids })
    return { deleted }
  }

  /**
   * Checks a CSV file (parseCsv, and that some column can be its label) and keeps it whole in the
   * database. A file that fails is refused with a 400 naming the row and column, in `fields` as
   * `content`, and nothing is stored.
   */
  importDataset(name: string, content: string): DatasetSummary {
    let profile: ReturnType<typeof inspectCsv>
    try {
      profile = inspectCsv(content)
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error
      throw new LabApiError(
        `Cannot import ${JSON.stringify(name)}: ${error.message}`,
        [{ field: 'content', message: error.message }],
        400
      )
    }
    return this.store.createDataset({
      name,
      content,
      columns: profile.columns,
      rows: profile.rows,
      bytes: profile.bytes,
      sha256: createHash('sha256').update(content, 'utf8').digest('hex'),
      labelCandidates: profile.labelCandidates
    })
  }

  /** Deletes an imported data set, unless a queued or running run still needs its text (409). */
  deleteDataset(id: number): { deleted: number } {
    const users = this.store.runsUsingDataset(id, ['queued', 'running'])
    if (users.length > 0) {
      throw new LabApiError(
        `Data set ${id} is in use by ${users.length === 1 ? 'run' : 'runs'} ${users.join(', ')}, queued or running; cancel ${users.length === 1 ? 'it' : 'them'} or wait, then delete the data set`,
        [],
        409
      )
    }
    return { deleted: this.store.deleteDataset(id) }
  }

  /**
   * What a run's process needs of its data set besides the config, since it has no database:
   * the text of an imported CSV file for a csv spec, null for the others (synthetic data are
   * drawn from the seed; Iris and MNIST load from their packages). Throws LabApiError 404 when
   * the data set was deleted.
   */
  datasetForRun(spec: DatasetSpec | ClassDatasetSpec): CsvSource | null {
    if (spec.kind !== 'csv') return null
    let dataset: DatasetSummary & { content: string }
    try {
      dataset = this.store.getDataset(spec.datasetId)
    } catch (error) {
      if (!(error instanceof DatasetNotFoundError)) throw error
      const message = `The imported data set ${spec.datasetId} this run reads was deleted`
      throw new LabApiError(message, [{ field: 'dataset.datasetId', message }], 404)
    }
    return {
      datasetId: dataset.id,
      name: dataset.name,
      sha256: dataset.sha256,
      content: dataset.content
    }
  }

  /**
   * A csv spec must name an imported data set and a column that can be its label (cheap: from
   * the import's label candidates, without reading the file again); for a binary task, a label
   * column with more than two values needs positiveLabel, one of them. Throws ConfigError.
   */
  checkDatasetSpec(spec: DatasetSpec | ClassDatasetSpec, options: { binary: boolean }): void {
    if (spec.kind !== 'csv') return
    const fail = (field: string, message: string): never => {
      throw new ConfigError([
        { field: `dataset.${field}`, message: `dataset.${field}: ${message}` }
      ])
    }
    let summary: DatasetSummary
    try {
      summary = this.store.datasetSummary(spec.datasetId)
    } catch (error) {
      if (!(error instanceof DatasetNotFoundError)) throw error
      return fail('datasetId', `no imported data set has id ${spec.datasetId}`)
    }
    const file = JSON.stringify(summary.name)
    if (!summary.columns.includes(spec.labelColumn)) {
      fail(
        'labelColumn',
        `${file} has no column ${JSON.stringify(spec.labelColumn)}; the columns are: ${summary.columns.map((c) => JSON.stringify(c)).join(', ')}`
      )
    }
    const candidate = summary.labelCandidates.find((c) => c.column === spec.labelColumn)
    if (!candidate) {
      const can = summary.labelCandidates.map((c) => JSON.stringify(c.column)).join(', ')
      return fail(
        'labelColumn',
        `column ${JSON.stringify(spec.labelColumn)} of ${file} cannot be the label (a label needs 2 to 100 distinct values, no empty cell, and every other column numeric); ${can ? `the columns that can are: ${can}` : 'no column can'}`
      )
    }
    // With all its classes (universality), any label column with 2 to 100 values will do.
    if (!options.binary) return
    const values = candidate.values.map((v) => v.value)
    const positiveLabel = 'positiveLabel' in spec ? spec.positiveLabel : undefined
    if (positiveLabel === undefined) {
      if (values.length > 2) {
        fail(
          'positiveLabel',
          `column ${JSON.stringify(spec.labelColumn)} has ${values.length} values (${values.map((v) => JSON.stringify(v)).join(', ')}): choose the one labelled +1`
        )
      }
    } else if (!values.includes(labelKey(positiveLabel, candidate.numeric))) {
      fail(
        'positiveLabel',
        `${JSON.stringify(positiveLabel)} is not a value of column ${JSON.stringify(spec.labelColumn)}; its values are: ${values.map((v) => JSON.stringify(v)).join(', ')}`
      )
    }
  }

  async appInfo(): Promise<AppInfo> {
    return {
      appVersion: this.options.appVersion,
      host: this.options.host,
      hostNote: this.options.hostNote,
      databasePath: this.store.path,
      parallelRuns: this.parallelRuns,
      environment: await this.pool.environment()
    }
  }

  /** Resolves when the run reaches a final status. */
  waitForRun(id: number): Promise<RunSummary> {
    return this.runs.waitFor(id)
  }

  /** Stops every worker; runs that were computing are marked interrupted. */
  shutdown(): void {
    this.runs.shutdown()
  }

  private emit(event: LabEvent): void {
    for (const listener of this.listeners) listener(event)
  }
}

function defaultName(config: ExperimentConfig): string {
  const title = experimentKinds.find((k) => k.kind === config.kind)?.title ?? config.kind
  const theta = 'backdoored' in config && !config.backdoored ? 'clean' : `θ=${config.theta}`
  return `${title.replace(/ \(.*\)$/, '')}: ${describeData(config)}, m=${config.m}, ${theta}, seed ${config.seed}`
}

function toApiError(error: unknown): LabApiError {
  if (error instanceof LabApiError) return error
  if (error instanceof ConfigError) return new LabApiError(error.message, error.errors, 400)
  if (error instanceof RunNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof DatasetNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof ComparisonNotFoundError) return new LabApiError(error.message, [], 404)
  if (error instanceof DatasetError) {
    const field = error.field ? `dataset.${error.field}` : 'dataset'
    return new LabApiError(error.message, [{ field, message: error.message }], 400)
  }
  return new LabApiError(error instanceof Error ? error.message : String(error), [], 500)
}
