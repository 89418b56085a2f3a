/** Opens the database and the service the way every host does. */
import type { AppInfo } from '../../shared/api'
import { LabService } from '../service/service'
import type { SpawnWorker } from '../service/protocol'
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
  parallelRuns?: number
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
  const store = RunStore.open(options.dbPath, { nativeBinding: options.nativeBinding })
  const service = new LabService({
    store,
    spawnWorker:
      typeof options.worker === 'string' ? nodeWorkerSpawner(options.worker) : options.worker,
    appVersion: APP_VERSION,
    host: options.host,
    hostNote: options.hostNote,
    parallelRuns: options.parallelRuns,
    memoryBudget: options.memoryBudget
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
