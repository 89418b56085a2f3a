/**
 * LabService: the one implementation of the LabApi. It validates every request with the shared
 * schemas, queues runs, runs each in its own child process (a sweep uses every core, a cancel is
 * a kill, a crash takes down only its run), persists what the child reports as it arrives, and
 * tells subscribers (the hosts) about progress and status changes.
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
import type { Progress, Reproduction, RunDetail, RunSummary } from '../../shared/results'
import { DatasetError, inspectCsv, labelKey, type CsvSource } from '../lab/datasets'
import {
  ComparisonNotFoundError,
  DatasetNotFoundError,
  RunNotFoundError,
  type RunStore
} from '../store/store'
import { captionFor, exportChartFile, exportRunsBundle, importRunsBundle } from '../export/api'
import type { FineTuneInput } from '../lab/finetune'
import { EtaEstimator } from './eta'
import { WorkerPool, type PooledWorker } from './pool'
import type { FromHelper, FromWorker, SpawnWorker } from './protocol'

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

interface ActiveRun {
  /** Null while its worker starts. */
  worker: PooledWorker | null
  startedAt: number
  cancelled: boolean
  lastProgressWrite: number
  eta: EtaEstimator
  /** A second worker for one of its models (fine-tuning), once asked for. */
  helper: Helper | null
}

interface Helper {
  slot: Promise<PooledWorker>
  worker: PooledWorker | null
  /** Training the model handed over. */
  busy: boolean
}

const PROGRESS_WRITE_INTERVAL_MS = 250

export class LabService {
  private readonly queue: number[] = []
  private readonly active = new Map<number, ActiveRun>()
  private readonly listeners = new Set<(event: LabEvent) => void>()
  private readonly finishWaiters = new Map<number, ((run: RunSummary) => void)[]>()
  readonly parallelRuns: number
  /** The worker processes runs compute in. */
  readonly pool: WorkerPool

  constructor(private readonly options: ServiceOptions) {
    this.parallelRuns = Math.max(1, Math.floor(options.parallelRuns ?? os.cpus().length))
    this.pool = new WorkerPool(options.spawnWorker, {
      size: this.parallelRuns,
      warm: options.warmWorkers
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
    this.queue.push(run.id)
    this.emit({ type: 'run', run })
    this.pump()
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
    const run = this.store.summary(id)
    const queued = this.queue.indexOf(id)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.store.finish(id, 'cancelled')
      return this.settle(id)
    }
    const active = this.active.get(id)
    if (!active) return run
    // The worker is killed and replaced; what it sends meanwhile is dropped.
    active.cancelled = true
    return this.finishRun(id, active, 'cancelled')
  }

  deleteRuns(ids: number[]): { deleted: number } {
    for (const id of ids) {
      const q = this.queue.indexOf(id)
      if (q >= 0) this.queue.splice(q, 1)
      const active = this.active.get(id)
      if (active) this.stopActive(id, active)
    }
    const deleted = this.store.deleteRuns(ids)
    this.emit({ type: 'deleted', ids })
    this.pump()
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
    const run = this.store.summary(id)
    if (!['queued', 'running'].includes(run.status)) return Promise.resolve(run)
    return new Promise((resolve) => {
      this.finishWaiters.set(id, [...(this.finishWaiters.get(id) ?? []), resolve])
    })
  }

  /** Stops every worker; runs that were computing are marked interrupted. */
  shutdown(): void {
    this.queue.length = 0
    this.active.clear()
    this.pool.shutdown()
    this.store.interruptOwn()
  }

  private pump(): void {
    while (this.pool.free > 0 && this.queue.length > 0) {
      this.launch(this.queue.shift()!)
    }
  }

  private launch(id: number): void {
    const { config } = this.store.getRun(id)
    let dataset: CsvSource | null = null
    try {
      dataset = 'dataset' in config ? this.datasetForRun(config.dataset) : null
    } catch (error) {
      this.store.finish(id, 'failed', error instanceof Error ? error.message : String(error))
      this.settle(id)
      return
    }
    const slot = this.pool.tryAcquire()
    if (!slot) throw new Error('launch needs a free worker')
    const active: ActiveRun = {
      worker: null,
      startedAt: Date.now(),
      cancelled: false,
      lastProgressWrite: 0,
      eta: new EtaEstimator(),
      helper: null
    }
    this.active.set(id, active)
    slot.then(
      (worker) => {
        if (this.active.get(id) !== active) {
          this.pool.release(worker) // cancelled or deleted while its worker started
          this.pump()
          return
        }
        active.worker = worker
        worker.start(
          { type: 'start', config, dataset },
          {
            onMessage: (message) => this.onRunMessage(id, active, message),
            onExit: (code, detail) =>
              this.finishRun(
                id,
                active,
                'failed',
                `The run's process exited with code ${code}${detail ? `: ${detail}` : ''}`
              )
          }
        )
      },
      (error: Error) => {
        if (this.active.get(id) !== active) return
        this.finishRun(id, active, 'failed', `The run's process could not start: ${error.message}`)
      }
    )
  }

  private onRunMessage(id: number, active: ActiveRun, message: FromWorker): void {
    if (this.active.get(id) !== active) return
    switch (message.type) {
      case 'environment':
        this.store.markRunning(id, message.environment)
        active.startedAt = Date.now()
        this.emit({ type: 'run', run: this.store.summary(id) })
        break
      case 'progress':
        this.onProgress(id, active, message)
        break
      case 'metric':
        this.store.putMetric(id, message.record)
        this.emit({ type: 'data', runId: id })
        break
      case 'series':
        this.store.appendSeries(id, message.record)
        this.emit({ type: 'data', runId: id })
        break
      case 'wantHelper':
        this.reserveHelper(active)
        break
      case 'helperJob':
        this.startHelper(id, active, message.input)
        break
      case 'done':
        this.pool.release(active.worker!, message.memory)
        active.worker = null
        this.finishRun(id, active, 'done')
        break
      case 'error':
        this.finishRun(id, active, 'failed', message.message)
        break
    }
  }

  /**
   * A second worker for a run's second model, if one is free and no run is waiting for it (a
   * queued run would use that core for a whole run).
   */
  private reserveHelper(active: ActiveRun): void {
    if (active.helper || this.queue.length > 0) return
    const slot = this.pool.tryAcquire()
    if (!slot) return
    const helper: Helper = { slot, worker: null, busy: false }
    active.helper = helper
    slot.then(
      (worker) => {
        if (active.helper === helper) helper.worker = worker
        else {
          this.pool.release(worker) // the run ended before its helper started
          this.pump()
        }
      },
      () => {
        if (active.helper === helper) active.helper = null
      }
    )
  }

  /** Gives the model handed over to the run's helper, relaying its reports, or says "train it yourself". */
  private startHelper(id: number, active: ActiveRun, input: FineTuneInput): void {
    const helper = active.helper
    const refuse = () => active.worker?.send({ type: 'noHelper' })
    if (!helper || helper.busy) return refuse()
    const current = () => this.active.get(id) === active && active.helper === helper
    helper.slot.then(
      (worker) => {
        if (!current()) return
        const relay = (message: FromHelper) => active.worker?.send({ type: 'helper', message })
        helper.busy = true
        worker.start(
          { type: 'trainModel', input },
          {
            onMessage: (message) => {
              if (!current()) return
              if (message.type === 'measure' || message.type === 'epoch') relay(message)
              else if (message.type === 'done' || message.type === 'error') {
                active.helper = null
                if (message.type === 'done') this.pool.release(worker, message.memory)
                else this.pool.discard(worker)
                this.pump()
                relay(
                  message.type === 'done' ? message : { type: 'error', message: message.message }
                )
              }
            },
            onExit: (code, detail) => {
              if (!current()) return
              active.helper = null
              relay({
                type: 'error',
                message: `The second model's process exited with code ${code}${detail ? `: ${detail}` : ''}`
              })
              this.pump()
            }
          }
        )
        active.worker?.send({ type: 'helperStarted' })
      },
      () => {
        if (active.helper === helper) active.helper = null
        refuse()
      }
    )
  }

  /** Ends a run that holds a worker: records its final status and frees its workers. */
  private finishRun(
    id: number,
    active: ActiveRun,
    status: 'done' | 'failed' | 'cancelled',
    error?: string
  ): RunSummary {
    if (this.active.get(id) !== active) return this.store.summary(id)
    this.stopActive(id, active)
    this.store.finish(id, status, error)
    const run = this.settle(id)
    this.pump()
    return run
  }

  /**
   * Forgets an active run and frees its workers. A worker still holding the run (computing, or
   * after an error, when it may hold leftovers) is killed and replaced; a finished run has already
   * given its worker back. A helper is killed if it is training, else given back.
   */
  private stopActive(id: number, active: ActiveRun): void {
    this.active.delete(id)
    if (active.worker) {
      this.pool.discard(active.worker)
      active.worker = null
    }
    const helper = active.helper
    active.helper = null
    if (helper?.worker) {
      if (helper.busy) this.pool.discard(helper.worker)
      else this.pool.release(helper.worker)
    }
  }

  private onProgress(
    id: number,
    active: ActiveRun,
    message: { phase: string; step: number; total: number; work?: number }
  ): void {
    const work = message.work ?? (message.total > 0 ? message.step / message.total : 0)
    const progress: Progress = {
      phase: message.phase,
      step: message.step,
      total: message.total,
      etaSeconds: active.eta.update(work, Date.now(), active.startedAt)
    }
    this.emit({ type: 'progress', runId: id, progress })
    const now = Date.now()
    if (
      now - active.lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS ||
      message.step === message.total
    ) {
      active.lastProgressWrite = now
      this.store.setProgress(id, progress)
    }
  }

  private settle(id: number): RunSummary {
    const run = this.store.summary(id)
    this.emit({ type: 'run', run })
    for (const resolve of this.finishWaiters.get(id) ?? []) resolve(run)
    this.finishWaiters.delete(id)
    return run
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
