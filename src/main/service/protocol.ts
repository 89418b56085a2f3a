/**
 * Messages between the service and its worker processes. A worker is long-lived: it starts its
 * tfjs backend once, says `ready`, then runs one job after another (`done` or `error` after each)
 * until it is killed. A job is a run (`start`) or the part another run handed over (`help`:
 * fine-tuning's second model, universality's clean-encoder twin), whose messages the service
 * relays between the two workers.
 */
import type { ExperimentConfig, ExperimentKind } from '../../kinds/registry'
import type { Environment, MetricRecord, SeriesRecord } from '../../shared/results'
import type { CsvSource } from '../lab/datasets/index'
import type { NullRecord } from '../lab/nullCache'

/** A job the pool hands to a worker. */
export type Job =
  | {
      type: 'start'
      config: ExperimentConfig
      /** An imported CSV file the config names: the worker has no database. */
      dataset?: CsvSource | null
      /** Monte Carlo nulls the database holds for the run's seed and shape (detectability). */
      nulls?: NullRecord[]
    }
  /** The part of a run of `kind` that its worker handed over (KindRunner.help). */
  | { type: 'help'; kind: ExperimentKind; input: unknown }

/** What the worker computing a handed-over part says, relayed to the run's worker as it comes. */
export type FromHelper =
  { type: 'said'; message: unknown } | { type: 'done' } | { type: 'error'; message: string }

export type ToWorker =
  | Job
  /** The second worker took the part handed over with `helperJob`; its messages follow. */
  | { type: 'helperStarted' }
  /** No second worker is free: the asking worker computes the part itself. */
  | { type: 'noHelper' }
  | { type: 'helper'; message: FromHelper }

/** A worker's tfjs memory and process size, sent with `ready` and after every job. */
export interface WorkerMemory {
  numTensors: number
  /** Resident set size in bytes. */
  rss: number
}

export type FromWorker =
  | { type: 'ready'; environment: Environment; memory: WorkerMemory }
  /** The backend could not start; the worker exits. */
  | { type: 'fatal'; message: string }
  | { type: 'environment'; environment: Environment }
  /** `work`: the share of the run's estimated work done, when its steps differ in cost. */
  | { type: 'progress'; phase: string; step: number; total: number; work?: number }
  | { type: 'metric'; record: MetricRecord }
  | { type: 'series'; record: SeriesRecord }
  /** A Monte Carlo null the run drew, for the database to keep. */
  | { type: 'null'; record: NullRecord }
  /** The run will hand a part to a second worker soon: get one ready if one is free. */
  | { type: 'wantHelper' }
  | { type: 'helperJob'; kind: ExperimentKind; input: unknown }
  | Exclude<FromHelper, { type: 'done' } | { type: 'error' }>
  | { type: 'done'; memory: WorkerMemory }
  | { type: 'error'; message: string; memory: WorkerMemory }

/** A running child process, whichever way it was started (Node fork or Electron utilityProcess). */
export interface WorkerHandle {
  /** The operating system's process id, when known. */
  readonly pid?: number
  send(message: ToWorker): void
  onMessage(listener: (message: FromWorker) => void): void
  /** Called once when the process ends; `detail` carries the tail of its stderr when known. */
  onExit(listener: (code: number | null, detail: string) => void): void
  kill(): void
}

export type SpawnWorker = () => WorkerHandle
