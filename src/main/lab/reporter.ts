import type { MetricRecord, SeriesRecord } from '../../shared/results'

/** How an experiment reports what it measures; the service persists each record as it arrives. */
export interface Reporter {
  progress(phase: string, step: number, total: number): void
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
