import type { MetricRecord, SeriesRecord } from '../../shared/results'

/** How an experiment reports what it measures; the service persists each record as it arrives. */
export interface Reporter {
  /**
   * `step` of `total` (what the user reads); `work`, when the steps differ in cost, is the share
   * of the run's estimated work done so far (0 to 1), from which the time left is estimated.
   */
  progress(phase: string, step: number, total: number, work?: number): void
  metric(record: MetricRecord): void
  series(record: SeriesRecord): void
}

/** A reporter that keeps everything in memory: for tests, benchmarks and one-off scripts. */
export function collectingReporter(): Reporter & {
  metricRecords: MetricRecord[]
  seriesRecords: SeriesRecord[]
  metricValue(model: string, name: string): number | null
  seriesOf(model: string, name: string): SeriesRecord
} {
  const metrics: MetricRecord[] = []
  const series: SeriesRecord[] = []
  return {
    metricRecords: metrics,
    seriesRecords: series,
    progress() {},
    metric: (record) => void metrics.push(record),
    series: (record) => void series.push(record),
    metricValue(model, name) {
      const found = metrics.find((r) => r.model === model && r.name === name)
      if (!found) throw new Error(`no metric ${model}.${name}`)
      return found.value
    },
    seriesOf(model, name) {
      const found = series.find((r) => r.model === model && r.name === name)
      if (!found) throw new Error(`no series ${model}.${name}`)
      return found
    }
  }
}

/**
 * Steps that differ in cost: `costs[i]` is the rough cost of step i + 1 (any unit, one unit for
 * the whole run). Each call of the returned function reports the next step, with the share of
 * the run's work done so far.
 */
export function costedSteps(report: Reporter, costs: number[]): (phase: string) => void {
  const total = costs.reduce((a, b) => a + b, 0)
  let step = 0
  let done = 0
  return (phase) => {
    done += costs[step] ?? 0
    step++
    const work = total > 0 ? Math.min(1, done / total) : step / costs.length
    report.progress(phase, step, costs.length, work)
  }
}
