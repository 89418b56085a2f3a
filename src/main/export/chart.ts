/**
 * Exports one chart of a run as a file: the spec the run's page draws (src/shared/chartRegistry),
 * rendered to PNG, SVG or PDF, written as LaTeX (pgfplots), or its plotted numbers as CSV or JSON. Several runs export the
 * spec Compare draws (src/shared/overlay), their numbers with a run column; grouped by seed, each
 * seed group as its mean run (src/shared/compareGroups), their numbers with a group column. Used
 * by the service (the app's Export menu) and the CLI alike.
 */
import { LabApiError } from '../../shared/api'
import { chartEntry, comparableEntry, compareCaption, groupedCaption } from '../../kinds/charts'
import { UnknownChartError, type AnyChartSpec, type ChartEntry } from '../../shared/chartEntry'
import { compareColumns, type CompareColumn } from '../../shared/compareGroups'
import { figureKey } from '../../shared/figureKey'
import { MAX_COMPARED_RUNS } from '../../shared/history'
import { overlaySpec } from '../../shared/overlay'
import type { RunDetail } from '../../shared/results'
import { hasPlottedData, plottedCsv, plottedJson, type PlottedColumn } from './data'
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
  /** Each seed group of the runs as one column: its mean with the t-interval over its seeds. */
  grouped?: boolean
}

export interface ExportedFile {
  fileName: string
  mimeType: string
  data: Buffer
}

function badRequest(message: string, field: string): LabApiError {
  return new LabApiError(message, [{ field, message }], 400)
}

/**
 * The columns of a grouped chart (compareColumns): a 400 when they are more than Compare shows.
 * Null when the chart is not grouped.
 */
export function exportColumns(runs: RunDetail[], grouped: boolean): CompareColumn[] | null {
  if (!grouped) return null
  const columns = compareColumns(runs, true)
  if (columns.length > MAX_COMPARED_RUNS) {
    throw badRequest(
      `runIds make ${columns.length} seed groups; a grouped chart takes at most ${MAX_COMPARED_RUNS}`,
      'runIds'
    )
  }
  return columns
}

/**
 * The chart's entry, checked against every run: a 400 naming the first run without it. `shown`
 * is how many curves of runs it overlays (the runs, or grouped, their seed groups).
 */
export function exportEntry(
  runs: RunDetail[],
  chart: string,
  shown: number = runs.length
): ChartEntry {
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
  if (shown > 1 && entry.notOverlaid) {
    const what = shown === runs.length ? 'runs' : 'seed groups'
    throw badRequest(
      `chart '${chart}' cannot overlay ${shown} ${what}: ${entry.notOverlaid}`,
      'runIds'
    )
  }
  return entry
}

/**
 * The spec of `chart` for these runs: the run page's for one run, Compare's overlay (one colour
 * per run) for several.
 */
export function exportSpec(
  runs: RunDetail[],
  chart: string,
  columns: CompareColumn[] | null = null
): AnyChartSpec {
  const entry = exportEntry(runs, chart, columns?.length)
  const spec = columns
    ? overlaySpec(
        columns.map((c) => c.run),
        chart,
        columns.map((c) => c.legend)
      )
    : runs.length === 1
      ? entry.spec(runs[0])
      : overlaySpec(runs, chart)
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
export function figureCaption(
  runs: RunDetail[],
  chart: string,
  spec?: AnyChartSpec,
  columns: CompareColumn[] | null = null
): string {
  const caption = columns ? groupedCaption(columns, chart) : compareCaption(runs, chart)
  const notes = spec ? figureKey(spec).notes : []
  return [caption, ...notes.map((n) => `${n}.`)].join(' ')
}

export function chartFileName(
  runs: Pick<RunDetail, 'id'>[],
  chart: string,
  format: string,
  grouped = false
) {
  return `run-${runs.map((r) => r.id).join('-')}-${chart}${grouped ? '-by-seed-group' : ''}.${format}`
}

/** A grouped chart's columns as its data names them: a group by the runs its means stand on. */
function plottedColumns(columns: CompareColumn[]): PlottedColumn[] {
  return columns.map((c) => ({
    tag: c.tag,
    legend: c.legend,
    runIds: (c.group?.counted ?? c.runs).map((r) => r.id)
  }))
}

/** Whose figure it is, for its title: each run, or each column of a grouped chart. */
function figureWhose(runs: RunDetail[], columns: CompareColumn[] | null): string {
  if (!columns) return runs.map((r) => `run ${r.id}: ${r.name}`).join('; ')
  return columns
    .map((c) =>
      c.group
        ? `${c.legend}: ${c.run.name}, runs ${c.group.counted.map((r) => r.id).join(', ')}`
        : `run ${c.run.id}: ${c.run.name}`
    )
    .join('; ')
}

export async function exportChart(
  runs: RunDetail[],
  options: ChartExportOptions
): Promise<ExportedFile> {
  const columns = exportColumns(runs, options.grouped ?? false)
  const spec = exportSpec(runs, options.chart, columns)
  const entry = exportEntry(runs, options.chart, columns?.length)
  const caption = figureCaption(runs, options.chart, spec, columns)
  const plotted = columns ? { columns: plottedColumns(columns) } : { byRun: runs.length > 1 }
  const fileName = chartFileName(runs, options.chart, options.format, columns !== null)
  const mimeType = mimeTypes[options.format]
  const title = `${entry.title} (${figureWhose(runs, columns)})`
  let data: Buffer
  switch (options.format) {
    case 'csv':
      data = Buffer.from(plottedCsv(spec, plotted), 'utf8')
      break
    case 'json': {
      const about = {
        chart: entry.name,
        title: entry.title,
        caption,
        runs: runs.map((r) => ({ id: r.id, name: r.name })),
        ...(columns
          ? {
              groups: columns.map((c) => ({
                tag: c.tag,
                name: c.run.name,
                runIds: (c.group?.counted ?? c.runs).map((r) => r.id),
                seeds: (c.group?.counted ?? c.runs).map((r) => r.seed)
              }))
            }
          : {})
      }
      data = Buffer.from(JSON.stringify(plottedJson(spec, about, plotted), null, 2) + '\n', 'utf8')
      break
    }
    case 'tex':
      data = Buffer.from(
        renderTex(spec, { widthInches: options.widthInches, title, caption }),
        'utf8'
      )
      break
    default:
      data = await renderFigure(spec, options.format satisfies FigureFormat, {
        widthInches: options.widthInches,
        dpi: options.dpi,
        title,
        description: caption
      })
  }
  return { fileName, mimeType, data }
}
