import { describe, expect, it } from 'vitest'
import type { Progress, RunStatus } from './results'
import { sweepChildren, sweepSchema } from './sweep'
import {
  pointAggregates,
  sweepCounts,
  sweepEta,
  sweepProgress,
  sweepStatus,
  sweepTimes
} from './sweepStatus'

const T0 = Date.parse('2025-01-01T00:00:00Z')
const at = (s: number) => new Date(T0 + s * 1000).toISOString()

function child(
  status: RunStatus,
  times: { created?: number; started?: number; finished?: number } = {},
  progress: Progress | null = null
) {
  return {
    status,
    createdAt: at(times.created ?? 0),
    startedAt: times.started === undefined ? null : at(times.started),
    finishedAt: times.finished === undefined ? null : at(times.finished),
    progress
  }
}

const statusOf = (...statuses: RunStatus[]) =>
  sweepStatus(
    sweepCounts(
      statuses.map((s) => ({ status: s })),
      statuses.length
    )
  )

describe('a sweep’s state from its runs', () => {
  it('runs while any run runs or waits behind finished ones; waits while all wait', () => {
    expect(statusOf('queued', 'queued')).toBe('queued')
    expect(statusOf('done', 'queued')).toBe('running')
    expect(statusOf('running', 'failed', 'queued')).toBe('running')
  })

  it('once nothing is left to compute: interrupted, else cancelled, else failed, else done', () => {
    expect(statusOf('done', 'failed', 'cancelled', 'interrupted')).toBe('interrupted')
    expect(statusOf('done', 'failed', 'cancelled')).toBe('cancelled')
    expect(statusOf('done', 'failed', 'done')).toBe('failed')
    expect(statusOf('done', 'done')).toBe('done')
  })

  it('counts runs per status and the slots whose run is missing', () => {
    const counts = sweepCounts([{ status: 'done' }, { status: 'failed' }], 5)
    expect(counts).toEqual({
      queued: 0,
      running: 0,
      done: 1,
      failed: 1,
      cancelled: 0,
      interrupted: 0,
      missing: 3
    })
    // A deleted run does not make a finished sweep unfinished.
    expect(sweepStatus(counts)).toBe('failed')
    expect(sweepStatus(sweepCounts([], 4))).toBe('cancelled')
  })
})

describe('a sweep’s time left', () => {
  it('is the work left divided by the throughput since the sweep began computing', () => {
    // Created at 0; at 60 s three runs are done, one is half done and four wait: 3.5 runs' work
    // in 60 s, 4.5 left.
    const children = [
      child('done', { started: 1, finished: 20 }),
      child('done', { started: 2, finished: 40 }),
      child('done', { started: 20, finished: 55 }),
      child('running', { started: 40 }, { phase: 'λ grid', step: 5, total: 10, etaSeconds: 3 }),
      ...Array.from({ length: 4 }, () => child('queued'))
    ]
    expect(sweepEta(children, T0 + 60_000)).toBeCloseTo(4.5 / (3.5 / 60), 10)
    expect(sweepProgress(children)).toBeCloseTo(3.5 / 8, 12)
  })

  it('counts only runs finished since a resume, and is unknown before anything progressed', () => {
    // Done long ago; resumed at 1000 s with two runs queued and one started.
    const old = child('done', { created: 0, started: 1, finished: 10 })
    const waiting = [
      child('queued', { created: 1000 }),
      child('running', { created: 1000, started: 1001 })
    ]
    expect(sweepEta([old, ...waiting], T0 + 1010_000)).toBeNull()
    const finished = child('done', { created: 1000, started: 1001, finished: 1019 })
    // One run in 20 s since the resume, two left.
    expect(sweepEta([old, finished, ...waiting], T0 + 1020_000)).toBeCloseTo(40, 10)
    expect(sweepEta([old, finished], T0 + 1020_000)).toBeNull()
  })

  it('starts at the first run started and ends at the last run finished', () => {
    const children = [
      child('done', { started: 5, finished: 30 }),
      child('failed', { started: 3, finished: 10 })
    ]
    expect(sweepTimes(children)).toEqual({ startedAt: at(3), finishedAt: at(30) })
    expect(sweepTimes([...children, child('queued')]).finishedAt).toBeNull()
  })
})

describe('a metric per point', () => {
  it('aggregates the done seeds of each point and names a missing one by the seed it would have', () => {
    const sweep = sweepSchema.parse({ fields: [{ path: 'theta', values: [1, 2] }], seeds: 3 })
    const slots = sweepChildren({ seed: 0 }, sweep)
    const rows = slots
      .filter((s) => !(s.point === 1 && s.replicate === 2))
      .map((s, i) => ({
        runId: i + 1,
        point: s.point,
        replicate: s.replicate,
        status: (s.point === 1 && s.replicate === 0 ? 'failed' : 'done') as RunStatus,
        seed: s.seed,
        value: s.point === 0 ? [0.5, 0.7, 0.9][s.replicate] : 0.4
      }))
    const [first, second] = pointAggregates(sweep, rows)
    expect(first.values).toEqual({ theta: 1 })
    expect(first.aggregate).toMatchObject({ n: 3, of: 3 })
    expect(first.aggregate.mean).toBeCloseTo(0.7, 12)
    expect(first.aggregate.sd).toBeCloseTo(0.2, 12)
    // Point 2: seed 0 failed, seed 1 done, seed 2's run deleted.
    expect(second.seeds.map((s) => s.status)).toEqual(['failed', 'done', 'missing'])
    expect(second.seeds[2]).toMatchObject({ runId: null, value: null, seed: slots[5].seed })
    expect(second.aggregate).toMatchObject({ mean: 0.4, n: 1, of: 1, lower: null })
  })
})
