/**
 * The paper layout of a figure: the spec of src/shared/charts.ts laid out by the same chart.js the
 * screen uses, headlessly on a @napi-rs/canvas (Skia) context, at a width in inches.
 *
 * The figure is laid out in CSS pixels at LAYOUT_PX_PER_INCH, so the spec's 12 px ticks print at
 * 7.2 pt whatever the width, and every format scales that one layout to its own units. The
 * screen's legend gives way to the figure's key (paperKey.ts) under the plot; the figure is as
 * tall as the spec's aspect ratio asks, or taller when the key would leave the plot less than
 * 1/MIN_PLOT_RATIO of its width in height (or less than its y title's longer line): a key is
 * never cut and the plot never a strip. Axis titles longer than their axis break into two lines,
 * and the last x tick label gets room at the right edge. Chart.js has no DOM here: it is given a
 * canvas-like object whose context is the Skia context, with animation and events off.
 */
import type { SKRSContext2D } from '@napi-rs/canvas'
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  type CartesianScaleOptions,
  type FontSpec,
  type Plugin,
  type Scale
} from 'chart.js'
import { skia } from './skia'
import { toFont } from 'chart.js/helpers'
import { existsSync } from 'node:fs'
import type { AnyChartSpec } from '../../shared/chartEntry'
import { paperStyle } from '../../shared/charts'
import { figureKey } from '../../shared/figureKey'
import { KEY, layoutKey, type KeyLayout } from './paperKey'

// What the screen registers (ChartCanvas.vue) and what bar or scatter specs would need; not
// Tooltip (nothing hovers here) and not Colors (the screen does not use it either).
Chart.register(
  LineController,
  ScatterController,
  BarController,
  LineElement,
  PointElement,
  BarElement,
  LinearScale,
  LogarithmicScale,
  CategoryScale,
  Filler,
  Legend,
  Title
)

/** CSS pixels per inch of the paper layout: 12 px text prints at 7.2 pt, 13 px at 7.8 pt. */
export const LAYOUT_PX_PER_INCH = 120

/** The plot is at least 1/MIN_PLOT_RATIO of its width tall, however long its key. */
export const MIN_PLOT_RATIO = 2.6

/** Sizes of one figure in the layout's CSS pixels, on paper, and in PNG pixels. */
export interface FigureSize {
  cssWidth: number
  cssHeight: number
  widthInches: number
  heightInches: number
  pixelWidth: number
  pixelHeight: number
}

/** Width over height, as the spec asks the screen to keep it. */
function aspectRatio(spec: AnyChartSpec): number {
  const ratio = (spec.options as { aspectRatio?: number } | undefined)?.aspectRatio
  return typeof ratio === 'number' && ratio > 0 ? ratio : paperStyle.aspectRatio
}

function sized(cssWidth: number, cssHeight: number, widthInches: number, dpi: number) {
  const heightInches = (cssHeight * widthInches) / cssWidth
  return {
    cssWidth,
    cssHeight,
    widthInches,
    heightInches,
    pixelWidth: Math.round(widthInches * dpi),
    pixelHeight: Math.round(heightInches * dpi)
  }
}

/** The size the spec's aspect ratio gives at this width (the figure may grow past it). */
export function figureSize(spec: AnyChartSpec, widthInches: number, dpi = 300): FigureSize {
  const cssWidth = Math.round(widthInches * LAYOUT_PX_PER_INCH)
  return sized(cssWidth, Math.round(cssWidth / aspectRatio(spec)), widthInches, dpi)
}

/**
 * Paints the paper under the chart. The spec's own background plugin paints with
 * 'destination-over', which Skia's vector backends cannot express; this one paints first instead
 * (beforeDraw runs right after the clear), so every format gets the same white page.
 */
const paperPage: Plugin = {
  id: 'paperBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart
    ctx.save()
    ctx.fillStyle = paperStyle.background
    ctx.fillRect(0, 0, width, height)
    ctx.restore()
  }
}

interface Padding {
  top: number
  right: number
  bottom: number
  left: number
}

function paddingOf(spec: AnyChartSpec): Padding {
  const padding = (spec.options as { layout?: { padding?: unknown } } | undefined)?.layout?.padding
  if (typeof padding === 'number') {
    return { top: padding, right: padding, bottom: padding, left: padding }
  }
  const p = (padding ?? {}) as Partial<Padding>
  return { top: p.top ?? 0, right: p.right ?? 0, bottom: p.bottom ?? 0, left: p.left ?? 0 }
}

/**
 * The spec with the figure's key instead of chart.js's legend: room for it under the x axis,
 * and a plugin that draws it there.
 */
function withKey(spec: AnyChartSpec, key: KeyLayout, pad: Padding): AnyChartSpec {
  const options = (spec.options ?? {}) as Record<string, unknown>
  const plugins = (options.plugins ?? {}) as Record<string, unknown>
  const room = key.height > 0 ? key.height + KEY.gap : 0
  const drawKey: Plugin = {
    id: 'paperKey',
    afterDraw(chart) {
      key.draw(chart.ctx as never, pad.left, chart.height - pad.bottom - key.height)
    }
  }
  return {
    ...spec,
    options: {
      ...options,
      layout: { padding: { ...pad, bottom: pad.bottom + room } },
      plugins: { ...plugins, legend: { ...(plugins.legend as object), display: false } }
    },
    plugins: [...(spec.plugins ?? []), drawKey]
  }
}

/** The spec as chart.js draws it off screen: fixed size, no animation, no events, no tooltip. */
function offscreen(spec: AnyChartSpec, pixelRatio: number): AnyChartSpec {
  const options = (spec.options ?? {}) as Record<string, unknown>
  const plugins = (options.plugins ?? {}) as Record<string, unknown>
  return {
    ...spec,
    options: {
      ...options,
      responsive: false,
      maintainAspectRatio: false,
      animation: false,
      events: [],
      devicePixelRatio: pixelRatio,
      plugins: { ...plugins, tooltip: { enabled: false } }
    },
    plugins: [...(spec.plugins ?? []).filter((p: Plugin) => p.id !== paperPage.id), paperPage]
  }
}

/**
 * A canvas-like object for chart.js: the layout's CSS size, and a context that forwards to the
 * Skia context but reports this object as its canvas. Clearing is a no-op: every surface starts
 * empty, and Skia's vector backends cannot express a clear.
 */
function chartCanvas(ctx: SKRSContext2D, cssWidth: number, cssHeight: number) {
  const canvas = {
    width: cssWidth,
    height: cssHeight,
    getContext: () => context
  }
  const context = new Proxy(ctx, {
    get(target, key) {
      if (key === 'canvas') return canvas
      if (key === 'clearRect') return () => undefined
      const value = Reflect.get(target, key, target) as unknown
      return typeof value === 'function' ? value.bind(target) : value
    },
    set(target, key, value) {
      return Reflect.set(target, key, value, target)
    }
  })
  return canvas
}

/** A chart.js chart of the off-screen spec on `ctx`; drawn once, at construction. */
export function chartOn(
  spec: AnyChartSpec,
  ctx: SKRSContext2D,
  size: Pick<FigureSize, 'cssWidth' | 'cssHeight'>,
  pixelRatio: number
) {
  const canvas = chartCanvas(ctx, size.cssWidth, size.cssHeight)
  // chart.js reads everything it needs from these two; the rest of the HTMLCanvasElement API
  // is never touched off the DOM.
  return new Chart(canvas as unknown as HTMLCanvasElement, offscreen(spec, pixelRatio))
}

/** Lays the spec out on a scratch canvas, hands the chart to `read`, and destroys it. */
function laidOut<T>(
  spec: AnyChartSpec,
  size: Pick<FigureSize, 'cssWidth' | 'cssHeight'>,
  read: (chart: Chart) => T
): T {
  const scratch = skia().createCanvas(size.cssWidth, size.cssHeight)
  const chart = chartOn(spec, scratch.getContext('2d'), size, 1)
  try {
    return read(chart)
  } finally {
    chart.destroy()
  }
}

/**
 * A title in two lines, broken at the space that balances them best: before a ' · ' or ' − '
 * when there is one, never next to an '='.
 */
export function splitTitle(text: string): string[] {
  const breaks: { at: number; preferred: boolean }[] = []
  for (let at = text.indexOf(' '); at > 0; at = text.indexOf(' ', at + 1)) {
    const left = text.slice(0, at)
    const right = text.slice(at + 1)
    if (left.endsWith('=') || right.startsWith('=')) continue
    breaks.push({ at, preferred: /^[·−/]/.test(right) })
  }
  const balance = (at: number) => Math.abs(text.length - 2 * at)
  const preferred = breaks.filter((b) => b.preferred && balance(b.at) < text.length / 2)
  const [best] = (preferred.length > 0 ? preferred : breaks).sort(
    (a, b) => balance(a.at) - balance(b.at)
  )
  return best ? [text.slice(0, best.at), text.slice(best.at + 1)] : [text]
}

/**
 * Axis titles longer than their axis (a y title on a column-width figure) would be cut at the
 * figure's edge: lay the chart out once, and give each such title two lines.
 */
function fitAxisTitles(spec: AnyChartSpec, size: FigureSize): AnyChartSpec {
  const wrapped = laidOut(spec, size, (chart) => {
    const found: Record<string, string[]> = {}
    const area = chart.chartArea
    for (const scale of Object.values(chart.scales)) {
      const { title } = scale.options as Partial<CartesianScaleOptions>
      if (!title?.display || typeof title.text !== 'string') continue
      const room = scale.isHorizontal() ? area.right - area.left : area.bottom - area.top
      chart.ctx.font = toFont(title.font as Partial<FontSpec>).string
      if (chart.ctx.measureText(title.text).width > room) found[scale.id] = splitTitle(title.text)
    }
    return found
  })
  if (Object.keys(wrapped).length === 0) return spec
  const options = (spec.options ?? {}) as { scales?: Record<string, { title?: object }> }
  const scales = { ...options.scales }
  for (const [id, text] of Object.entries(wrapped)) {
    scales[id] = { ...scales[id], title: { ...scales[id]?.title, text } }
  }
  return { ...spec, options: { ...options, scales } }
}

/** An axis as laid out: its range, its ticks with their labels and grid colours, its title. */
export interface LaidAxis {
  min: number
  max: number
  ticks: { value: number; label: string; grid: string }[]
  title: string[]
  /** A logarithmic axis (a sweep over a log range). */
  log: boolean
}

/** A figure ready to draw: the spec as drawn, its size, and where chart.js put the plot. */
export interface PaperFigure {
  spec: AnyChartSpec
  size: FigureSize
  key: KeyLayout
  /** Where the key starts, and where the x axis (ticks and title) ends above it. */
  keyTop: number
  xAxisBottom: number
  plot: { left: number; top: number; width: number; height: number }
  axes: { x: LaidAxis; y: LaidAxis }
}

function axisOf(scale: Scale): LaidAxis {
  const options = scale.options as Partial<CartesianScaleOptions> & {
    grid: { setContext?: (context: unknown) => { color?: unknown } }
  }
  const title = options.title?.display ? options.title.text : ''
  return {
    min: scale.min,
    max: scale.max,
    ticks: scale.ticks.map((tick, i) => {
      // A scriptable grid colour (the stronger line at 0) resolves per tick, as chart.js draws it.
      const context = (scale as unknown as { getContext(i: number): unknown }).getContext(i)
      const grid = options.grid.setContext?.(context)?.color
      const label = Array.isArray(tick.label) ? tick.label.join(' ') : String(tick.label ?? '')
      return { value: tick.value, label, grid: typeof grid === 'string' ? grid : paperStyle.grid }
    }),
    title: Array.isArray(title) ? title.map(String) : title ? [String(title)] : [],
    log: scale.type === 'logarithmic'
  }
}

/**
 * The paper layout of `spec` at `widthInches`: the key under the plot, titles wrapped, and the
 * figure as tall as it must be for the plot to keep its minimum height.
 */
export function paperFigure(spec: AnyChartSpec, widthInches: number, dpi = 300): PaperFigure {
  ensureFonts()
  const nominal = figureSize(spec, widthInches, dpi)
  const pad = paddingOf(spec)
  const measure = skia().createCanvas(nominal.cssWidth, 16).getContext('2d')
  const key = layoutKey(measure, figureKey(spec), nominal.cssWidth - pad.left - pad.right)
  let keyed = withKey(spec, key, pad)
  const measured = (drawn: AnyChartSpec, at: FigureSize) =>
    laidOut(drawn, at, (chart) => ({
      plot: {
        left: chart.chartArea.left,
        top: chart.chartArea.top,
        width: chart.chartArea.right - chart.chartArea.left,
        height: chart.chartArea.bottom - chart.chartArea.top
      },
      axes: { x: axisOf(chart.scales.x), y: axisOf(chart.scales.y) },
      xAxisBottom: chart.scales.x.bottom,
      overhang: xLabelOverhang(chart)
    }))
  // What surrounds the plot (axes, titles, key) is as tall whatever the plot's height: measured
  // once on a figure tall enough for any key, it gives the height the plot's minimum needs.
  const tall = sized(nominal.cssWidth, nominal.cssHeight + key.height + 2000, widthInches, dpi)
  const probe = measured(keyed, tall).plot
  const least = (width: number) => Math.max(width / MIN_PLOT_RATIO, yTitleLine(spec, measure))
  const needed = Math.ceil(tall.cssHeight - probe.height + least(probe.width))
  let size = sized(nominal.cssWidth, Math.max(nominal.cssHeight, needed), widthInches, dpi)
  for (let pass = 0; ; pass++) {
    const drawn = fitAxisTitles(keyed, size)
    const laid = measured(drawn, size)
    const short = Math.ceil(least(laid.plot.width) - laid.plot.height)
    if ((short <= 0 && laid.overhang <= 0) || pass === 3) {
      const keyTop = size.cssHeight - pad.bottom - key.height
      const { plot, axes, xAxisBottom } = laid
      return { spec: drawn, size, key, keyTop, xAxisBottom, plot, axes }
    }
    // The last x tick label centred on the figure's edge: room for its half.
    if (laid.overhang > 0) {
      pad.right += laid.overhang
      keyed = withKey(spec, key, pad)
    }
    if (short > 0) size = sized(size.cssWidth, size.cssHeight + short, widthInches, dpi)
  }
}

/**
 * The longest line of the y axis title broken in two (splitTitle): the plot is at least that
 * tall, so that a title never reaches past it, however narrow the figure.
 */
function yTitleLine(spec: AnyChartSpec, ctx: Pick<SKRSContext2D, 'font' | 'measureText'>): number {
  const scales = (spec.options as { scales?: Record<string, Partial<CartesianScaleOptions>> })
    ?.scales
  const title = scales?.y?.title
  if (!title?.display || typeof title.text !== 'string') return 0
  ctx.font = toFont(title.font as Partial<FontSpec>).string
  return Math.max(...splitTitle(title.text).map((line) => ctx.measureText(line).width))
}

/** How far (CSS px) the x axis's last tick label reaches past the figure's right edge. */
function xLabelOverhang(chart: Chart): number {
  const scale = chart.scales.x
  const last = scale?.ticks[scale.ticks.length - 1]
  if (!last) return 0
  const options = scale.options as Partial<CartesianScaleOptions>
  if (options.ticks?.display === false) return 0
  chart.ctx.font = toFont(options.ticks?.font as Partial<FontSpec>).string
  const label = Array.isArray(last.label) ? last.label.join(' ') : String(last.label ?? '')
  const right = scale.getPixelForValue(last.value) + chart.ctx.measureText(label).width / 2
  return Math.ceil(right + 1 - chart.width)
}

let fontsChecked = false

/** Font files tried when the system has none (a bare container): Debian's paths. */
const fallbackFonts = [
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
]

/**
 * Skia finds the system's fonts itself (fontconfig on Linux), as Chromium does, so the spec's
 * font list resolves as on screen. Without a single font, text would vanish: say what to install.
 */
export function ensureFonts(): void {
  if (fontsChecked) return
  if (skia().GlobalFonts.families.length === 0) {
    for (const file of fallbackFonts)
      if (existsSync(file)) skia().GlobalFonts.registerFromPath(file)
    if (skia().GlobalFonts.families.length === 0) {
      throw new Error(
        'No font is installed for chart text: install one (on Debian: apt-get install fonts-dejavu-core fonts-liberation)'
      )
    }
  }
  fontsChecked = true
}
