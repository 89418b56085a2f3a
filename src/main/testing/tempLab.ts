/**
 * Test fixture: a lab as a host opens it (openLab), on a fresh SQLite file in a fresh temporary
 * folder, with the real worker (the TypeScript entry through tsx) unless a test brings its own
 * spawner. It records every event the service tells; close() stops the workers, closes the
 * database and removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import type { LabEvent } from '../../shared/api'
import { openLab, type LabOptions } from '../host/lab'

/** The run worker's entry as tests start it: the TypeScript source, compiled on the fly by tsx. */
export const workerEntry = resolve(__dirname, '../service/worker.ts')

/** A small effectiveness run: a second or two on one worker. */
export const fastEffectiveness = {
  kind: 'effectiveness',
  d: 20,
  m: 200,
  k: 4,
  theta: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 6, steps: 7 }
}

export interface TempLab extends ReturnType<typeof openLab> {
  /** The temporary folder holding the database. */
  dir: string
  dbPath: string
  /** Every event the service told, in order. */
  events: LabEvent[]
}

/**
 * Opens a lab in a new folder named after `prefix` (`lab-service-`, ...). By default a CLI host
 * with the real worker; `options` may set the worker (a path or a spawner), the pool size and
 * anything else openLab takes.
 */
export function openTempLab(
  prefix: string,
  options: Partial<Omit<LabOptions, 'dbPath'>> = {}
): TempLab {
  const dir = mkdtempSync(join(os.tmpdir(), prefix))
  const dbPath = join(dir, 'lab.db')
  let lab: ReturnType<typeof openLab>
  try {
    lab = openLab({ host: 'cli', worker: workerEntry, ...options, dbPath })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  const events: LabEvent[] = []
  lab.service.subscribe((event) => events.push(event))
  return {
    ...lab,
    dir,
    dbPath,
    events,
    close() {
      lab.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
