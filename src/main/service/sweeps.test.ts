/**
 * Sweeps through the service, on real workers and a real SQLite file: the points of a sweep are
 * the runs the same configs make one by one, its aggregates are their mean and t-interval, a
 * cancel leaves nothing computing, a failed point stops no other, and a resume runs only what
 * is missing.
 */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import { compareNumbers } from '../../shared/history'
import { findMetric } from '../../shared/results'
import type { SweepSummary } from '../../shared/sweepStatus'
import { openLab } from '../host/lab'
import { canListProcesses, workerProcesses } from '../testing/processes'
import { openTempLab, workerEntry as worker, type TempLab } from '../testing/tempLab'
import type { SpawnWorker } from './protocol'
import { nodeWorkerSpawner } from './spawn-node'

const tiny = {
  kind: 'effectiveness',
  d: 10,
  m: 100,
  k: 4,
  theta: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 6, steps: 5 }
}

let lab: TempLab
beforeEach(() => {
  lab = openTempLab('lab-sweep-', { parallelRuns: 2 })
})
afterEach(() => lab.close())

/** t_{0.975, 1}: Student's t with one degree of freedom is Cauchy, t = tan(π (p − 1/2)). */
const T975_ONE_DF = Math.tan(Math.PI * 0.475)

describe('a sweep of 2 fields × 2 values × 2 seeds', () => {
  it('makes 8 runs equal to the same configs run one by one, and aggregates them over seeds', async () => {
    const started = await lab.service.dispatch('startSweep', {
      config: {
        ...tiny,
        sweep: {
          fields: [
            { path: 'theta', values: [2, 4] },
            { path: 'm', values: [100, 200] }
          ],
          seeds: 2,
          seed: 5
        }
      }
    })
    expect(started.children).toHaveLength(8)
    expect(started.status).toBe('queued')
    const finished = await lab.service.sweeps.waitFor(started.id)
    expect(finished).toMatchObject({ status: 'done', total: 8, points: 4, seeds: 2 })
    expect(finished.counts.done).toBe(8)

    const sweep = await lab.service.dispatch('getSweep', { id: started.id })
    const slots = sweep.children.map((c) => [c.values.theta, c.values.m, c.replicate])
    expect(slots).toEqual([
      [2, 100, 0],
      [2, 100, 1],
      [2, 200, 0],
      [2, 200, 1],
      [4, 100, 0],
      [4, 100, 1],
      [4, 200, 0],
      [4, 200, 1]
    ])
    // Two seeds per point, all different.
    expect(new Set(sweep.children.map((c) => c.seed)).size).toBe(8)

    // The same configs, one at a time, as ordinary runs: identical numbers.
    for (const child of sweep.children) {
      const detail = lab.service.getRun(child.id)
      expect(detail.config).toMatchObject({ theta: child.values.theta, m: child.values.m })
      const alone = lab.service.startRun(detail.config)
      expect((await lab.service.waitForRun(alone.id)).status).toBe('done')
      const numbers = compareNumbers(detail, lab.service.getRun(alone.id))
      expect(numbers.differing).toEqual([])
      expect(numbers.compared).toBeGreaterThan(10)
    }

    // Aggregates: the mean and t-interval of the children's own values, per point.
    for (const metric of [
      { model: 'backdoored', name: 'cleanAccuracy' },
      { model: 'run', name: 'lambda50Ratio' }
    ]) {
      const result = await lab.service.dispatch('sweepAggregate', { id: sweep.id, metric })
      expect(result.points).toHaveLength(4)
      for (const point of result.points) {
        const runs = sweep.children.filter((c) => c.point === point.index)
        expect(point.seeds.map((s) => s.runId)).toEqual(runs.map((r) => r.id))
        const values = runs.map(
          (r) => findMetric(lab.service.getRun(r.id), metric.model, metric.name)?.value ?? null
        )
        expect(point.seeds.map((s) => s.value)).toEqual(values)
        const defined = values.filter((v): v is number => v !== null)
        expect(point.aggregate).toMatchObject({ n: defined.length, of: 2 })
        if (defined.length === 2) {
          const [a, b] = defined
          const mean = (a + b) / 2
          const sd = Math.abs(a - b) / Math.SQRT2
          const half = (T975_ONE_DF * sd) / Math.SQRT2
          expect(point.aggregate.mean).toBeCloseTo(mean, 12)
          expect(point.aggregate.sd).toBeCloseTo(sd, 12)
          expect(point.aggregate.lower).toBeCloseTo(mean - half, 10)
          expect(point.aggregate.upper).toBeCloseTo(mean + half, 10)
        }
      }
    }
    // A sweep event told each change of its runs; the last says done.
    const told = lab.events.filter(
      (e): e is { type: 'sweep'; sweep: SweepSummary } => e.type === 'sweep'
    )
    expect(told.length).toBeGreaterThanOrEqual(8)
    expect(told.at(-1)?.sweep).toMatchObject({ id: sweep.id, status: 'done' })
  })
})

describe('what a sweep refuses before saving anything', () => {
  it('a point over the memory budget, naming the swept value and the point', async () => {
    const small = openLab({
      dbPath: join(lab.dir, 'budget.db'),
      host: 'cli',
      worker,
      memoryBudget: 64 * 2 ** 20
    })
    try {
      const error = (await small.service
        .dispatch('startSweep', {
          config: {
            ...tiny,
            d: 100,
            n: 2000,
            sweep: { fields: [{ path: 'm', values: [100, 30000] }], seeds: 2 }
          }
        })
        .catch((e: unknown) => e)) as LabApiError
      expect(error).toBeInstanceOf(LabApiError)
      expect(error.status).toBe(400)
      expect(error.fields).toHaveLength(1)
      expect(error.fields[0].field).toBe('sweep.fields.0.values.1')
      expect(error.fields[0].message).toMatch(/^at m = 30000: /)
      expect(small.store.history.list()).toEqual([])
      expect(small.store.sweeps.list()).toEqual([])
    } finally {
      small.close()
    }
  })

  it('more runs than a sweep may hold, and a metric the kind does not report', async () => {
    const error = (await lab.service
      .dispatch('startSweep', {
        config: {
          ...tiny,
          sweep: { fields: [{ path: 'theta', range: { from: 0, to: 8, steps: 101 } }], seeds: 5 }
        }
      })
      .catch((e: unknown) => e)) as LabApiError
    expect(error.status).toBe(400)
    expect(error.fields[0]).toMatchObject({ field: 'sweep.seeds' })
    expect(error.fields[0].message).toContain('505 runs')
    expect(lab.store.history.list()).toEqual([])

    const sweep = lab.service.sweeps.start({
      ...tiny,
      sweep: { fields: [{ path: 'theta', values: [1] }], seeds: 1 }
    })
    await lab.service.sweeps.waitFor(sweep.id)
    const unknown = (await lab.service
      .dispatch('sweepAggregate', {
        id: sweep.id,
        metric: { model: 'run', name: 'advantage.after' }
      })
      .catch((e: unknown) => e)) as LabApiError
    expect(unknown.status).toBe(400)
    expect(unknown.fields[0].field).toBe('metric.name')
    expect(unknown.message).toContain('run/lambda50Ratio')
  })
})

describe('cancelling a sweep', () => {
  it.skipIf(!canListProcesses)('leaves no run running and no worker process behind', async () => {
    const sweep = lab.service.sweeps.start({
      ...tiny,
      d: 100,
      m: 3000,
      n: 3000,
      nTest: 3000,
      lambdas: { from: 0, to: 8, steps: 120 },
      sweep: { fields: [{ path: 'theta', values: [1, 2, 3] }], seeds: 2 }
    })
    const running = new Set<number>()
    await new Promise<void>((twoRunning) =>
      lab.service.subscribe((e) => {
        if (e.type === 'run' && e.run.sweepId === sweep.id && e.run.status === 'running') {
          running.add(e.run.id)
          if (running.size === 2) twoRunning()
        }
      })
    )
    expect(workerProcesses().length).toBe(2)
    const after = await lab.service.dispatch('cancelSweep', { id: sweep.id })
    expect(after.status).toBe('cancelled')
    expect(after.counts.running + after.counts.queued).toBe(0)
    expect(after.counts.cancelled).toBeGreaterThanOrEqual(4)
    for (const id of running) expect(lab.store.runs.summary(id).status).toBe('cancelled')
    // The database agrees, and the operating system has no worker left.
    expect(lab.store.history.query({ filter: { statuses: ['running', 'queued'] } }).total).toBe(0)
    await expect.poll(() => workerProcesses().length, { timeout: 20_000 }).toBe(0)
  })
})

/** The real worker, but the start message of the `which`-th process is held: it never computes. */
/**
 * Real pool workers, one of which is killed from outside (as the kernel's OOM killer would) just
 * after it is given the `which`-th run to compute.
 */
function killingSpawner(which: number): SpawnWorker {
  const real = nodeWorkerSpawner(worker)
  let started = 0
  return () => {
    const handle = real()
    return {
      ...handle,
      get pid() {
        return handle.pid
      },
      send: (message) => {
        handle.send(message)
        if (message.type === 'start' && ++started === which) process.kill(handle.pid!, 'SIGKILL')
      }
    }
  }
}

describe('a failed point', () => {
  it.skipIf(!canListProcesses)(
    'is reported and stops no other point; resuming runs only it again',
    async () => {
      // One run at a time; the worker computing the second run is killed from outside.
      const one = openLab({
        dbPath: join(lab.dir, 'one.db'),
        host: 'cli',
        worker: killingSpawner(2),
        parallelRuns: 1
      })
      try {
        const sweep = one.service.sweeps.start({
          ...tiny,
          sweep: { fields: [{ path: 'theta', values: [1, 2, 3] }], seeds: 1 }
        })
        const second = sweep.children[1]
        const finished = await one.service.sweeps.waitFor(sweep.id)
        expect(finished.status).toBe('failed')
        expect(finished.counts).toMatchObject({ done: 2, failed: 1 })
        const failed = one.store.runs.summary(second.id)
        expect(failed.status).toBe('failed')
        expect(failed.error).toMatch(/process exited.*SIGKILL/)
        const aggregate = one.service.sweeps.aggregate(sweep.id, {
          model: 'backdoored',
          name: 'cleanAccuracy'
        })
        expect(aggregate.points.map((p) => p.aggregate.of)).toEqual([1, 0, 1])
        expect(aggregate.points[1].seeds[0]).toMatchObject({ runId: second.id, status: 'failed' })

        // Resume: the failed point alone runs again, in its slot, with its config.
        const failedConfig = one.service.getRun(second.id).config
        const resumed = await one.service.dispatch('resumeSweep', { id: sweep.id })
        const again = resumed.children.find((c) => c.point === 1)!
        expect(again.id).not.toBe(second.id)
        expect(resumed.children.filter((c) => c.status === 'done').map((c) => c.id)).toEqual([
          sweep.children[0].id,
          sweep.children[2].id
        ])
        expect(one.store.runs.exists(second.id)).toBe(false)
        expect((await one.service.sweeps.waitFor(sweep.id)).status).toBe('done')
        expect(one.service.getRun(again.id).config).toEqual(failedConfig)
      } finally {
        one.close()
      }
    }
  )
})

describe('deleting', () => {
  it('a run of a sweep leaves a missing point; deleting the sweep deletes its runs', async () => {
    const sweep = lab.service.sweeps.start({
      ...tiny,
      sweep: { fields: [{ path: 'theta', values: [1, 2] }], seeds: 2 }
    })
    await lab.service.sweeps.waitFor(sweep.id)
    await lab.service.dispatch('deleteRuns', { ids: [sweep.children[3].id] })
    const after = await lab.service.dispatch('getSweep', { id: sweep.id })
    expect(after.counts).toMatchObject({ done: 3, missing: 1 })
    expect(after.status).toBe('done')
    const told = lab.events.filter((e) => e.type === 'sweep').at(-1)
    expect(told).toMatchObject({ sweep: { counts: { missing: 1 } } })
    const aggregate = lab.service.sweeps.aggregate(sweep.id, { model: 'clean', name: 'tau' })
    expect(aggregate.points[1].seeds[1]).toMatchObject({ runId: null, status: 'missing' })
    expect(aggregate.points[1].aggregate).toMatchObject({ n: 1, of: 1 })

    expect(await lab.service.dispatch('deleteSweep', { id: sweep.id })).toEqual({
      deleted: 1,
      runs: 3
    })
    expect(lab.store.history.list()).toEqual([])
    expect(lab.events.at(-1)).toEqual({ type: 'sweepDeleted', id: sweep.id })
    const gone = (await lab.service
      .dispatch('getSweep', { id: sweep.id })
      .catch((e: unknown) => e)) as LabApiError
    expect(gone.status).toBe(404)
  })
})

describe('a sweep whose host stopped', () => {
  it('resumes at the next start-up with only its interrupted runs, unless it was cancelled', async () => {
    // Real workers whose start messages are held: the runs never finish before the host stops.
    const held: SpawnWorker = () => ({ ...nodeWorkerSpawner(worker)(), send: () => undefined })
    const dbPath = join(lab.dir, 'stopped.db')
    const first = openLab({ dbPath, host: 'headless', worker: held, parallelRuns: 1 })
    const config = { ...tiny, sweep: { fields: [{ path: 'theta', values: [1, 2] }], seeds: 1 } }
    const kept = first.service.sweeps.start(config)
    const cancelled = first.service.sweeps.start(config)
    first.close()
    const stopped = openLab({ dbPath, host: 'headless', worker, parallelRuns: 2 })
    try {
      expect(stopped.service.sweeps.summary(kept.id).status).toBe('interrupted')
      const after = stopped.service.sweeps.cancel(cancelled.id)
      expect(after.status).toBe('cancelled')
      expect(after.children.map((c) => c.status)).toEqual(['cancelled', 'cancelled'])
    } finally {
      stopped.close()
    }
    const next = openLab({ dbPath, host: 'headless', worker, parallelRuns: 2, resumeSweeps: true })
    try {
      expect(next.service.sweeps.summary(cancelled.id).status).toBe('cancelled')
      const resumed = await next.service.sweeps.waitFor(kept.id)
      expect(resumed).toMatchObject({ status: 'done', counts: { done: 2 } })
      const ids = next.service.sweeps.get(kept.id).children.map((c) => c.id)
      expect(ids.some((id) => kept.children.some((c) => c.id === id))).toBe(false)
      expect(next.store.history.list()).toHaveLength(4)
    } finally {
      next.close()
    }
  })
})
