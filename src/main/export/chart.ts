/**
 * Exports one chart of a run as a file: the spec the run's page draws (src/shared/chartRegistry),
 * rendered to PNG, SVG or PDF, written as LaTeX (pgfplots), or its plotted numbers as CSV or JSON. Several runs export the
 * spec Compare draws (src/shared/overlay), their numbers with a run column. Used by the service
 * (the app's Export menu) and the CLI alike.
 */
import { LabApiError } from '../../shared/api'
import { chartEntry, comparableEntry, compareCaption } from '../../kinds/charts'
import { UnknownChartError, type AnyChartSpec, type ChartEntry } from '../../shared/chartEntry'
import { figureKey } from '../../shared/figureKey'
import { overlaySpec } from '../../shared/overlay'
import type { RunDetail } from '../../shared/results'
import { hasPlottedData, plottedCsv, plottedJson } from './data'
import { renderFigure, type FigureFormat } from './render'
import { renderTex } from './tex'

export const exportFormats = ['png', 'svg', 'pdf', 'tex', 'csv', 'json'] as const
export type ExportFormat = (typeof exportFormats)[number]

export const mimeTypes: Record<ExportFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  tex: 'application/x-tex',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json'
}

export interface ChartExportOptions {
  chart: string
  format: ExportFormat
  /** Figure width on paper (PNG, SVG, PDF, LaTeX). */
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

/** The chart's entry, checked against every run: a 400 naming the first run without it. */
export function exportEntry(runs: RunDetail[], chart: string): ChartEntry {
  let entry: ChartEntry | undefined
  for (const run of runs) {
    try {
      // Alone, a run exports its own charts; with others, also those it compares on.
      entry = runs.length === 1 ? chartEntry(run, chart) : comparableEntry(run, chart)
    } catch (error) {
      if (error instanceof UnknownChartError)
        throw badRequest(`run ${run.id}: ${error.message}`, 'chart')
      throw error
    }
  }
  if (!entry) throw badRequest('runIds must name at least one run', 'runIds')
  if (runs.length > 1 && entry.notOverlaid) {
    throw badRequest(
      `chart '${chart}' cannot overlay ${runs.length} runs: ${entry.notOverlaid}`,
      'runIds'
    )
  }
  return entry
}

/**
 * The spec of `chart` for these runs: the run page's for one run, Compare's overlay (one colour
 * per run) for several.
 */
export function exportSpec(runs: RunDetail[], chart: string): AnyChartSpec {
  const entry = exportEntry(runs, chart)
  const spec = runs.length === 1 ? entry.spec(runs[0]) : overlaySpec(runs, chart)
  if (!hasPlottedData(spec)) {
    const which = runs.map((r) => `${r.id} (${r.status})`).join(', ')
    throw new LabApiError(
      `${runs.length === 1 ? 'run' : 'runs'} ${which} ${runs.length === 1 ? 'has' : 'have'} no data for chart '${chart}' yet: nothing to export`,
      [],
      409
    )
  }
  return spec
}

/**
 * The caption of a figure: what it shows, for which runs (compareCaption), then the notes its
 * key states (identical curves, an advantage that is 0 by construction), when it has a spec.
 */
export function figureCaption(runs: RunDetail[], chart: string, spec?: AnyChartSpec): string {
  const caption = compareCaption(runs, chart)
  const notes = spec ? figureKey(spec).notes : []
  return [caption, ...notes.map((n) => `${n}.`)].join(' ')
}

export function chartFileName(runs: Pick<RunDetail, 'id'>[], chart: string, format: string) {
  return `run-${runs.map((r) => r.id).join('-')}-${chart}.${format}`
}

export async function exportChart(
  runs: RunDetail[],
  options: ChartExportOptions
): Promise<ExportedFile> {
  const spec = exportSpec(runs, options.chart)
  const entry = exportEntry(runs, options.chart)
  const caption = figureCaption(runs, options.chart, spec)
  const byRun = runs.length > 1
  const fileName = chartFileName(runs, options.chart, options.format)
  const mimeType = mimeTypes[options.format]
  let data: Buffer
  switch (options.format) {
    case 'csv':
      data = Buffer.from(plottedCsv(spec, { byRun }), 'utf8')
      break
    case 'json': {
      const about = {
        chart: entry.name,
        title: entry.title,
        caption,
        runs: runs.map((r) => ({ id: r.id, name: r.name }))
      }
      data = Buffer.from(
        JSON.stringify(plottedJson(spec, about, { byRun }), null, 2) + '\n',
        'utf8'
      )
      break
    }
    case 'tex':
      data = Buffer.from(
        renderTex(spec, {
          widthInches: options.widthInches,
          title: `${entry.title} (${runs.map((r) => `run ${r.id}: ${r.name}`).join('; ')})`,
          caption
        }),
        'utf8'
      )
      break
    default:
      data = await renderFigure(spec, options.format satisfies FigureFormat, {
        widthInches: options.widthInches,
        dpi: options.dpi,
        title: `${entry.title} (${runs.map((r) => `run ${r.id}: ${r.name}`).join('; ')})`,
        description: caption
      })
  }
  return { fileName, mimeType, data }
}
