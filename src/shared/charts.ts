/**
 * Chart specs: one chart.js configuration per figure, built by pure code from a run's data, in
 * the paper style (white background, Okabe–Ito palette, readable fonts, 95% bands as filled
 * areas). The renderer draws exactly this spec; export renders the same spec to PNG/SVG/PDF.
 *
 * Everything here is plain data except two tiny callbacks (the legend filter that hides band
 * datasets and the plugin that paints the white background). chart.js is imported for its types
 * only, so this module runs anywhere. No Node, no DOM.
 */
import type {
  ChartConfiguration,
  ChartDataset,
  ChartType,
  LegendItem,
  Plugin,
  ScriptableScaleContext
} from 'chart.js'
import type { RunDetail, SeriesRecord } from './results'
import { significant } from './format'
import { findSeries } from './results'

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

export function axisTitle(text: string) {
  return {
    display: true,
    text,
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.axisTitleSize, weight: 500 }
  }
}

export function ticks() {
  return {
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.tickSize }
  }
}

export function baseOptions(
  xTitle: string,
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number },
  x: [number, number] | null
): NonNullable<LineChartSpec['options']> {
  return {
    responsive: true,
    maintainAspectRatio: true,
    aspectRatio: paperStyle.aspectRatio,
    animation: false,
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.tickSize },
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    layout: { padding: paperStyle.padding },
    scales: {
      x: {
        type: 'linear',
        ...(x ? { min: x[0], max: x[1] } : {}),
        title: axisTitle(xTitle),
        ticks: ticks(),
        grid: { color: paperStyle.grid },
        border: { color: paperStyle.axis }
      },
      y: {
        type: 'linear',
        ...y,
        title: axisTitle(yTitle),
        ticks: ticks(),
        grid: { color: paperStyle.grid },
        border: { color: paperStyle.axis }
      }
    },
    plugins: {
      legend: {
        display: true,
        position: 'bottom',
        labels: {
          color: paperStyle.text,
          font: { family: paperStyle.fontFamily, size: paperStyle.legendSize },
          boxWidth: 28,
          boxHeight: 2,
          padding: 14,
          filter: legendFilter
        }
      },
      tooltip: { enabled: true },
      filler: { propagate: false }
    }
  }
}

/**
 * ASR(λ) (SCIENCE.md section 5): the clean and backdoored networks as measured, each with its
 * 95% Wilson band, and the large-width theory of each as a dashed curve; a dotted line marks
 * ASR = 0.5, where λ50 is read. Series that the run has not produced (yet) are left out.
 */
export function asrChartSpec(run: Pick<RunDetail, 'series'>): LineChartSpec {
  const clean = findSeries(run, 'clean', 'attackSuccessRate')
  const backdoored = findSeries(run, 'backdoored', 'attackSuccessRate')
  const theoryClean = findSeries(run, 'theory.clean', 'attackSuccessRate')
  const theoryBackdoored = findSeries(run, 'theory.backdoored', 'attackSuccessRate')
  const datasets: LineDataset[] = []
  for (const [series, style] of [
    [clean, modelStyle.clean],
    [backdoored, modelStyle.backdoored]
  ] as const) {
    if (series) datasets.push(...band(series, style.label, style.colour))
  }
  for (const [series, style] of [
    [clean, modelStyle.clean],
    [backdoored, modelStyle.backdoored]
  ] as const) {
    if (series) datasets.push(measured(series, style.label, style.colour))
  }
  for (const [series, style] of [
    [theoryClean, modelStyle['theory.clean']],
    [theoryBackdoored, modelStyle['theory.backdoored']]
  ] as const) {
    if (series) datasets.push(theory(series, style.label, style.colour))
  }
  const x = xRange([clean, backdoored, theoryClean, theoryBackdoored])
  if (x) {
    datasets.push({
      label: REFERENCE_MARK,
      data: [
        { x: x[0], y: 0.5 },
        { x: x[1], y: 0.5 }
      ],
      borderColor: withAlpha(modelStyle.reference.colour, 0.35),
      backgroundColor: withAlpha(modelStyle.reference.colour, 0.35),
      borderWidth: 1,
      borderDash: [...paperStyle.referenceDash],
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 0,
      fill: false,
      order: 4
    })
  }
  return {
    type: 'line',
    data: { datasets },
    options: baseOptions('Trigger scale λ', 'Attack success rate', { min: 0, max: 1 }, x),
    plugins: [paperBackground]
  }
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

/**
 * A rate in a legend: always 2 decimals, as the run page prints rates, so rates side by side
 * read alike (0.92 and 0.04, not 0.921 and 0.0394).
 */
export function formatRate(value: number): string {
  return value.toFixed(2)
}

/** A number as a tick or a legend shows it: up to 3 significant digits, no trailing zeros. */
export function formatTick(value: number): string {
  return significant(value, 3)
}

/**
 * A tick at 0 on an axis where 0 means "no difference" (the backdoor advantage), whatever range
 * chart.js picks: inserted among the ticks when the axis spans 0 and has none there.
 */
export function ensureZeroTick(axis: { min: number; max: number; ticks: { value: number }[] }) {
  if (axis.min > 0 || axis.max < 0 || axis.ticks.some((t) => t.value === 0)) return
  const after = axis.ticks.findIndex((t) => t.value > 0)
  axis.ticks.splice(after < 0 ? axis.ticks.length : after, 0, { value: 0 })
}

/** The grid line at 0 drawn like an axis line, the others as grid. */
export function zeroGridColour(context: Pick<ScriptableScaleContext, 'tick'>): string {
  return context.tick?.value === 0 ? paperStyle.axis : paperStyle.grid
}

/** The y axis of `options` gets a tick at 0 and a stronger line there. */
export function markZero(options: NonNullable<LineChartSpec['options']>): void {
  const scales = options.scales as Record<string, Record<string, unknown>>
  scales.y = {
    ...scales.y,
    afterBuildTicks: ensureZeroTick,
    grid: { ...(scales.y.grid as object), color: zeroGridColour }
  }
}

/**
 * At θ = 0 the backdoored network is the clean one (SCIENCE.md §4), so the advantage is 0 by
 * construction: said instead of drawing an interval around it, when every point is exactly 0.
 */
export const ZERO_BY_CONSTRUCTION =
  'At θ = 0 the two networks are the same, so the advantage is 0 by construction (no interval drawn)'

export function zeroByConstruction(
  config: { theta?: number } | object,
  series: SeriesRecord | undefined
): boolean {
  return (
    'theta' in config &&
    config.theta === 0 &&
    !!series &&
    series.points.length > 0 &&
    series.points.every((p) => p.value === 0)
  )
}
