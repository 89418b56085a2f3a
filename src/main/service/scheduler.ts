/**
 * The run lifecycle: a queue of runs waiting for a worker, the runs computing (each on a pool
 * worker, a fine-tuning run perhaps on two), what their workers report (persisted as it arrives),
 * cancel, and the end of a run. A run's worker is given back to the pool when the run is done;
 * killed (and so replaced) when the run is cancelled, deleted or failed.
 */
import type { ExperimentConfig, ExperimentKind } from '../../kinds/registry'
import type { LabEvent } from '../../shared/api'
import type { Progress, RunSummary } from '../../shared/results'
import type { CsvSource } from '../lab/datasets/index'
import type { NullRecord } from '../lab/nullCache'
import type { RunStore } from '../store/store'
import { EtaEstimator } from './eta'
import { FinalStatusWriter } from './finalStatus'
import type { PooledWorker, WorkerPool } from './pool'
import type { FromHelper, FromWorker } from './protocol'

export interface SchedulerOptions {
  store: RunStore
  pool: WorkerPool
  emit(event: LabEvent): void
  /**
   * The imported CSV file run `id` reads (null for the others), checked to be the content it was
   * started on; throws if it was deleted or changed.
   */
  datasetFor(id: number, config: ExperimentConfig): CsvSource | null
  /** Why a run stopped, from an error the lab (not the run's process) met: a full disk, say. */
  failureOf(error: unknown): string
  /** The Monte Carlo nulls kept for a run's seed and shape (detectability), a cache. */
  nullsFor(config: ExperimentConfig): NullRecord[]
  /** Keeps a null a run drew; a cache, so a null it cannot keep is simply drawn again. */
  keepNull(record: NullRecord): void
}

interface ActiveRun {
  /** Null while its worker starts. */
  worker: PooledWorker | null
  startedAt: number
  cancelled: boolean
  lastProgressWrite: number
  eta: EtaEstimator
  /** A second worker for a part of the run (KindRunner.help), once asked for. */
  helper: Helper | null
}

interface Helper {
  slot: Promise<PooledWorker>
  worker: PooledWorker | null
  /** Training the model handed over. */
  busy: boolean
}

const PROGRESS_WRITE_INTERVAL_MS = 250

export class RunScheduler {
  private readonly queue: number[] = []
  private readonly active = new Map<number, ActiveRun>()
  private readonly finishWaiters = new Map<number, ((run: RunSummary) => void)[]>()
  private readonly store: RunStore
  private readonly pool: WorkerPool
  /** Final statuses, kept and tried again while the store cannot write them (a full disk). */
  private readonly finals: FinalStatusWriter

  constructor(private readonly options: SchedulerOptions) {
    this.store = options.store
    this.pool = options.pool
    this.finals = new FinalStatusWriter(options.store)
  }

  /** Queues runs the store holds as queued, in order; each starts when a worker is free. */
  enqueue(ids: number[]): void {
    this.queue.push(...ids)
    this.pump()
  }

  /** Cancels a queued or computing run; null when it is neither. */
  cancel(id: number): RunSummary | null {
    const queued = this.queue.indexOf(id)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      this.finals.record(id, 'cancelled')
      return this.settle(id)
    }
    const active = this.active.get(id)
    if (!active) return null
    // The worker is killed and replaced; what it sends meanwhile is dropped.
    active.cancelled = true
    return this.finishRun(id, active, 'cancelled')
  }

  /** Forgets runs about to be deleted: out of the queue, their workers killed. */
  forget(ids: number[]): void {
    for (const id of ids) {
      const q = this.queue.indexOf(id)
      if (q >= 0) this.queue.splice(q, 1)
      const active = this.active.get(id)
      if (active) this.stopActive(id, active)
    }
    this.pump()
  }

  /** Resolves when the run reaches a final status. */
  waitFor(id: number): Promise<RunSummary> {
    const run = this.store.runs.summary(id)
    if (!['queued', 'running'].includes(run.status)) return Promise.resolve(run)
    return new Promise((resolve) => {
      this.finishWaiters.set(id, [...(this.finishWaiters.get(id) ?? []), resolve])
    })
  }

  /**
   * Stops every worker; runs that were computing are marked interrupted. Never throws: what the
   * store cannot write now (a full disk), the next open marks interrupted.
   */
  shutdown(): void {
    this.queue.length = 0
    this.active.clear()
    this.pool.shutdown()
    this.finals.stop()
    try {
      this.store.interruptOwn()
    } catch {
      // Left running in the file: the next open finds their process gone and interrupts them.
    }
  }

  private pump(): void {
    while (this.pool.free > 0 && this.queue.length > 0) {
      this.launch(this.queue.shift()!)
    }
  }

  private launch(id: number): void {
    let config: ExperimentConfig
    let dataset: CsvSource | null = null
    try {
      config = this.store.runs.get(id).config
      dataset = this.options.datasetFor(id, config)
    } catch (error) {
      this.finals.record(id, 'failed', this.options.failureOf(error))
      this.settle(id)
      this.pump()
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
          { type: 'start', config, dataset, nulls: this.options.nullsFor(config) },
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
    try {
      this.persist(id, active, message)
    } catch (error) {
      // The store could not keep it (a full disk): this run stops, the lab goes on.
      this.finishRun(id, active, 'failed', this.options.failureOf(error))
      return
    }
    switch (message.type) {
      case 'wantHelper':
        this.reserveHelper(active)
        break
      case 'helperJob':
        this.startHelper(id, active, message.kind, message.input)
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

  /** Writes what a run's worker reported; throws when the store cannot (a full disk). */
  private persist(id: number, active: ActiveRun, message: FromWorker): void {
    switch (message.type) {
      case 'environment':
        this.store.runs.markRunning(id, message.environment)
        active.startedAt = Date.now()
        this.options.emit({ type: 'run', run: this.store.runs.summary(id) })
        break
      case 'progress':
        this.onProgress(id, active, message)
        break
      case 'metric':
        this.store.runs.putMetric(id, message.record)
        this.options.emit({ type: 'data', runId: id })
        break
      case 'series':
        this.store.runs.appendSeries(id, message.record)
        this.options.emit({ type: 'data', runId: id })
        break
      case 'null':
        try {
          this.options.keepNull(message.record)
        } catch {
          // Only a cache (a full disk stops the run at its next metric instead).
        }
        break
    }
  }

  /**
   * A second worker for a part of a run, if one is free and no run is waiting for it (a
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

  /** Gives the part handed over to the run's helper, relaying its messages, or says "compute it yourself". */
  private startHelper(id: number, active: ActiveRun, kind: ExperimentKind, input: unknown): void {
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
          { type: 'help', kind, input },
          {
            onMessage: (message) => {
              if (!current()) return
              if (message.type === 'said') relay(message)
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
                message: `The second worker's process exited with code ${code}${detail ? `: ${detail}` : ''}`
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
    if (this.active.get(id) !== active) return this.store.runs.summary(id)
    this.stopActive(id, active)
    this.finals.record(id, status, error ?? null)
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
      etaSeconds: active.eta.update(work, Date.now(), active.startedAt),
      ...(message.work === undefined ? {} : { work: message.work })
    }
    this.options.emit({ type: 'progress', runId: id, progress })
    const now = Date.now()
    if (
      now - active.lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS ||
      message.step === message.total
    ) {
      active.lastProgressWrite = now
      this.store.runs.setProgress(id, progress)
    }
  }

  private settle(id: number): RunSummary {
    const stored = this.store.runs.summary(id)
    const unsaved = this.finals.unsaved(id)
    const run: RunSummary = unsaved
      ? { ...stored, ...unsaved, progress: null, finishedAt: new Date().toISOString() }
      : stored
    this.options.emit({ type: 'run', run })
    for (const resolve of this.finishWaiters.get(id) ?? []) resolve(run)
    this.finishWaiters.delete(id)
    return run
  }
}
