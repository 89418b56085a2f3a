import { describe, expect, it } from 'vitest'
import { estimateBasis, estimateSweepTime, roughDuration } from './sweepEstimate'

const size = (c: unknown) => (c as { m: number }).m
const config = (m: number, theta: number, seed = 1) => ({ kind: 'effectiveness', m, theta, seed })

describe('a sweep’s time from the history', () => {
  it('times a point by runs of its own configuration, whatever their seed', () => {
    const history = [
      { config: config(100, 2, 5), seconds: 10 },
      { config: config(100, 2, 6), seconds: 20 },
      { config: config(100, 4, 5), seconds: 100 }
    ]
    const e = estimateSweepTime([config(100, 2)], 3, history, { parallel: 1, size })
    expect(e).toMatchObject({ seconds: 45, fromRuns: 2, exactPoints: 1, scaledPoints: 0 })
  })

  it('scales the nearest runs by size, divides by the runs at once, never below the longest', () => {
    const history = [
      { config: config(100, 2), seconds: 10 },
      { config: config(400, 4), seconds: 30 },
      { config: config(50, 8), seconds: 1000 } // two fields away: not the nearest
    ]
    // m = 400, θ = 2 is one field from the first two: (10 × 400 / 100 + 30 × 1) / 2 = 35 s a run,
    // 4 seeds on 2 workers: 70 s.
    const e = estimateSweepTime([config(400, 2)], 4, history, { parallel: 2, size })
    expect(e).toMatchObject({ seconds: 70, fromRuns: 2, exactPoints: 0, scaledPoints: 1 })
    expect(e.differing).toEqual(['m', 'theta'])
    // One run on two workers still takes as long as the run.
    expect(estimateSweepTime([config(400, 2)], 1, history, { parallel: 2, size }).seconds).toBe(35)
  })

  it('has no estimate without a timed run, and says so', () => {
    const e = estimateSweepTime([config(100, 2)], 3, [], { parallel: 2, size })
    expect(e.seconds).toBeNull()
    expect(estimateBasis(e, { noun: 'effectiveness', field: (p) => p })).toBe(
      'No estimate: no finished effectiveness run in the history to time it by.'
    )
  })

  it('says what the estimate rests on', () => {
    const history = [
      { config: config(100, 2), seconds: 10 },
      { config: config(200, 2), seconds: 10 }
    ]
    const e = estimateSweepTime([config(100, 2), config(100, 3)], 2, history, {
      parallel: 2,
      size
    })
    expect(
      estimateBasis(e, { noun: 'effectiveness', field: (p) => (p === 'theta' ? 'θ' : p) })
    ).toBe(
      'From 1 finished effectiveness run in the history: 1 point timed by runs of the same configuration; 1 point scaled by peak memory from the nearest runs (they differ in θ); 2 runs at a time.'
    )
    expect(roughDuration(42)).toBe('about 42 s')
    expect(roughDuration(200)).toBe('about 3 min')
    expect(roughDuration(3 * 3600 + 600)).toBe('about 3 h 10 min')
  })
})
