/**
 * `lab sweep` end to end, as a user runs it (the CLI's source through tsx, real workers, a real
 * SQLite file), and a host killed mid-sweep (kill -9) whose sweep resumes with only what it
 * misses: by `lab sweep --resume ID`, or by the next host's start-up.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { findMetric, type RunStatus } from '../../shared/results'
import { aggregate } from '../../shared/sweep'
import { RunStore } from '../store/store'
import { openLab } from './lab'

const root = resolve(__dirname, '../../..')
const dir = mkdtempSync(join(os.tmpdir(), 'lab-cli-sweep-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cliArgs = ['--import', 'tsx', 'src/main/host/cli.ts']

function lab(db: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [...cliArgs, ...args, '--db', db], {
    cwd: root,
    encoding: 'utf8'
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function file(name: string, value: unknown): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(value))
  return path
}

const tiny = {
  kind: 'effectiveness',
  d: 10,
  m: 100,
  k: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 6, steps: 5 }
}

interface SweepJson {
  sweep: { id: number; status: string; total: number; counts: Record<string, number> }
  points: {
    index: number
    values: Record<string, number>
    runIds: number[]
    metrics: {
      model: string
      name: string
      mean: number | null
      n: number
      of: number
      lower: number | null
      upper: number | null
      seeds: { runId: number; value: number | null }[]
    }[]
  }[]
  runIds: number[]
}

describe('lab sweep', () => {
  it('runs a sweep, shows one progress line for it, and prints it with its aggregated points', () => {
    const db = join(dir, 'json.db')
    const config = file('theta.json', {
      ...tiny,
      sweep: { fields: [{ path: 'theta', values: [2, 4] }], seeds: 2 }
    })
    const result = lab(db, 'sweep', '--config', config, '--jobs', '2', '--json')
    expect(result.code, result.stderr).toBe(0)
    // Without a terminal, one line per change of the counts, ending with all done.
    const lines = result.stderr.trim().split('\n')
    expect(lines[0]).toMatch(/^sweep 1: 0\/4 done, 0 running, 4 queued, 0 failed \(0%\)$/)
    expect(lines.at(-1)).toMatch(/^sweep 1: 4\/4 done, 0 running, 0 queued, 0 failed \(100%\)$/)

    const printed = JSON.parse(result.stdout) as SweepJson
    expect(printed.sweep).toMatchObject({ id: 1, status: 'done', total: 4 })
    expect(printed.runIds).toHaveLength(4)
    expect(printed.points.map((p) => p.values)).toEqual([{ theta: 2 }, { theta: 4 }])
    expect(printed.points.flatMap((p) => p.runIds)).toEqual(printed.runIds)

    // Each key metric of each point is the aggregate of its runs' own values, as stored.
    const store = RunStore.open(db)
    try {
      for (const point of printed.points) {
        expect(point.metrics.map((m) => `${m.model}/${m.name}`)).toEqual([
          'run/lambda50Ratio',
          'backdoored/lambda50',
          'clean/lambda50',
          'backdoored/cleanAccuracy'
        ])
        for (const metric of point.metrics) {
          const values = point.runIds.map(
            (id) => findMetric(store.runs.get(id), metric.model, metric.name)?.value ?? null
          )
          expect(metric.seeds.map((s) => s.value)).toEqual(values)
          const { mean, n, of, lower, upper } = aggregate(values)
          expect({ mean, n, of, lower, upper }).toEqual({
            mean: metric.mean,
            n: metric.n,
            of: metric.of,
            lower: metric.lower,
            upper: metric.upper
          })
        }
      }
    } finally {
      store.close()
    }
  })

  it('refuses bad input with exit code 2 before saving anything', () => {
    const db = join(dir, 'bad.db')
    const neither = lab(db, 'sweep')
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain('Give either --config FILE')
    const bad = lab(
      db,
      'sweep',
      '--config',
      file('bad.json', { ...tiny, sweep: { fields: [{ path: 'seed', values: [1, 2] }] } })
    )
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('sweep.fields.0.path')
    expect(bad.stderr).toContain('seed is not a field an effectiveness sweep can vary')
    const jobs = lab(db, 'sweep', '--resume', '1', '--jobs', '0')
    expect(jobs.code).toBe(2)
    expect(jobs.stderr).toContain('--jobs must be from 1 to 64')
    const missing = lab(db, 'sweep', '--resume', '9')
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('lab: No sweep with id 9')
    const saved = new Database(db, { readonly: true })
    expect(saved.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 })
    expect(saved.prepare('SELECT COUNT(*) AS n FROM sweeps').get()).toEqual({ n: 0 })
    saved.close()
  })
})

interface Slot {
  id: number
  point: number
  replicate: number
  status: RunStatus
  config: string
}

function slots(db: string): Slot[] {
  const read = new Database(db, { readonly: true })
  try {
    return read
      .prepare(
        `SELECT id, point, replicate, status, config FROM runs WHERE sweep_id = 1
         ORDER BY point, replicate`
      )
      .all() as Slot[]
  } finally {
    read.close()
  }
}

/**
 * Starts `lab sweep` on 3 points × 2 seeds, one run at a time, and kills it (SIGKILL: no
 * chance to clean up) once 2 runs are done. Returns the sweep's runs as the killed host left them.
 */
async function killMidSweep(db: string): Promise<Slot[]> {
  const config = file('kill.json', {
    ...tiny,
    sweep: { fields: [{ path: 'theta', values: [1, 2, 3] }], seeds: 2 }
  })
  const host = spawn(
    process.execPath,
    [...cliArgs, 'sweep', '--config', config, '--db', db, '--jobs', '1'],
    { cwd: root, stdio: 'ignore' }
  )
  const exited = new Promise<void>((done) => host.once('exit', () => done()))
  for (;;) {
    await sleep(100)
    let done = 0
    try {
      done = slots(db).filter((s) => s.status === 'done').length
    } catch {
      // Not created yet.
    }
    if (done >= 2) break
    if (host.exitCode !== null) throw new Error('the sweep ended before it was killed')
  }
  host.kill('SIGKILL')
  await exited
  return slots(db)
}

/** What a resume must do: the done runs kept as they were, the others replaced, slot by slot. */
function expectOnlyMissingRan(before: Slot[], after: Slot[]): void {
  const done = before.filter((s) => s.status === 'done')
  expect(done.length).toBeGreaterThanOrEqual(2)
  expect(done.length).toBeLessThan(6)
  expect(before.some((s) => s.status === 'running' || s.status === 'queued')).toBe(true)
  expect(after).toHaveLength(6)
  expect(after.every((s) => s.status === 'done')).toBe(true)
  const key = (s: Slot) => `${s.point}/${s.replicate}`
  const kept = after.filter((s) => done.some((d) => d.id === s.id))
  expect(kept.map(key)).toEqual(done.map(key))
  const again = after.filter((s) => !done.some((d) => d.id === s.id))
  const missing = before.filter((s) => s.status !== 'done')
  expect(again.map(key)).toEqual(missing.map(key))
  expect(again.map((s) => s.config)).toEqual(missing.map((s) => s.config))
  expect(Math.min(...again.map((s) => s.id))).toBeGreaterThan(Math.max(...before.map((s) => s.id)))
}

describe('a host killed mid-sweep', () => {
  it('resumes with only the missing points: lab sweep --resume', async () => {
    const db = join(dir, 'killed-cli.db')
    const before = await killMidSweep(db)
    const result = lab(db, 'sweep', '--resume', '1', '--jobs', '2', '--json')
    expect(result.code, result.stderr).toBe(0)
    const printed = JSON.parse(result.stdout) as SweepJson
    expect(printed.sweep.status).toBe('done')
    const after = slots(db)
    expect(printed.runIds).toEqual(after.map((s) => s.id))
    expectOnlyMissingRan(before, after)
  })

  it('resumes with only the missing points: the next host’s start-up', async () => {
    const db = join(dir, 'killed-host.db')
    const before = await killMidSweep(db)
    const host = openLab({
      dbPath: db,
      host: 'headless',
      worker: resolve(__dirname, '../service/worker.ts'),
      parallelRuns: 2,
      resumeSweeps: true
    })
    try {
      expect((await host.service.sweeps.waitFor(1)).status).toBe('done')
    } finally {
      host.close()
    }
    expectOnlyMissingRan(before, slots(db))
  })
})
