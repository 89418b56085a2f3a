/**
 * Exports a chart of a sweep (SCIENCE.md section 12): the metric against a swept field (mean,
 * t-interval band, every seed's dot) or, for two fields, the heat map of the mean; as PNG, SVG,
 * PDF or LaTeX from the same spec the sweep's page draws, or its numbers as CSV or JSON, one row
 * per run and one per aggregated point.
 */
import { LabApiError } from '../../shared/api'
import { sweepableFields, sweepMetrics } from '../../kinds/sweep'
import { sweepCaption, sweepChartTitle, sweepMeanSpec } from '../../kinds/sweepCharts'
import { sweepHeatmapSpec } from '../../kinds/sweepHeatmap'
import { xIndex, type SweepChartInput } from '../../kinds/sweepAxes'
import type { AnyChartSpec } from '../../shared/chartEntry'
import { fieldValues } from '../../shared/sweep'
import { pointAggregates } from '../../shared/sweepStatus'
import type { RunStore } from '../store/store'
import { mimeTypes, type ChartExportOptions, type ExportedFile } from './chart'
import { renderFigure } from './render'
import { sweepCsv, sweepJson } from './sweepData'
import { renderTex } from './tex'

export interface SweepChartOptions extends ChartExportOptions {
  sweepId: number
  metric: { model: string; name: string }
  /** The swept field on the x axis: 0 (the first) unless 1 is asked of a sweep of two. */
  x?: 0 | 1
}

function badRequest(message: string, field: string): LabApiError {
  return new LabApiError(message, [{ field, message }], 400)
}

/**
 * A sweep and one metric of it as its charts need them: the fields in the form's words and each
 * point's seeds with their aggregate. A 400 names a metric the kind does not report.
 */
export function sweepChartInput(
  store: RunStore,
  sweepId: number,
  metric: { model: string; name: string }
): SweepChartInput {
  const record = store.sweeps.get(sweepId)
  const known = sweepMetrics(record.kind)
  const found = known.find((m) => m.model === metric.model && m.name === metric.name)
  if (!found) {
    throw badRequest(
      `${metric.model}/${metric.name} is not a metric a ${record.kind} sweep can aggregate; it can: ${known.map((m) => `${m.model}/${m.name}`).join(', ')}`,
      'metric.name'
    )
  }
  const { sweep } = record.parsed
  const labels = new Map(sweepableFields(record.kind).map((f) => [f.path, f.label]))
  const rows = store.sweeps.metricValues(sweepId, metric.model, metric.name)
  return {
    sweep: {
      id: record.id,
      name: record.name,
      kind: record.kind,
      seeds: sweep.seeds,
      sweep,
      fields: sweep.fields.map((f) => ({
        path: f.path,
        label: labels.get(f.path) ?? f.path,
        values: fieldValues(f)
      }))
    },
    aggregate: { sweepId, metric: found, points: pointAggregates(sweep, rows) }
  }
}

/** The spec of a sweep chart: `sweep-mean`, or `sweep-heatmap` for a sweep of two fields. */
export function sweepSpec(input: SweepChartInput, chart: string, x: 0 | 1): AnyChartSpec {
  if (chart === 'sweep-mean') return sweepMeanSpec(input, x)
  if (chart === 'sweep-heatmap') {
    if (input.sweep.fields.length < 2) {
      throw badRequest(
        `sweep ${input.sweep.id} varies one field: its chart is 'sweep-mean' (a heat map needs two)`,
        'chart'
      )
    }
    return sweepHeatmapSpec(input, x)
  }
  throw badRequest(
    `no chart '${chart}' for a sweep; its charts are: sweep-mean${input.sweep.fields.length > 1 ? ', sweep-heatmap' : ''}`,
    'chart'
  )
}

export function sweepChartFileName(input: SweepChartInput, chart: string, format: string): string {
  const { model, name } = input.aggregate.metric
  const metric = `${model}-${name}`.replace(/[^A-Za-z0-9.-]+/g, '-')
  return `sweep-${input.sweep.id}-${chart.replace(/^sweep-/, '')}-${metric}.${format}`
}

export async function exportSweepChart(
  store: RunStore,
  options: SweepChartOptions
): Promise<ExportedFile> {
  const input = sweepChartInput(store, options.sweepId, options.metric)
  const x = xIndex(input, options.x)
  const spec = sweepSpec(input, options.chart, x)
  if (input.aggregate.points.every((p) => p.seeds.every((s) => s.value == null))) {
    throw new LabApiError(
      `sweep ${input.sweep.id} has no value of ${input.aggregate.metric.label} yet: nothing to export`,
      [],
      409
    )
  }
  const kind = options.chart === 'sweep-heatmap' ? 'heatmap' : 'mean'
  const caption = sweepCaption(input, kind, x)
  const title = `${sweepChartTitle(input, kind, x)} (sweep ${input.sweep.id}: ${input.sweep.name})`
  let data: Buffer
  switch (options.format) {
    case 'csv':
      data = Buffer.from(sweepCsv(input), 'utf8')
      break
    case 'json':
      data = Buffer.from(
        JSON.stringify(sweepJson(input, { chart: options.chart, title, caption }), null, 2) + '\n',
        'utf8'
      )
      break
    case 'tex':
      data = Buffer.from(
        renderTex(spec, { widthInches: options.widthInches, title, caption }),
        'utf8'
      )
      break
    default:
      data = await renderFigure(spec, options.format, {
        widthInches: options.widthInches,
        dpi: options.dpi,
        title,
        description: caption
      })
  }
  return {
    fileName: sweepChartFileName(input, options.chart, options.format),
    mimeType: mimeTypes[options.format],
    data
  }
}
