/** Messages between the service and a run's child process. */
import type { ExperimentConfig } from '../../kinds/registry'
import type { Environment, MetricRecord, SeriesRecord } from '../../shared/results'
import type { CsvSource } from '../lab/datasets/index'
import type { NullRecord } from '../lab/nullCache'

export type ToWorker =
  | {
      type: 'start'
      config: ExperimentConfig
      /** An imported CSV file the config names: the worker has no database. */
      dataset?: CsvSource | null
      /** Monte Carlo nulls the database holds for the run's seed and shape (detectability). */
      nulls?: NullRecord[]
    }
  | { type: 'probe' }

export type FromWorker =
  | { type: 'environment'; environment: Environment }
  | { type: 'progress'; phase: string; step: number; total: number }
  | { type: 'metric'; record: MetricRecord }
  | { type: 'series'; record: SeriesRecord }
  /** A Monte Carlo null the run drew, for the database to keep. */
  | { type: 'null'; record: NullRecord }
  | { type: 'done' }
  | { type: 'error'; message: string }

/** A running child process, whichever way it was started (Node fork or Electron utilityProcess). */
export interface WorkerHandle {
  send(message: ToWorker): void
  onMessage(listener: (message: FromWorker) => void): void
  /** Called once when the process ends; `detail` carries the tail of its stderr when known. */
  onExit(listener: (code: number | null, detail: string) => void): void
  kill(): void
}

export type SpawnWorker = () => WorkerHandle
