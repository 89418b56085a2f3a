/**
 * Exports one chart of a run as a file: the spec the run's page draws (src/shared/chartRegistry),
 * rendered to PNG, SVG or PDF, or its plotted numbers as CSV or JSON. Used by the service (the
 * app's Export menu) and the CLI alike.
 */
import { LabApiError } from '../../shared/api'
import { chartCaption } from '../../shared/captions'
import { chartEntry, UnknownChartError, type AnyChartSpec } from '../../shared/chartRegistry'
import type { RunDetail } from '../../shared/results'
import { hasPlottedData, plottedCsv, plottedJson } from './data'
import { renderFigure, type FigureFormat } from './render'

export const exportFormats = ['png', 'svg', 'pdf', 'csv', 'json'] as const
export type ExportFormat = (typeof exportFormats)[number]

export const mimeTypes: Record<ExportFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json'
}

export interface ChartExportOptions {
  chart: string
  format: ExportFormat
  /** Figure width on paper (PNG, SVG, PDF). */
  widthInches: number
  /** PNG only. */
  dpi: number
}

export interface ExportedFile {
  fileName: string
  mimeType: string
  data: Buffer
}

function badRequest(message: string, field: string): LabApiError {
  return new LabApiError(message, [{ field, message }], 400)
}

/** The spec of `chart` for these runs; one run today (several will overlay, see ChartEntry). */
export function exportSpec(runs: RunDetail[], chart: string): AnyChartSpec {
  if (runs.length !== 1) {
    throw badRequest(
      `overlaying ${runs.length} runs on one chart is not supported yet: export each run on its own`,
      'runIds'
    )
  }
  const [run] = runs
  let spec: AnyChartSpec
  try {
    spec = chartEntry(run, chart).spec(run)
  } catch (error) {
    if (error instanceof UnknownChartError)
      throw badRequest(`run ${run.id}: ${error.message}`, 'chart')
    throw error
  }
  if (!hasPlottedData(spec)) {
    throw new LabApiError(
      `run ${run.id} (${run.status}) has no data for chart '${chart}' yet: nothing to export`,
      [],
      409
    )
  }
  return spec
}

export function chartFileName(runs: Pick<RunDetail, 'id'>[], chart: string, format: string) {
  return `run-${runs.map((r) => r.id).join('-')}-${chart}.${format}`
}

export async function exportChart(
  runs: RunDetail[],
  options: ChartExportOptions
): Promise<ExportedFile> {
  const spec = exportSpec(runs, options.chart)
  const [run] = runs
  const entry = chartEntry(run, options.chart)
  const caption = chartCaption(run, options.chart)
  const fileName = chartFileName(runs, options.chart, options.format)
  const mimeType = mimeTypes[options.format]
  let data: Buffer
  switch (options.format) {
    case 'csv':
      data = Buffer.from(plottedCsv(spec), 'utf8')
      break
    case 'json': {
      const about = {
        chart: entry.name,
        title: entry.title,
        caption,
        runs: runs.map((r) => ({ id: r.id, name: r.name }))
      }
      data = Buffer.from(JSON.stringify(plottedJson(spec, about), null, 2) + '\n', 'utf8')
      break
    }
    default:
      data = await renderFigure(spec, options.format satisfies FigureFormat, {
        widthInches: options.widthInches,
        dpi: options.dpi,
        title: `${entry.title} (run ${run.id}: ${run.name})`,
        description: caption
      })
  }
  return { fileName, mimeType, data }
}
