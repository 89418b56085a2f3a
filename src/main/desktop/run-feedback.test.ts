import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../shared/results'
import {
  finishedRunNotice,
  formatDuration,
  LONG_RUN_SECONDS,
  TaskbarProgress
} from './run-feedback'

function run(id: number, changes: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    kind: 'effectiveness',
    status: 'running',
    seed: 1,
    backend: 'wasm',
    appVersion: '0.1.0',
    createdAt: '2026-01-01T10:00:00.000Z',
    startedAt: '2026-01-01T10:00:00.000Z',
    finishedAt: null,
    error: null,
    notes: '',
    tags: [],
    progress: null,
    ...changes
  }
}

const progress = (runId: number, step: number, total: number) =>
  ({ type: 'progress', runId, progress: { phase: 'p', step, total, etaSeconds: null } }) as const

describe('the taskbar progress bar', () => {
  it('is absent (-1) while nothing computes', () => {
    expect(new TaskbarProgress().value()).toBe(-1)
  })

  it('averages the runs in flight, each weighing the same whatever its steps', () => {
    const bar = new TaskbarProgress()
    bar.update({ type: 'run', run: run(1) })
    bar.update({ type: 'run', run: run(2, { status: 'queued' }) })
    expect(bar.value()).toBe(0)
    bar.update(progress(1, 50, 100))
    expect(bar.value()).toBe(0.25)
    bar.update(progress(2, 3, 4))
    expect(bar.value()).toBe(0.63) // (0.5 + 0.75) / 2, to two decimals
  })

  it('drops finished, cancelled and deleted runs, and goes away with the last', () => {
    const bar = new TaskbarProgress()
    for (const id of [1, 2, 3]) bar.update({ type: 'run', run: run(id) })
    bar.update(progress(1, 1, 2))
    expect(bar.update({ type: 'run', run: run(2, { status: 'cancelled' }) })).toBe(0.25)
    expect(bar.update({ type: 'deleted', ids: [3] })).toBe(0.5)
    expect(bar.update({ type: 'run', run: run(1, { status: 'done' }) })).toBe(-1)
  })

  it('ignores progress of runs it does not know and reports no change as null', () => {
    const bar = new TaskbarProgress()
    expect(bar.update(progress(9, 1, 2))).toBeNull()
    bar.update({ type: 'run', run: run(1) })
    expect(bar.update(progress(1, 0, 10))).toBeNull()
    expect(bar.update({ type: 'data', runId: 1 })).toBeNull()
  })
})

describe('the notification of a finished run', () => {
  const finished = (seconds: number, changes: Partial<RunSummary> = {}) =>
    run(4, {
      status: 'done',
      finishedAt: new Date(Date.parse('2026-01-01T10:00:00.000Z') + seconds * 1000).toISOString(),
      ...changes
    })

  it('comes for a long run that finished while the window was not focused', () => {
    expect(finishedRunNotice(finished(72), false)).toEqual({
      title: 'Run #4 finished',
      body: 'run 4: done in 1 min 12 s.'
    })
    expect(finishedRunNotice(finished(LONG_RUN_SECONDS), false)).not.toBeNull()
  })

  it('says a failure and its error', () => {
    expect(
      finishedRunNotice(finished(40, { status: 'failed', error: 'out of memory' }), false)
    ).toEqual({ title: 'Run #4 failed', body: 'run 4: failed after 40 s: out of memory' })
  })

  it('stays away for a short run, a focused window, a cancel, or unknown times', () => {
    expect(finishedRunNotice(finished(LONG_RUN_SECONDS - 1), false)).toBeNull()
    expect(finishedRunNotice(finished(600), true)).toBeNull()
    expect(finishedRunNotice(finished(600, { status: 'cancelled' }), false)).toBeNull()
    expect(finishedRunNotice(finished(600, { startedAt: null }), false)).toBeNull()
  })

  it('writes durations in seconds, minutes and hours', () => {
    expect(formatDuration(59.4)).toBe('59 s')
    expect(formatDuration(3599)).toBe('59 min 59 s')
    expect(formatDuration(3 * 3600 + 5 * 60)).toBe('3 h 5 min')
  })
})
