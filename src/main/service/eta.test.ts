import { describe, expect, it } from 'vitest'
import { collectingReporter, costedSteps } from '../lab/reporter'
import { EtaEstimator } from './eta'

describe('EtaEstimator', () => {
  it('follows the rate of the phase the run is in, over the recent half of its reports', () => {
    // 10% of the work per second for 4 s, then 10% per 2 s: after 8 s, 1 s/10% is history.
    const eta = new EtaEstimator()
    for (let t = 1; t <= 4; t++) eta.update(0.1 * t, 1000 * t, 0)
    eta.update(0.5, 6000, 0)
    eta.update(0.6, 8000, 0)
    // Measured from the report at 4 s, the last one before half the time since the first (5.5 s).
    expect(eta.update(0.7, 10000, 0)).toBeCloseTo(6, 9)
  })

  it('takes the rate from the reports, so a slow start does not inflate the time left', () => {
    // 5 s before the first report (10% of the work), then 1 s per further 10%.
    const eta = new EtaEstimator()
    expect(eta.update(0, 1000, 0)).toBeNull()
    expect(eta.update(0.1, 5000, 0)).toBeCloseTo(45, 9) // from the start until a second report
    expect(eta.update(0.2, 6000, 0)).toBeCloseTo(8, 9)
    expect(eta.update(0.5, 9000, 0)).toBeCloseTo(5, 9)
    expect(eta.update(0.9, 13000, 0)).toBeCloseTo(1, 9)
    expect(eta.update(1, 14000, 0)).toBe(0)
  })
})

describe('costedSteps', () => {
  it('reports each step with the share of the total cost done so far', () => {
    const reporter = collectingReporter()
    const seen: [string, number, number, number | undefined][] = []
    reporter.progress = (phase, step, total, work) => void seen.push([phase, step, total, work])
    const tick = costedSteps(reporter, [1, 3, 0, 4])
    for (const phase of ['a', 'b', 'c', 'd']) tick(phase)
    expect(seen).toEqual([
      ['a', 1, 4, 1 / 8],
      ['b', 2, 4, 4 / 8],
      ['c', 3, 4, 4 / 8],
      ['d', 4, 4, 1]
    ])
  })
})
