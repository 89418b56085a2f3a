/**
 * Test fixture: a lab on a fresh SQLite file with small real runs of each kind, computed
 * by the real worker (the same path as the app), so exports are tested on data the lab produced.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import type { RunDetail } from '../../shared/results'
import { openLab } from '../host/lab'

export const smallEffectiveness = {
  kind: 'effectiveness',
  d: 20,
  m: 200,
  k: 4,
  theta: 4,
  n: 300,
  nTest: 300,
  lambdas: { from: 0, to: 6, steps: 7 }
}

export const smallFinetune = {
  kind: 'finetune',
  d: 20,
  m: 200,
  k: 4,
  theta: 4,
  n: 300,
  nTest: 300,
  lambdas: { from: 0, to: 6, steps: 7 },
  trackLambda: 2,
  train: { epochs: 3, batchSize: 64 }
}

/** Three classes, few heads: every universality chart has data, in seconds. */
export const smallUniversality = {
  kind: 'universality',
  dataset: { kind: 'mixture', L: 3, spread: 0.5 },
  d: 10,
  n: 300,
  nTest: 300,
  m: 100,
  k: 4,
  theta: 4,
  lambda: 4,
  target: 0,
  probes: 3,
  randomHeads: 40,
  head: { epochs: 40 }
}

export interface LabWithRuns {
  dir: string
  lab: ReturnType<typeof openLab>
  effectiveness: RunDetail
  finetune: RunDetail
  universality: RunDetail
  /** Opens another lab on a fresh file in the same folder. */
  freshLab(name: string): ReturnType<typeof openLab>
  close(): void
}

export async function labWithRuns(): Promise<LabWithRuns> {
  const dir = mkdtempSync(join(os.tmpdir(), 'lab-export-'))
  const worker = resolve(__dirname, '../service/worker.ts')
  const open = (name: string) =>
    openLab({ dbPath: join(dir, name), host: 'cli', worker, parallelRuns: 2 })
  const lab = open('lab.db')
  const started = [
    lab.service.startRun(smallEffectiveness, 'effectiveness fixture'),
    lab.service.startRun(smallFinetune, 'fine-tuning fixture'),
    lab.service.startRun(smallUniversality, 'universality fixture')
  ]
  const finished = await Promise.all(started.map((r) => lab.service.waitForRun(r.id)))
  for (const run of finished) {
    if (run.status !== 'done') throw new Error(`fixture run ${run.id} ${run.status}: ${run.error}`)
  }
  const others: ReturnType<typeof openLab>[] = []
  return {
    dir,
    lab,
    effectiveness: lab.service.getRun(started[0].id),
    finetune: lab.service.getRun(started[1].id),
    universality: lab.service.getRun(started[2].id),
    freshLab(name) {
      const other = open(name)
      others.push(other)
      return other
    },
    close() {
      for (const other of others) other.close()
      lab.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
