/**
 * The worker pool in one host (this process, with the built workers): a sweep of 8 independent
 * runs at once against one after another, and memory over 20 runs in a row.
 */
import { spawn } from 'node:child_process'
import os from 'node:os'
import { join } from 'node:path'
import { finetuneConfigSchema } from '../src/kinds/finetune/config'
import type { ExperimentConfig } from '../src/kinds/registry'
import { universalityConfigSchema } from '../src/kinds/universality/config'
import { openLab } from '../src/main/host/lab'
import { nodeWorkerSpawner } from '../src/main/service/spawn-node'
import type { WorkerInfo } from '../src/main/service/pool'
import { defaultConfig, freshDatabase, mb, root, s, table, withBackend } from './lib'

/** RSS growth of the host and of each worker, from run 3 to run 20, must stay under this. */
export const RSS_GROWTH_BOUND = 64 * 1024 ** 2

function openHost(backend: string, workers = os.cpus().length) {
  return openLab({
    dbPath: freshDatabase(),
    host: 'headless',
    worker: nodeWorkerSpawner(join(root, 'out', 'main', 'worker.js'), {
      env: withBackend(backend)
    }),
    parallelRuns: workers,
    warmWorkers: true
  })
}

async function runAll(lab: ReturnType<typeof openHost>, configs: ExperimentConfig[]) {
  const runs = configs.map((c) => lab.service.startRun(c))
  const done = await Promise.all(runs.map((r) => lab.service.waitForRun(r.id)))
  const failed = done.find((r) => r.status !== 'done')
  if (failed) throw new Error(`run ${failed.id} ${failed.status}: ${failed.error}`)
}

export interface Speedup {
  runs: number
  workers: number
  serial: number
  parallel: number
  /** The same runs in bare processes (no service, no pool): one process, then `workers` at once. */
  bare: { serial: number; parallel: number }
}

/** Runs bench/compute.ts in `processes` processes at once, `runs` runs in all; wall seconds. */
async function bareProcesses(backend: string, processes: number, runs: number): Promise<number> {
  const children = Array.from({ length: processes }, () =>
    spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench', 'compute.ts'), String(runs / processes)],
      {
        cwd: root,
        env: withBackend(backend),
        stdio: ['pipe', 'pipe', 'inherit']
      }
    )
  )
  // Each child warms up, then waits for a line on stdin; give it time to get there.
  await new Promise((resolve) => setTimeout(resolve, 4000))
  const start = performance.now()
  const done = children.map(
    (child) => new Promise<void>((resolve) => child.once('exit', () => resolve()))
  )
  for (const child of children) child.stdin.write('go\n')
  await Promise.all(done)
  return (performance.now() - start) / 1000
}

/** 8 default effectiveness runs (seeds 1-8) one after another, then all at once, on a warm pool. */
export async function poolSpeedup(backend: string): Promise<Speedup> {
  const configs = Array.from({ length: 8 }, (_, i) => ({
    ...defaultConfig('effectiveness'),
    seed: i + 1
  }))
  const lab = openHost(backend)
  const workers = lab.service.parallelRuns
  let serial: number
  let parallel: number
  try {
    await runAll(lab, configs.slice(0, workers)) // warm-up: every worker once
    let start = performance.now()
    for (const config of configs) await runAll(lab, [config])
    serial = (performance.now() - start) / 1000
    start = performance.now()
    await runAll(lab, configs)
    parallel = (performance.now() - start) / 1000
  } finally {
    lab.close()
  }
  const bare = {
    serial: await bareProcesses(backend, 1, configs.length),
    parallel: await bareProcesses(backend, workers, configs.length)
  }
  return { runs: configs.length, workers, serial, parallel, bare }
}

export interface MemoryCheck {
  runs: number
  /** After each run: the host's RSS and every worker's state. */
  samples: { hostRss: number; workers: WorkerInfo[] }[]
  retired: { tensors: number; memory: number; crashed: number }
}

/**
 * 20 runs in a row in one host, cycling through the three kinds (fine-tuning with 2 epochs and
 * universality with 30 head epochs and 50 random heads, so that the 20 runs take about a minute).
 */
export async function memoryRuns(backend: string): Promise<MemoryCheck> {
  const lab = openHost(backend)
  const cycle: ExperimentConfig[] = [
    defaultConfig('effectiveness'),
    finetuneConfigSchema.parse({ kind: 'finetune', train: { epochs: 2 } }),
    universalityConfigSchema.parse({
      kind: 'universality',
      randomHeads: 50,
      head: { epochs: 30 }
    })
  ]
  const samples: MemoryCheck['samples'] = []
  try {
    for (let i = 0; i < 20; i++) {
      await runAll(lab, [{ ...cycle[i % cycle.length], seed: i + 1 }])
      samples.push({ hostRss: process.memoryUsage.rss(), workers: lab.service.pool.info() })
    }
    return { runs: samples.length, samples, retired: { ...lab.service.pool.retired } }
  } finally {
    lab.close()
  }
}

export function printPoolChecks(backend: string, speedup: Speedup, memory: MemoryCheck): void {
  console.log(`\nWorker pool, ${backend} backend (this process as the host, built workers)`)
  table(
    ['sweep', 'one after another', 'all at once', 'speed-up'],
    [
      [
        `${speedup.runs} default effectiveness runs, ${speedup.workers} workers`,
        s(speedup.serial),
        s(speedup.parallel),
        `${(speedup.serial / speedup.parallel).toFixed(2)}x`
      ],
      [
        `the same in bare processes (no service, no pool): one, then ${speedup.workers} at once`,
        s(speedup.bare.serial),
        s(speedup.bare.parallel),
        `${(speedup.bare.serial / speedup.bare.parallel).toFixed(2)}x`
      ]
    ]
  )
  const first = memory.samples[2]
  const last = memory.samples[memory.samples.length - 1]
  const tensorsKept = memory.samples.every((sample) =>
    sample.workers.every((w) => w.memory == null || w.memory.numTensors === w.baseTensors)
  )
  const workerGrowth = last.workers.map((w) => {
    const before = first.workers.find((b) => b.id === w.id)
    return before?.memory && w.memory ? w.memory.rss - before.memory.rss : null
  })
  const hostGrowth = last.hostRss - first.hostRss
  const growths = [hostGrowth, ...workerGrowth.filter((g): g is number => g !== null)]
  console.log(
    `\n${memory.runs} runs in a row in one host (effectiveness, fine-tuning, universality in turn):`
  )
  table(
    ['check', 'result'],
    [
      [
        "numTensors after every job equals the worker's count when it started",
        tensorsKept ? 'yes' : 'NO'
      ],
      [
        'workers replaced (tensors left, memory bound, crashed)',
        `${memory.retired.tensors}, ${memory.retired.memory}, ${memory.retired.crashed}`
      ],
      ['host RSS after run 3 -> after run 20', `${mb(first.hostRss)} -> ${mb(last.hostRss)}`],
      [
        'worker RSS after run 3 -> after run 20',
        last.workers
          .map((w) => {
            const before = first.workers.find((b) => b.id === w.id)
            return `#${w.id}: ${mb(before?.memory?.rss ?? null)} -> ${mb(w.memory?.rss ?? null)} (${w.jobs} jobs)`
          })
          .join('; ')
      ],
      [
        `RSS growth under the bound of ${mb(RSS_GROWTH_BOUND)}`,
        growths.every((g) => g < RSS_GROWTH_BOUND) ? 'yes' : 'NO'
      ],
      [
        // Most of a worker's growth is its first runs filling the wasm heap to its high-water
        // mark; a leak would go on growing over the second half as well.
        'worker RSS growth over the second half (run 10 -> run 20)',
        last.workers
          .map((w) => {
            const mid = memory.samples[9]?.workers.find((b) => b.id === w.id)
            const growth = mid?.memory && w.memory ? w.memory.rss - mid.memory.rss : null
            return `#${w.id}: ${growth === null ? '-' : `${growth >= 0 ? '+' : ''}${mb(growth)}`}`
          })
          .join('; ')
      ]
    ]
  )
}
