/**
 * Renders a chart spec of src/shared/charts.ts headlessly, with the same chart.js the screen uses:
 * PNG through @napi-rs/canvas (Skia) at inches × dpi pixels, SVG through Skia's SVG canvas and PDF
 * through Skia's PDF backend, both vector (paths and text, no embedded raster).
 *
 * Paper layout: the figure is laid out in CSS pixels at LAYOUT_PX_PER_INCH, so the spec's 12 px
 * ticks print at 8 pt whatever the width, and every format scales that one layout to its own
 * units (device pixels, SVG user units, PDF points). Chart.js has no DOM here: it is given a
 * canvas-like object whose context is the Skia context, with animation and events off.
 */
import {
  GlobalFonts,
  PDFDocument,
  SvgExportFlag,
  createCanvas,
  type SKRSContext2D
} from '@napi-rs/canvas'
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
  type Plugin
} from 'chart.js'
import { toFont } from 'chart.js/helpers'
import { existsSync } from 'node:fs'
import type { AnyChartSpec } from '../../shared/chartEntry'
import { paperStyle } from '../../shared/charts'

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

export type FigureFormat = 'png' | 'svg' | 'pdf'

/** CSS pixels per inch of the paper layout: 12 px text prints at 7.2 pt, 13 px at 7.8 pt. */
export const LAYOUT_PX_PER_INCH = 120
const POINTS_PER_INCH = 72

export interface FigureOptions {
  /** Width of the figure on paper; 3.25 in is a column, 6.75 in a page. */
  widthInches: number
  /** PNG only: pixels per inch. */
  dpi?: number
  /** Written into the file's metadata (PNG text chunks, PDF info, SVG title and desc). */
  title?: string
  description?: string
}

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

export function figureSize(spec: AnyChartSpec, widthInches: number, dpi = 300): FigureSize {
  const cssWidth = Math.round(widthInches * LAYOUT_PX_PER_INCH)
  const cssHeight = Math.round(cssWidth / aspectRatio(spec))
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

/**
 * The legend's spacing on paper: the screen's 28 px samples and 14 px gaps would put each entry
 * on a line of its own at column width. Same entries, same fonts, tighter boxes.
 */
const PAPER_LEGEND = { boxWidth: 18, padding: 8 }

function paperLegend(legend: unknown): unknown {
  if (!legend || typeof legend !== 'object') return legend
  const { labels = {} } = legend as { labels?: Record<string, unknown> }
  const tighter = (key: keyof typeof PAPER_LEGEND) =>
    Math.min(typeof labels[key] === 'number' ? labels[key] : Infinity, PAPER_LEGEND[key])
  return {
    ...legend,
    labels: { ...labels, boxWidth: tighter('boxWidth'), padding: tighter('padding') }
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
      plugins: { ...plugins, legend: paperLegend(plugins.legend), tooltip: { enabled: false } }
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
function chartOn(spec: AnyChartSpec, ctx: SKRSContext2D, size: FigureSize, pixelRatio: number) {
  const canvas = chartCanvas(ctx, size.cssWidth, size.cssHeight)
  // chart.js reads everything it needs from these two; the rest of the HTMLCanvasElement API
  // is never touched off the DOM.
  return new Chart(canvas as unknown as HTMLCanvasElement, offscreen(spec, pixelRatio))
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
  const scratch = createCanvas(size.cssWidth, size.cssHeight)
  const chart = chartOn(spec, scratch.getContext('2d'), size, 1)
  const wrapped: Record<string, string[]> = {}
  try {
    const area = chart.chartArea
    for (const scale of Object.values(chart.scales)) {
      const { title } = scale.options as Partial<CartesianScaleOptions>
      if (!title?.display || typeof title.text !== 'string') continue
      const room = scale.isHorizontal() ? area.right - area.left : area.bottom - area.top
      chart.ctx.font = toFont(title.font as Partial<FontSpec>).string
      if (chart.ctx.measureText(title.text).width > room) {
        wrapped[scale.id] = splitTitle(title.text)
      }
    }
  } finally {
    chart.destroy()
  }
  if (Object.keys(wrapped).length === 0) return spec
  const options = (spec.options ?? {}) as { scales?: Record<string, { title?: object }> }
  const scales = { ...options.scales }
  for (const [id, text] of Object.entries(wrapped)) {
    scales[id] = { ...scales[id], title: { ...scales[id]?.title, text } }
  }
  return { ...spec, options: { ...options, scales } }
}

/** Draws the spec once on `ctx`, whose units are `pixelRatio` per CSS pixel of the layout. */
function draw(spec: AnyChartSpec, ctx: SKRSContext2D, size: FigureSize, pixelRatio: number) {
  ensureFonts()
  chartOn(fitAxisTitles(spec, size), ctx, size, pixelRatio).destroy()
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
  if (GlobalFonts.families.length === 0) {
    for (const file of fallbackFonts) if (existsSync(file)) GlobalFonts.registerFromPath(file)
    if (GlobalFonts.families.length === 0) {
      throw new Error(
        'No font is installed for chart text: install one (on Debian: apt-get install fonts-dejavu-core fonts-liberation)'
      )
    }
  }
  fontsChecked = true
}

/** PNG at inches × dpi pixels, with the dpi in its pHYs chunk. */
export async function renderPng(spec: AnyChartSpec, options: FigureOptions): Promise<Buffer> {
  const dpi = options.dpi ?? 300
  const size = figureSize(spec, options.widthInches, dpi)
  const canvas = createCanvas(size.pixelWidth, size.pixelHeight)
  draw(spec, canvas.getContext('2d'), size, size.pixelWidth / size.cssWidth)
  // Encoding runs off the main thread (it is most of the time at 600 dpi).
  return canvas.encode('png', {
    resolution: dpi,
    title: options.title,
    description: options.description,
    software: 'Backdoor Lab'
  })
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** Generic fallbacks after the face Skia used, for a viewer that lacks it. */
const SVG_FONT_FALLBACK = 'Arial, Helvetica, sans-serif'

/**
 * SVG of the layout in user units, sized in inches on paper. Text stays text (searchable,
 * editable), each run of glyphs placed where Skia placed it.
 */
export function renderSvg(spec: AnyChartSpec, options: FigureOptions): Buffer {
  const size = figureSize(spec, options.widthInches)
  const canvas = createCanvas(size.cssWidth, size.cssHeight, SvgExportFlag.NoPrettyXML)
  draw(spec, canvas.getContext('2d'), size, 1)
  const svg = canvas.getContent().toString('utf8')
  const open = /<svg\b[^>]*>/.exec(svg)
  if (!open) throw new Error('Skia produced no <svg> element')
  const root =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"` +
    ` width="${inches(size.widthInches)}" height="${inches(size.heightInches)}"` +
    ` viewBox="0 0 ${size.cssWidth} ${size.cssHeight}" role="img"` +
    (options.title ? ` aria-label="${escapeXml(options.title)}"` : '') +
    '>' +
    (options.title ? `<title>${escapeXml(options.title)}</title>` : '') +
    (options.description ? `<desc>${escapeXml(options.description)}</desc>` : '')
  const body = svg
    .slice(open.index + open[0].length)
    .replace(/<text([^>]*)>\s*<\/text>/g, '') // Skia writes an empty element for each space
    .replace(/ font-family="([^"]*)"/g, (_, family: string) =>
      family.includes(',')
        ? ` font-family="${family}"`
        : ` font-family="${family}, ${SVG_FONT_FALLBACK}"`
    )
  return Buffer.from(svg.slice(0, open.index) + root + body, 'utf8')
}

function inches(value: number): string {
  return `${Number(value.toFixed(4))}in`
}

/** One-page PDF of the layout in points: vector paths and embedded (subset) fonts. */
export function renderPdf(spec: AnyChartSpec, options: FigureOptions): Buffer {
  const size = figureSize(spec, options.widthInches)
  // Skia's PDF pages are whole points: at most half a point of the paper is lost at the edge.
  const width = Math.round(size.widthInches * POINTS_PER_INCH)
  const height = Math.round(size.heightInches * POINTS_PER_INCH)
  const doc = new PDFDocument({
    title: options.title,
    subject: options.description,
    creator: 'Backdoor Lab'
  })
  const ctx = doc.beginPage(width, height) as unknown as SKRSContext2D
  draw(spec, ctx, size, width / size.cssWidth)
  doc.endPage()
  return doc.close()
}

export async function renderFigure(
  spec: AnyChartSpec,
  format: FigureFormat,
  options: FigureOptions
): Promise<Buffer> {
  switch (format) {
    case 'png':
      return renderPng(spec, options)
    case 'svg':
      return renderSvg(spec, options)
    case 'pdf':
      return renderPdf(spec, options)
  }
}
