/**
 * LabService: the one implementation of the LabApi. It validates every request with the shared
 * schemas, queues runs, runs each in its own child process (a sweep uses every core, a cancel is
 * a kill, a crash takes down only its run), persists what the child reports as it arrives, and
 * tells subscribers (the hosts) about progress and status changes.
 */
import os from 'node:os'
import {
  apiSchemas,
  LabApiError,
  type ApiInput,
  type ApiMethod,
  type ApiResults,
  type AppInfo,
  type LabEvent
} from '../../shared/api'
import {
  ConfigError,
  experimentKinds,
  parseExperimentConfig,
  type ExperimentConfig
} from '../../shared/config'
import type { Environment, Progress, RunDetail, RunSummary } from '../../shared/results'
import { RunNotFoundError, type RunStore } from '../store/store'
import type { SpawnWorker, WorkerHandle } from './protocol'

export interface ServiceOptions {
  store: RunStore
  spawnWorker: SpawnWorker
  appVersion: string
  host: AppInfo['host']
  hostNote?: string
  /** How many runs may compute at once; default: one per core. */
  parallelRuns?: number
}

interface ActiveRun {
  worker: WorkerHandle
  startedAt: number
  cancelled: boolean
  lastProgressWrite: number
}

const PROGRESS_WRITE_INTERVAL_MS = 250

export class LabService {
  private readonly queue: number[] = []
  private readonly active = new Map<number, ActiveRun>()
  private readonly listeners = new Set<(event: LabEvent) => void>()
  private readonly finishWaiters = new Map<number, ((run: RunSummary) => void)[]>()
  private environment: Environment | null = null
  private environmentProbe: Promise<Environment | null> | null = null
  readonly parallelRuns: number

  constructor(private readonly options: ServiceOptions) {
    this.parallelRuns = Math.max(1, options.parallelRuns ?? os.cpus().length)
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
    appInfo: () => this.appInfo()
  }

  startRun(rawConfig: unknown, name?: string): RunSummary {
    const config = parseExperimentConfig(rawConfig)
    const run = this.store.createRun({
      name: name?.trim() || defaultName(config),
      config,
      appVersion: this.options.appVersion
    })
    this.queue.push(run.id)
    this.emit({ type: 'run', run })
    this.pump()
    return run
  }

  getRun(id: number): RunDetail {
    return this.store.getRun(id)
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
    if (active) {
      active.cancelled = true
      active.worker.kill()
    }
    return run
  }

  deleteRuns(ids: number[]): { deleted: number } {
    for (const id of ids) {
      const q = this.queue.indexOf(id)
      if (q >= 0) this.queue.splice(q, 1)
      const active = this.active.get(id)
      if (active) {
        this.active.delete(id)
        active.worker.kill()
      }
    }
    const deleted = this.store.deleteRuns(ids)
    this.emit({ type: 'deleted', ids })
    this.pump()
    return { deleted }
  }

  async appInfo(): Promise<AppInfo> {
    return {
      appVersion: this.options.appVersion,
      host: this.options.host,
      hostNote: this.options.hostNote,
      databasePath: this.store.path,
      parallelRuns: this.parallelRuns,
      environment: await this.probeEnvironment()
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

  /** Stops every child; runs that were computing are marked interrupted. */
  shutdown(): void {
    this.queue.length = 0
    for (const [id, active] of this.active) {
      this.active.delete(id)
      active.worker.kill()
    }
    this.store.interruptUnfinished()
  }

  /** Which backend a worker starts on here: asked once of a short-lived worker. */
  private probeEnvironment(): Promise<Environment | null> {
    if (this.environment) return Promise.resolve(this.environment)
    this.environmentProbe ??= new Promise((resolve) => {
      const worker = this.options.spawnWorker()
      worker.onMessage((message) => {
        if (message.type === 'environment') {
          this.environment = message.environment
          resolve(message.environment)
        }
      })
      worker.onExit(() => {
        this.environmentProbe = null
        resolve(this.environment)
      })
      worker.send({ type: 'probe' })
    })
    return this.environmentProbe
  }

  private pump(): void {
    while (this.active.size < this.parallelRuns && this.queue.length > 0) {
      this.launch(this.queue.shift()!)
    }
  }

  private launch(id: number): void {
    const { config } = this.store.getRun(id)
    const worker = this.options.spawnWorker()
    const active: ActiveRun = {
      worker,
      startedAt: Date.now(),
      cancelled: false,
      lastProgressWrite: 0
    }
    this.active.set(id, active)
    let failure: string | null = null
    let done = false

    worker.onMessage((message) => {
      if (this.active.get(id) !== active) return
      switch (message.type) {
        case 'environment':
          this.environment ??= message.environment
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
        case 'done':
          done = true
          break
        case 'error':
          failure = message.message
          break
      }
    })
    worker.onExit((code, detail) => {
      if (this.active.get(id) !== active) return
      this.active.delete(id)
      if (active.cancelled) this.store.finish(id, 'cancelled')
      else if (done) this.store.finish(id, 'done')
      else
        this.store.finish(
          id,
          'failed',
          failure ?? `The run's process exited with code ${code}${detail ? `: ${detail}` : ''}`
        )
      this.settle(id)
      this.pump()
    })
    worker.send({ type: 'start', config })
  }

  private onProgress(
    id: number,
    active: ActiveRun,
    message: { phase: string; step: number; total: number }
  ): void {
    const elapsed = (Date.now() - active.startedAt) / 1000
    const progress: Progress = {
      phase: message.phase,
      step: message.step,
      total: message.total,
      etaSeconds:
        message.step > 0 ? (elapsed * (message.total - message.step)) / message.step : null
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
  return `${title.replace(/ \(.*\)$/, '')}: d=${config.d}, m=${config.m}, θ=${config.theta}, seed ${config.seed}`
}

function toApiError(error: unknown): LabApiError {
  if (error instanceof LabApiError) return error
  if (error instanceof ConfigError) return new LabApiError(error.message, error.errors, 400)
  if (error instanceof RunNotFoundError) return new LabApiError(error.message, [], 404)
  return new LabApiError(error instanceof Error ? error.message : String(error), [], 500)
}
