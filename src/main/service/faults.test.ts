/**
 * Faults a run must survive alone: the disk holding the database fills up while a run writes
 * (on a real, small tmpfs), and a cancel answered with the state it leaves.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import type { RunSummary } from '../../shared/results'
import { createHttpApp, createToken, listen } from '../host/http'
import { openLab } from '../host/lab'
import { fillDisk, mountTmpfs, type Tmpfs } from '../testing/tmpfs'
import { fastEffectiveness as small, openTempLab, workerEntry as worker } from '../testing/tempLab'
import { nodeWorkerSpawner } from './spawn-node'
import type { SpawnWorker } from './protocol'

/** The real worker, whose start message waits until `open()` is called. */
function gatedSpawner(): { spawn: SpawnWorker; open(): void } {
  const real = nodeWorkerSpawner(worker)
  let open!: () => void
  const gate = new Promise<void>((done) => (open = done))
  return {
    spawn: () => {
      const handle = real()
      return { ...handle, send: (message) => void gate.then(() => handle.send(message)) }
    },
    open
  }
}

const cleanups: (() => void | Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('a full disk', () => {
  it('fails the run that could not write, says so with the path, and the host keeps serving', async (context) => {
    const disk = mountTmpfs(1024)
    if ('skip' in disk) return context.skip(disk.skip)
    cleanups.push(() => (disk as Tmpfs).unmount())
    const dbPath = join(disk.dir, 'lab.db')
    const gated = gatedSpawner()
    const lab = openLab({ dbPath, host: 'headless', worker: gated.spawn, parallelRuns: 1 })
    cleanups.push(() => lab.close())
    const token = createToken()
    const host = await listen(
      createHttpApp(lab.service, { token, rendererDir: disk.dir }),
      0,
      token
    )
    cleanups.push(() => host.close())
    const call = (method: string, body: unknown) =>
      fetch(`http://127.0.0.1:${host.port}/api/${method}`, {
        method: 'POST',
        headers: { 'x-lab-token': token, 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })

    const run = lab.service.startRun(small, 'written to a full disk')
    const filler = join(disk.dir, 'filler')
    expect(fillDisk(filler)).toBeGreaterThan(0)
    const events: RunSummary[] = []
    lab.service.subscribe((e) => e.type === 'run' && e.run.id === run.id && events.push(e.run))
    gated.open()

    const finished = await lab.service.waitForRun(run.id)
    expect(finished.status).toBe('failed')
    expect(finished.error).toContain('the disk holding the database is full')
    expect(finished.error).toContain(dbPath)
    expect(events.at(-1)?.status).toBe('failed')

    // The host still answers: reads work, and a write says what is wrong instead of a crash.
    const listed = await call('listRuns', {})
    expect(listed.status).toBe(200)
    expect(((await listed.json()) as RunSummary[]).map((r) => r.id)).toEqual([run.id])
    const refused = await call('startRun', { config: small })
    expect(refused.status).toBe(507)
    const body = (await refused.json()) as { error: string }
    expect(body.error).toMatch(/the disk holding the database is full/i)
    expect(body.error).toContain(dbPath)

    // Once there is space again, the database says failed too.
    rmSync(filler)
    await expect
      .poll(() => lab.store.runs.summary(run.id).status, { timeout: 30_000 })
      .toBe('failed')
    expect(lab.store.runs.summary(run.id).error).toContain('the disk holding the database is full')
    // And the lab takes runs again.
    const next = await lab.service.dispatch('startRun', { config: small })
    expect((await lab.service.waitForRun(next.id)).status).toBe('done')
  })

  it('a run cut off by a full disk and never marked shows as interrupted at the next open', async (context) => {
    const disk = mountTmpfs(1024)
    if ('skip' in disk) return context.skip(disk.skip)
    cleanups.push(() => (disk as Tmpfs).unmount())
    const dbPath = join(disk.dir, 'lab.db')
    const gated = gatedSpawner()
    const lab = openLab({ dbPath, host: 'cli', worker: gated.spawn, parallelRuns: 1 })
    const run = lab.service.startRun(small, 'cut off')
    const filler = join(disk.dir, 'filler')
    fillDisk(filler)
    gated.open()
    expect((await lab.service.waitForRun(run.id)).status).toBe('failed')
    // Closing with the disk still full must not throw either.
    expect(() => lab.close()).not.toThrow()
    rmSync(filler)

    const reopened = openLab({ dbPath, host: 'cli', worker, parallelRuns: 1 })
    cleanups.push(() => reopened.close())
    expect(reopened.store.runs.summary(run.id).status).toBe('interrupted')
  })

  it('a write refused by the store is a 507 naming the disk and the path, not a crash', async (context) => {
    const disk = mountTmpfs(1024)
    if ('skip' in disk) return context.skip(disk.skip)
    cleanups.push(() => (disk as Tmpfs).unmount())
    const dbPath = join(disk.dir, 'lab.db')
    const lab = openLab({ dbPath, host: 'cli', worker, parallelRuns: 1 })
    cleanups.push(() => lab.close())
    fillDisk(join(disk.dir, 'filler'))
    const error = (await lab.service
      .dispatch('importDataset', {
        name: 'big.csv',
        content: 'a,label\n' + '1,x\n2,y\n'.repeat(5000)
      })
      .catch((e: unknown) => e)) as LabApiError
    expect(error).toBeInstanceOf(LabApiError)
    expect(error.status).toBe(507)
    expect(error.message).toBe(
      `The disk holding the database is full (${dbPath}): nothing was saved. Free some space and try again.`
    )
    const db = new Database(dbPath, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) AS n FROM datasets').get()).toEqual({ n: 0 })
    db.close()
  })
})

describe('cancel', () => {
  it('answers with the state the cancel leaves: cancelled, for a running run too', async () => {
    const lab = openTempLab('lab-cancel-', { parallelRuns: 1 })
    cleanups.push(() => lab.close())
    const big = { ...small, d: 200, m: 20000, n: 3000, nTest: 3000 }
    const run = lab.service.startRun({ ...big, lambdas: { from: 0, to: 8, steps: 200 } })
    await new Promise<void>((done) =>
      lab.service.subscribe(
        (e) => e.type === 'run' && e.run.id === run.id && e.run.status === 'running' && done()
      )
    )
    const answer = await lab.service.dispatch('cancelRun', { id: run.id })
    expect(answer.status).toBe('cancelled')
    expect(answer.finishedAt).not.toBeNull()
    expect(lab.store.runs.summary(run.id).status).toBe('cancelled')
    expect((await lab.service.waitForRun(run.id)).status).toBe('cancelled')
  })
})
