/**
 * Chart specs: one chart.js configuration per figure, built by pure code from a run's data, in
 * the paper style (white background, Okabe–Ito palette, readable fonts, 95% bands as filled
 * areas). The renderer draws exactly this spec; export renders the same spec to PNG/SVG/PDF.
 *
 * Everything here is plain data except two tiny callbacks (the legend filter that hides band
 * datasets and the plugin that paints the white background). chart.js is imported for its types
 * only, so this module runs anywhere. No Node, no DOM.
 */
import type { ChartConfiguration, ChartDataset, LegendItem, Plugin } from 'chart.js'
import type { RunDetail, SeriesRecord } from './results'
import { findSeries } from './results'

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
  referenceDash: [2, 3]
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
}
export type LineChartSpec = ChartConfiguration<'line', ChartPoint[]>
type LineDataset = ChartDataset<'line', ChartPoint[]>

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

function measured(series: SeriesRecord, label: string, colour: string): LineDataset {
  return {
    label,
    data: series.points.map((p) => ({ x: p.x, y: p.value })),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: paperStyle.lineWidth,
    pointRadius: 2.5,
    pointHoverRadius: 4,
    fill: false,
    spanGaps: false,
    order: 1
  }
}

/** Two datasets, lower then upper; the upper fills down to the lower ('-1'). */
function band(series: SeriesRecord, label: string, colour: string): LineDataset[] {
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

function theory(series: SeriesRecord, label: string, colour: string): LineDataset {
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

function xRange(series: (SeriesRecord | undefined)[]): [number, number] | null {
  const xs = series.flatMap((s) => s?.points.map((p) => p.x) ?? [])
  if (xs.length === 0) return null
  return [Math.min(...xs), Math.max(...xs)]
}

function axisTitle(text: string) {
  return {
    display: true,
    text,
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.axisTitleSize, weight: 500 }
  }
}

function ticks() {
  return {
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.tickSize }
  }
}

function baseOptions(
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
    layout: { padding: 8 },
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

/** Backdoor advantage ASR_backdoored − ASR_clean over λ, with its 95% band. */
export function advantageChartSpec(run: Pick<RunDetail, 'series'>): LineChartSpec {
  const advantage = findSeries(run, 'run', 'advantage')
  const style = modelStyle.advantage
  const datasets: LineDataset[] = advantage
    ? [
        ...band(advantage, style.label, style.colour),
        measured(advantage, style.label, style.colour)
      ]
    : []
  const options = baseOptions(
    'Trigger scale λ',
    'ASR backdoored − ASR clean',
    { suggestedMin: 0 },
    xRange([advantage])
  )
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}
