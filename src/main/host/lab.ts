/** Opens the database and the service the way every host does. */
import type { AppInfo } from '../../shared/api'
import { LabService } from '../service/service'
import type { SpawnWorker } from '../service/protocol'
import { workersFromEnvironment } from '../service/pool'
import { nodeWorkerSpawner } from '../service/spawn-node'
import { RunStore } from '../store/store'
import { APP_VERSION } from './paths'

export interface LabOptions {
  dbPath: string
  host: AppInfo['host']
  hostNote?: string
  /** Path of the worker entry (Node fork), or a ready spawner (Electron's utilityProcess). */
  worker: string | SpawnWorker
  nativeBinding?: string
  /** Worker processes; default: BACKDOOR_LAB_WORKERS, else one per core. */
  parallelRuns?: number
  /** Start the workers at once (default: for every host but the CLI). */
  warmWorkers?: boolean
  /** The bytes one run may hold; default: BACKDOOR_LAB_MEMORY_BUDGET or a quarter of memory. */
  memoryBudget?: number
  /**
   * Resume the sweeps whose runs were interrupted (the app that computed them stopped or
   * crashed): what a long-lived host does at start-up, not a one-shot CLI command.
   */
  resumeSweeps?: boolean
}

export function openLab(options: LabOptions): {
  store: RunStore
  service: LabService
  close(): void
} {
  const parallelRuns = options.parallelRuns ?? workersFromEnvironment()
  const store = RunStore.open(options.dbPath, { nativeBinding: options.nativeBinding })
  const service = new LabService({
    store,
    spawnWorker:
      typeof options.worker === 'string' ? nodeWorkerSpawner(options.worker) : options.worker,
    appVersion: APP_VERSION,
    host: options.host,
    hostNote: options.hostNote,
    parallelRuns,
    memoryBudget: options.memoryBudget,
    // A host keeps its workers started for the next run; a CLI command starts what it needs.
    warmWorkers: options.warmWorkers ?? options.host !== 'cli'
  })
  if (options.resumeSweeps) {
    for (const { id, message } of service.sweeps.resumeInterrupted().refused)
      console.error(`Sweep ${id} was interrupted and cannot resume: ${message}`)
  }
  return {
    store,
    service,
    close() {
      service.shutdown()
      store.close()
    }
  }
}
