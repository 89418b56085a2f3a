/**
 * Chart specs: one chart.js configuration per figure, built by pure code from a run's data, in
 * the paper style (white background, Okabe–Ito palette, readable fonts, 95% bands as filled
 * areas). The renderer draws exactly this spec; export renders the same spec to PNG/SVG/PDF.
 *
 * Everything here is plain data except two tiny callbacks (the legend filter that hides band
 * datasets and the plugin that paints the white background). chart.js is imported for its types
 * only, so this module runs anywhere. No Node, no DOM.
 *
 * This module holds the paper style and the datasets; `chartAxes.ts` the options and axes,
 * `reluCharts.ts` the ASR chart of the random-ReLU kinds.
 */
import type { ChartConfiguration, ChartDataset, ChartType, LegendItem, Plugin } from 'chart.js'
import type { SeriesRecord } from './results'

/**
 * What a figure states beside its plot on paper (exported figures draw it under the legend and
 * captions end with it): the colour of each run on a chart of several, and notes that the marks
 * alone cannot say. Chart.js ignores it: no plugin has this id.
 */
export interface PaperOptions {
  runs?: { tag: string; colour: string }[]
  notes?: string[]
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    paper?: PaperOptions
  }
}

/** Okabe & Ito (2008): distinguishable with every common colour-vision deficiency. */
export const okabeIto = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7'
} as const

export const paperStyle = {
  background: '#ffffff',
  fontFamily:
    "Inter, 'Segoe UI', 'Helvetica Neue', Helvetica, Arial, 'Noto Sans', 'Liberation Sans', sans-serif",
  text: '#1f2328',
  grid: 'rgba(0, 0, 0, 0.08)',
  axis: 'rgba(0, 0, 0, 0.45)',
  tickSize: 12,
  axisTitleSize: 13,
  legendSize: 12,
  /** Width over height of the plot; the renderer keeps it, export picks its own pixel size. */
  aspectRatio: 1.6,
  bandAlpha: 0.18,
  lineWidth: 2,
  theoryDash: [6, 4],
  referenceDash: [2, 3],
  /** Room around the plot (CSS px): at least what the largest marker reaches past it. */
  padding: 8
} as const

/** What each model is called on a chart, and its colour. */
export const modelStyle = {
  clean: { label: 'Clean network', colour: okabeIto.blue },
  backdoored: { label: 'Backdoored network', colour: okabeIto.vermillion },
  'theory.clean': { label: 'Theory, clean (m → ∞)', colour: okabeIto.blue },
  'theory.backdoored': { label: 'Theory, backdoored (m → ∞)', colour: okabeIto.vermillion },
  advantage: { label: 'Backdoor advantage', colour: okabeIto.bluishGreen },
  reference: { label: 'ASR = 0.5', colour: okabeIto.black }
} as const

/** Band datasets carry this in their label; the legend leaves them out, tooltips name them. */
export const BAND_MARK = '95% band'
export const REFERENCE_MARK = 'ASR = 0.5'

export interface ChartPoint {
  x: number
  y: number | null
  /**
   * The x the point stands for, when it is drawn beside it: a bar of class c drawn at c − 0.19.
   * Chart.js ignores it; exported numbers use it.
   */
  at?: number
}
export type LineChartSpec = ChartConfiguration<'line', ChartPoint[]>
export type LineDataset = ChartDataset<'line', ChartPoint[]>

/**
 * How far (CSS px) a marker of this radius and border may reach past the plot area: a point at
 * an axis limit (ASR = 1, the largest λ) is drawn whole instead of cut in half.
 */
export function markerClip(radius: number, borderWidth: number): number {
  return Math.ceil(radius + borderWidth / 2 + 1)
}

/** `#RRGGBB` with an alpha, as `rgba(...)`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

/** Keeps band and reference datasets out of the legend. */
export function legendFilter(item: LegendItem): boolean {
  return !item.text.includes(BAND_MARK) && !item.text.includes(REFERENCE_MARK)
}

/** Paints the canvas white under the chart, so exported images are not transparent. */
export const paperBackground: Plugin<'line'> = {
  id: 'paperBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart
    ctx.save()
    ctx.globalCompositeOperation = 'destination-over'
    ctx.fillStyle = paperStyle.background
    ctx.fillRect(0, 0, width, height)
    ctx.restore()
  }
}

export function bandLabel(label: string, bound: 'lower' | 'upper'): string {
  return `${label} · ${BAND_MARK} ${bound}`
}

export function measured(series: SeriesRecord, label: string, colour: string): LineDataset {
  return {
    label,
    data: series.points.map((p) => ({ x: p.x, y: p.value })),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: paperStyle.lineWidth,
    pointRadius: 2.5,
    pointHoverRadius: 4,
    // A marker at an axis limit is drawn whole, past the plot area (layout padding makes room).
    clip: markerClip(4, paperStyle.lineWidth),
    fill: false,
    spanGaps: false,
    order: 1
  }
}

/** Two datasets, lower then upper; the upper fills down to the lower ('-1'). */
export function band(series: SeriesRecord, label: string, colour: string): LineDataset[] {
  const common = {
    borderColor: 'rgba(0, 0, 0, 0)',
    backgroundColor: withAlpha(colour, paperStyle.bandAlpha),
    borderWidth: 0,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    spanGaps: false,
    order: 3
  }
  return [
    {
      ...common,
      label: bandLabel(label, 'lower'),
      data: series.points.map((p) => ({ x: p.x, y: p.lower ?? null })),
      fill: false
    },
    {
      ...common,
      label: bandLabel(label, 'upper'),
      data: series.points.map((p) => ({ x: p.x, y: p.upper ?? null })),
      fill: '-1'
    }
  ]
}

export function theory(series: SeriesRecord, label: string, colour: string): LineDataset {
  return {
    label,
    data: series.points.map((p) => ({ x: p.x, y: p.value })),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: paperStyle.lineWidth,
    borderDash: [...paperStyle.theoryDash],
    pointRadius: 0,
    pointHoverRadius: 3,
    fill: false,
    spanGaps: false,
    order: 2
  }
}

export function xRange(series: (SeriesRecord | undefined)[]): [number, number] | null {
  const xs = series.flatMap((s) => s?.points.map((p) => p.x) ?? [])
  if (xs.length === 0) return null
  return [Math.min(...xs), Math.max(...xs)]
}

export function hasBand(series: SeriesRecord): boolean {
  return series.points.some((p) => p.lower != null && p.upper != null)
}

/** Points stay visible on short curves; long ones (hundreds of epochs) are drawn as lines. */
export function pointRadiusFor(series: SeriesRecord): number {
  return series.points.length > 60 ? 0 : 2.5
}

export function curve(
  series: SeriesRecord,
  label: string,
  colour: string,
  dash: number[] = []
): LineDataset {
  const radius = pointRadiusFor(series)
  return {
    ...measured(series, label, colour),
    pointRadius: radius,
    ...(dash.length > 0
      ? { borderDash: [...dash], pointBackgroundColor: paperStyle.background }
      : {})
  }
}

export function bandWithAlpha(
  series: SeriesRecord,
  label: string,
  colour: string,
  alpha: number
): LineDataset[] {
  return band(series, label, colour).map((d) => ({
    ...d,
    backgroundColor: withAlpha(colour, alpha)
  }))
}

/** A straight reference line through `points`, unfilled and without markers. */
export function referenceLine(
  label: string,
  points: ChartPoint[],
  colour: string,
  dash: readonly number[]
): LineDataset {
  return {
    label,
    data: points,
    borderColor: withAlpha(colour, 0.55),
    backgroundColor: withAlpha(colour, 0.55),
    borderWidth: 1.5,
    borderDash: [...dash],
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    fill: false,
    order: 4
  }
}

export interface CurveEntry {
  series: SeriesRecord | undefined
  label: string
  colour: string
  dash?: number[]
  bandAlpha?: number
}

/** Bands first (drawn under), then the curves, in the order given. */
export function perModelDatasets(entries: CurveEntry[]): LineDataset[] {
  const present = entries.filter(
    (e): e is CurveEntry & { series: SeriesRecord } => e.series !== undefined
  )
  return [
    ...present
      .filter((e) => hasBand(e.series))
      .flatMap((e) =>
        bandWithAlpha(e.series, e.label, e.colour, e.bandAlpha ?? paperStyle.bandAlpha)
      ),
    ...present.map((e) => curve(e.series, e.label, e.colour, e.dash))
  ]
}
