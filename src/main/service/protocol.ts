/**
 * Messages between the service and its worker processes. A worker is long-lived: it starts its
 * tfjs backend once, says `ready`, then runs one job after another (`done` or `error` after each)
 * until it is killed. A job is a run (`start`) or one model of another run's fine-tuning
 * (`trainModel`), which the service relays between the two workers.
 */
import type { ExperimentConfig } from '../../kinds/registry'
import type { Environment, MetricRecord, SeriesRecord } from '../../shared/results'
import type { CsvSource } from '../lab/datasets/index'
import type { EpochRecord, FineTuneInput, Measurement } from '../lab/finetune'
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
  | { type: 'trainModel'; input: FineTuneInput }

/** What a model trained for another worker reports, relayed to that worker as it arrives. */
export type FromHelper =
  | { type: 'measure'; when: 'before' | 'after'; measurement: Measurement }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'done' }
  | { type: 'error'; message: string }

export type ToWorker =
  | Job
  /** The second worker took the model handed over with `helperJob`; its reports follow. */
  | { type: 'helperStarted' }
  /** No second worker is free: the model handed over trains in the asking worker. */
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
  /** The run will hand one model to a second worker soon: get one ready if one is free. */
  | { type: 'wantHelper' }
  | { type: 'helperJob'; input: FineTuneInput }
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
