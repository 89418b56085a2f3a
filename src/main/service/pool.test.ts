/**
 * The worker pool with real worker processes (the TypeScript worker through tsx) and a real
 * SQLite file: reuse, replacement after a crash and a cancel, tensors left behind, the part of a
 * run handed to a second worker (fine-tuning's second model, universality's clean-encoder twin),
 * and no process left after the service stops.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { finetuneConfigSchema } from '../../kinds/finetune/config'
import { universalityConfigSchema } from '../../kinds/universality/config'
import type { RunSummary } from '../../shared/results'
import {
  fastEffectiveness as small,
  openTempLab,
  workerEntry,
  type TempLab
} from '../testing/tempLab'
import { workersFromEnvironment } from './pool'
import type { LabService } from './service'
import { nodeWorkerSpawner } from './spawn-node'

/** Long enough to be cancelled or killed while it computes. */
const big = {
  ...small,
  d: 200,
  m: 20000,
  n: 3000,
  nTest: 3000,
  lambdas: { from: 0, to: 8, steps: 200 }
}
const finetune = finetuneConfigSchema.parse({
  kind: 'finetune',
  d: 20,
  m: 150,
  k: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 4, steps: 5 },
  train: { epochs: 3, batchSize: 32, learningRate: 0.01 }
})

const universality = universalityConfigSchema.parse({
  kind: 'universality',
  d: 12,
  m: 80,
  k: 3,
  n: 150,
  nTest: 150,
  probes: 2,
  randomHeads: 6,
  head: { epochs: 8 }
})

const opened: TempLab[] = []
afterEach(() => {
  for (const lab of opened.splice(0)) lab.close()
})

function open(workers: number, warm: boolean, env?: NodeJS.ProcessEnv) {
  const lab = openTempLab('lab-pool-', {
    worker: nodeWorkerSpawner(workerEntry, { env }),
    parallelRuns: workers,
    warmWorkers: warm
  })
  opened.push(lab)
  return lab.service
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves once the process is gone (a killed process exits; nothing here waits on a clock). */
async function gone(pid: number): Promise<void> {
  while (alive(pid)) await new Promise((done) => setTimeout(done, 20))
}

function running(service: LabService, id: number): Promise<void> {
  return new Promise((done) => {
    const stop = service.subscribe((e) => {
      if (e.type === 'run' && e.run.id === id && e.run.status === 'running') {
        stop()
        done()
      }
    })
  })
}

async function finished(service: LabService, config: unknown): Promise<RunSummary> {
  return service.waitForRun(service.startRun(config).id)
}

const numbers = (service: LabService, id: number) => {
  const run = service.getRun(id)
  return { metrics: run.metrics, series: run.series }
}

describe('the worker pool', () => {
  it('runs one run after another on the same worker, which keeps no tensor from a run', async () => {
    const service = open(1, false)
    const seen: { pid: number | undefined; jobs: number; numTensors?: number }[] = []
    for (const seed of [1, 2, 3]) {
      expect((await finished(service, { ...small, seed })).status).toBe('done')
      const [info] = service.pool.info()
      seen.push({ pid: info.pid, jobs: info.jobs, numTensors: info.memory?.numTensors })
      expect(info.memory?.numTensors).toBe(info.baseTensors)
    }
    expect(new Set(seen.map((s) => s.pid)).size).toBe(1)
    expect(seen.map((s) => s.jobs)).toEqual([1, 2, 3])
    expect(service.pool.retired).toEqual({ tensors: 0, memory: 0, crashed: 0 })
  })

  it('gives the next run the idle worker used longest ago, so that every worker warms up', async () => {
    const service = open(2, true)
    while (service.pool.info().some((w) => w.state !== 'idle')) {
      await new Promise((done) => setTimeout(done, 20))
    }
    for (const seed of [1, 2, 3, 4]) await finished(service, { ...small, seed })
    expect(service.pool.info().map((w) => w.jobs)).toEqual([2, 2])
  })

  it('gives a reused worker the same numbers as a fresh one', async () => {
    const service = open(1, false)
    const first = await finished(service, small)
    await finished(service, { ...small, seed: 9 })
    const again = await finished(service, small)
    expect(service.pool.info()[0].jobs).toBe(3)
    expect(numbers(service, again.id)).toEqual(numbers(service, first.id))
  })

  it('kills and replaces the worker of a cancelled run, and the next run uses the new one', async () => {
    const service = open(1, true)
    const run = service.startRun(big)
    await running(service, run.id)
    const [victim] = service.pool.info()
    expect(service.cancelRun(run.id).status).toBe('cancelled')
    await gone(victim.pid!)
    const next = await finished(service, small)
    expect(next.status).toBe('done')
    const [replacement] = service.pool.info()
    expect(replacement.pid).not.toBe(victim.pid)
    expect(replacement.jobs).toBe(1)
  })

  it('fails a run whose worker crashes, replaces the worker, and runs the next run', async () => {
    const service = open(1, true)
    const run = service.startRun(big)
    await running(service, run.id)
    const [victim] = service.pool.info()
    process.kill(victim.pid!, 'SIGKILL')
    const failed = await service.waitForRun(run.id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/The run's process exited with code null: killed by SIGKILL/)
    expect(service.pool.retired.crashed).toBe(1)
    expect((await finished(service, small)).status).toBe('done')
    expect(service.pool.info().map((w) => w.pid)).not.toContain(victim.pid)
  })

  it('trains the second fine-tuning model in a second worker when one is free', async () => {
    const service = open(2, false)
    const run = await finished(service, finetune)
    expect(run.status).toBe('done')
    const workers = service.pool.info()
    expect(workers).toHaveLength(2)
    // One worker ran the run, the other the clean model it handed over.
    expect(workers.map((w) => w.jobs)).toEqual([1, 1])
    for (const w of workers) expect(w.memory?.numTensors).toBe(w.baseTensors)

    // With one worker the run trains both models itself, with the same numbers.
    const alone = open(1, false)
    const single = await finished(alone, finetune)
    expect(single.status).toBe('done')
    expect(alone.pool.info()).toHaveLength(1)
    expect(numbers(alone, single.id)).toEqual(numbers(service, run.id))
  })

  it("computes a universality run's clean-encoder twin in a second worker, with the same numbers", async () => {
    const service = open(2, false)
    const steps: { step: number; total: number }[] = []
    const stop = service.subscribe((e) => {
      if (e.type === 'progress') steps.push({ step: e.progress.step, total: e.progress.total })
    })
    const run = await finished(service, universality)
    stop()
    expect(run.status, run.error ?? '').toBe('done')
    const workers = service.pool.info()
    expect(workers.map((w) => w.jobs)).toEqual([1, 1])
    for (const w of workers) expect(w.memory?.numTensors).toBe(w.baseTensors)
    // Its progress never went back, and ended at its total.
    expect(steps.every((p, i) => i === 0 || p.step >= steps[i - 1].step)).toBe(true)
    expect(steps.at(-1)!.step).toBe(steps.at(-1)!.total)
    const alone = open(1, false)
    const single = await finished(alone, universality)
    expect(alone.pool.info().map((w) => w.jobs)).toEqual([1])
    expect(numbers(alone, single.id)).toEqual(numbers(service, run.id))
    expect(numbers(service, run.id).metrics.some((m) => m.model.startsWith('cleanEncoder'))).toBe(
      true
    )
  })

  it('runs two fine-tuning runs at once on two workers, with the numbers of one at a time', async () => {
    const service = open(2, false)
    const configs = [finetune, { ...finetune, seed: 2 }]
    const runs = configs.map((c) => service.startRun(c))
    const done = await Promise.all(runs.map((r) => service.waitForRun(r.id)))
    expect(done.map((r) => r.status)).toEqual(['done', 'done'])
    // Each run had a worker of its own; a second one only if the other run had finished.
    expect(service.pool.info()).toHaveLength(2)
    const alone = open(1, false)
    for (const [i, config] of configs.entries()) {
      const reference = await finished(alone, config)
      expect(numbers(service, done[i].id)).toEqual(numbers(alone, reference.id))
    }
  })

  it('leaves no worker process behind when the service stops', async () => {
    const service = open(2, true)
    await finished(service, finetune)
    const pids = service.pool.info().map((w) => w.pid!)
    expect(pids).toHaveLength(2)
    opened.pop()!.close()
    await Promise.all(pids.map(gone))
    expect(pids.filter(alive)).toEqual([])
    expect(service.pool.info()).toEqual([])
  })

  it('fails a run, naming the reason, when no worker can start its backend', async () => {
    const service = open(1, false, { ...process.env, BACKDOOR_LAB_BACKEND: 'abacus' })
    const run = await finished(service, small)
    expect(run.status).toBe('failed')
    expect(run.error).toContain(
      "The run's process could not start: BACKDOOR_LAB_BACKEND must be one of tensorflow, wasm, cpu (got 'abacus')"
    )
    expect((await service.appInfo()).environment).toBeNull()
  })
})

describe('BACKDOOR_LAB_WORKERS', () => {
  it('sets the pool size, and refuses anything but a whole number from 1 to 64', () => {
    expect(workersFromEnvironment({})).toBeUndefined()
    expect(workersFromEnvironment({ BACKDOOR_LAB_WORKERS: '3' })).toBe(3)
    for (const bad of ['0', '1.5', 'many', '65']) {
      expect(() => workersFromEnvironment({ BACKDOOR_LAB_WORKERS: bad })).toThrow(
        `BACKDOOR_LAB_WORKERS must be a whole number from 1 to 64 (got '${bad}')`
      )
    }
  })
})
