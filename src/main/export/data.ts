/**
 * The numbers a chart plots, read back from its spec (so they are exactly what is drawn): one row
 * per point of every drawn series, with the series' 95% band beside it when it has one. Band
 * datasets (the lower and upper edges of a shaded area) and whiskers (vertical interval segments)
 * are folded into the series they belong to; a bar's outline is left out for the points that
 * carry its values.
 */
import type { AnyChartSpec } from '../../shared/chartEntry'
import { BAND_MARK, bandLabel } from '../../shared/charts'
import { untag, untagBy } from '../../shared/overlay'

export interface PlottedRow {
  series: string
  x: number | string
  y: number | null
  lower: number | null
  upper: number | null
}

export interface PlottedSeries {
  /** On a chart of several runs: the run the series belongs to (null: a line all runs share). */
  run?: number | null
  /** On a grouped chart: the column (`A`, `#9`) the series belongs to (null: a shared line). */
  group?: string | null
  /** On a grouped chart: the runs of its column whose mean it is (empty: a shared line). */
  runs?: number[]
  label: string
  points: Omit<PlottedRow, 'series'>[]
}

/** A column of a grouped chart: its tag, the legend its labels start with, its counted runs. */
export interface PlottedColumn {
  tag: string
  legend: string
  runIds: number[]
}

/**
 * On a chart of several runs, each series names its run apart from its label; on a grouped one
 * (`columns`), its column and that column's runs.
 */
export interface PlottedOptions {
  byRun?: boolean
  columns?: PlottedColumn[]
}

function byRunSeries(series: PlottedSeries[]): PlottedSeries[] {
  return series.map((s) => {
    const { run, label } = untag(s.label)
    return { run, label, points: s.points }
  })
}

function byColumnSeries(series: PlottedSeries[], columns: PlottedColumn[]): PlottedSeries[] {
  const legends = columns.map((c) => c.legend)
  return series.map((s) => {
    const { tag, label } = untagBy(s.label, legends)
    const column = columns.find((c) => c.legend === tag)
    return { group: column?.tag ?? null, runs: column?.runIds ?? [], label, points: s.points }
  })
}

interface Dataset {
  label?: string
  data: unknown[]
  showLine?: boolean
}

/** A point as chart.js reads it: {x, y}, or a bare value against the chart's labels. */
function point(
  spec: AnyChartSpec,
  raw: unknown,
  index: number
): { x: number | string; y: number | null } {
  if (raw !== null && typeof raw === 'object' && 'x' in raw) {
    const { x, y } = raw as { x: number | string; y?: number | null }
    return { x, y: y ?? null }
  }
  const labels = (spec.data.labels ?? []) as unknown[]
  const x = labels[index]
  return {
    x: typeof x === 'number' || typeof x === 'string' ? x : index,
    y: typeof raw === 'number' ? raw : null
  }
}

function isBand(label: string): boolean {
  return label.includes(BAND_MARK)
}

/** The label of the series a whisker dataset (`label · 95% band`) draws the intervals of. */
function whiskersOf(label: string): string | null {
  const suffix = ` · ${BAND_MARK}`
  return label.endsWith(suffix) ? label.slice(0, -suffix.length) : null
}

/**
 * Whiskers as (x → [lower, upper]): a whisker is a vertical segment, two points at one x
 * (lower, upper) and a gap.
 */
function whiskerEdges(spec: AnyChartSpec, whiskers: Dataset | undefined) {
  const edges = new Map<number | string, { lower: number; upper: number }>()
  whiskers?.data.forEach((raw, i) => {
    const p = point(spec, raw, i)
    if (p.y === null) return
    const seen = edges.get(p.x)
    edges.set(
      p.x,
      seen
        ? { lower: Math.min(seen.lower, p.y), upper: Math.max(seen.upper, p.y) }
        : { lower: p.y, upper: p.y }
    )
  })
  return edges
}

/** The plotted series of a spec in the order it draws them, bands folded into their series. */
export function plottedSeries(spec: AnyChartSpec): PlottedSeries[] {
  const datasets = spec.data.datasets as Dataset[]
  const byLabel = new Map(datasets.map((d) => [d.label ?? '', d]))
  // Bars are drawn twice under one label: the outline (shape only) and points at the bar tops
  // (showLine: false) that carry the values. The values are what was plotted.
  const valuesOf = new Map<string, Dataset>()
  for (const d of datasets) if (d.showLine === false) valuesOf.set(d.label ?? '', d)
  const used = new Set<Dataset>()
  const out: PlottedSeries[] = []
  for (const dataset of datasets) {
    const label = dataset.label ?? ''
    if (isBand(label)) continue
    const carrier = valuesOf.get(label)
    if (carrier && carrier !== dataset) {
      used.add(dataset)
      continue
    }
    const lower = byLabel.get(bandLabel(label, 'lower'))
    const upper = byLabel.get(bandLabel(label, 'upper'))
    const whiskers = datasets.find((d) => whiskersOf(d.label ?? '') === label)
    for (const d of [dataset, lower, upper, whiskers]) if (d) used.add(d)
    // Band points are matched by x, not by position, so a band never shifts against its curve.
    const edge = (band: Dataset | undefined) => {
      const map = new Map<number | string, number | null>()
      band?.data.forEach((raw, i) => {
        const p = point(spec, raw, i)
        map.set(p.x, p.y)
      })
      return map
    }
    const lowerAt = edge(lower)
    const upperAt = edge(upper)
    const whiskerAt = whiskerEdges(spec, whiskers)
    out.push({
      label,
      points: dataset.data.map((raw, i) => {
        const p = point(spec, raw, i)
        // Bands and whiskers match the drawn x; the row names the x the point stands for.
        const at = (raw as { at?: unknown } | null)?.at
        return {
          ...p,
          ...(typeof at === 'number' ? { x: at } : {}),
          lower: lowerAt.get(p.x) ?? whiskerAt.get(p.x)?.lower ?? null,
          upper: upperAt.get(p.x) ?? whiskerAt.get(p.x)?.upper ?? null
        }
      })
    })
  }
  // A band without its curve (not built today) still exports its edges.
  for (const dataset of datasets) {
    if (used.has(dataset)) continue
    out.push({
      label: dataset.label ?? '',
      points: dataset.data.map((raw, i) => ({ ...point(spec, raw, i), lower: null, upper: null }))
    })
  }
  return out
}

export function plottedRows(spec: AnyChartSpec): PlottedRow[] {
  return plottedSeries(spec).flatMap((s) => s.points.map((p) => ({ series: s.label, ...p })))
}

/** The rows of a chart of several runs: the run in its own column, the series as its run names it. */
export function plottedRowsByRun(spec: AnyChartSpec): (PlottedRow & { run: number | null })[] {
  return byRunSeries(plottedSeries(spec)).flatMap((s) =>
    s.points.map((p) => ({ run: s.run ?? null, series: s.label, ...p }))
  )
}

/** The rows of a grouped chart: the column and its runs first, the series as its column names it. */
export function plottedRowsByColumn(
  spec: AnyChartSpec,
  columns: PlottedColumn[]
): (PlottedRow & { group: string | null; runs: string })[] {
  return byColumnSeries(plottedSeries(spec), columns).flatMap((s) =>
    s.points.map((p) => ({
      group: s.group ?? null,
      runs: (s.runs ?? []).join(' '),
      series: s.label,
      ...p
    }))
  )
}

/** Whether the spec draws anything at all: some series with some number. */
export function hasPlottedData(spec: AnyChartSpec): boolean {
  return plottedRows(spec).some((r) => r.y !== null || r.lower !== null || r.upper !== null)
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  const text = typeof value === 'number' ? String(value) : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const CSV_COLUMNS = ['series', 'x', 'y', 'lower', 'upper'] as const
/** The columns of a chart of several runs: the run id first (empty for a shared line). */
export const CSV_COLUMNS_BY_RUN = ['run', ...CSV_COLUMNS] as const
/**
 * The columns of a grouped chart: the column's tag (`A`, `#9`; empty for a shared line) and the
 * ids of the runs it averages, separated by spaces.
 */
export const CSV_COLUMNS_BY_GROUP = ['group', 'runs', ...CSV_COLUMNS] as const

/**
 * CSV of the plotted points: a header, then one line per point. Numbers are written in their
 * shortest exact form (they read back to the same doubles); an empty cell is no value.
 */
export function plottedCsv(spec: AnyChartSpec, options: PlottedOptions = {}): string {
  const lines: string[] = []
  if (options.columns) {
    lines.push(CSV_COLUMNS_BY_GROUP.join(','))
    for (const row of plottedRowsByColumn(spec, options.columns))
      lines.push(CSV_COLUMNS_BY_GROUP.map((c) => csvField(row[c])).join(','))
  } else if (options.byRun) {
    lines.push(CSV_COLUMNS_BY_RUN.join(','))
    for (const row of plottedRowsByRun(spec))
      lines.push(CSV_COLUMNS_BY_RUN.map((c) => csvField(row[c])).join(','))
  } else {
    lines.push(CSV_COLUMNS.join(','))
    for (const row of plottedRows(spec))
      lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

function axisTitle(spec: AnyChartSpec, axis: 'x' | 'y'): string | null {
  const scales = (spec.options as { scales?: Record<string, { title?: { text?: unknown } }> })
    ?.scales
  const text = scales?.[axis]?.title?.text
  return typeof text === 'string' ? text : Array.isArray(text) ? text.join(' ') : null
}

export interface PlottedJson {
  chart: string
  title: string
  caption: string
  runs: { id: number; name: string }[]
  /** On a grouped chart: each column, a seed group by the runs and seeds its means stand on. */
  groups?: { tag: string; name: string; runIds: number[]; seeds: number[] }[]
  axes: { x: string | null; y: string | null }
  series: PlottedSeries[]
}

export function plottedJson(
  spec: AnyChartSpec,
  about: Omit<PlottedJson, 'axes' | 'series'>,
  options: PlottedOptions = {}
): PlottedJson {
  const series = plottedSeries(spec)
  return {
    ...about,
    axes: { x: axisTitle(spec, 'x'), y: axisTitle(spec, 'y') },
    series: options.columns
      ? byColumnSeries(series, options.columns)
      : options.byRun
        ? byRunSeries(series)
        : series
  }
}
