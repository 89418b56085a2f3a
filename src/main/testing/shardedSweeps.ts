/**
 * What the tests of sharded sweeps share: the CLI run as a user runs it (`npm run lab`: the built
 * CLI, built first when a source is newer; real workers, real SQLite files), a small sweep, and
 * every slot's run of a sweep read back with its numbers, to compare sweeps computed in
 * different ways.
 */
import { spawn, spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import type { MetricRecord, SeriesRecord } from '../../shared/results'
import { RunStore } from '../store/store'

export const projectRoot = resolve(__dirname, '../../..')

/** What `npm run lab --` runs. */
const CLI = ['scripts/lab.mjs']

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** `npm run lab -- ARGS`, waited for, with `env` added to this process's. */
export function lab(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env }
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** The same, without blocking this process (for commands that wait on others). */
export function labAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

/** A sweep of 2 points × 2 seeds of small effectiveness runs (a few seconds each). */
export const smallSweep = {
  kind: 'effectiveness',
  d: 10,
  m: 100,
  k: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 6, steps: 5 },
  sweep: { fields: [{ path: 'theta', values: [2, 4] }], seeds: 2, seed: 7 }
}

export interface SlotRun {
  id: number
  status: string
  seed: number
  config: unknown
  backend: string | null
  metrics: MetricRecord[]
  series: SeriesRecord[]
}

/** Every slot's run of a sweep ("point/replicate"), with its config and numbers. */
export function slotRuns(db: string, sweepId: number): Map<string, SlotRun> {
  const store = RunStore.open(db)
  try {
    const runs = store.sweeps.runsOf([sweepId]).get(sweepId)!
    return new Map(
      runs.map((summary) => {
        const run = store.runs.get(summary.id)
        const byName = (a: { model: string; name: string }, b: { model: string; name: string }) =>
          `${a.model}/${a.name}`.localeCompare(`${b.model}/${b.name}`)
        return [
          `${summary.point}/${summary.replicate}`,
          {
            id: run.id,
            status: run.status,
            seed: run.seed,
            config: run.config,
            backend: run.backend,
            metrics: [...run.metrics].sort(byName),
            series: [...run.series].sort(byName)
          }
        ]
      })
    )
  } finally {
    store.close()
  }
}

/** The numbers of a sweep's runs, slot by slot, without the run ids: equal for equal sweeps. */
export function sweepNumbers(db: string, sweepId: number) {
  return [...slotRuns(db, sweepId).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([slot, { status, seed, config, backend, metrics, series }]) => ({
      slot,
      status,
      seed,
      config,
      backend,
      metrics,
      series
    }))
}
