/**
 * Renders a chart spec of src/shared/charts.ts headlessly, with the same chart.js the screen uses:
 * PNG through @napi-rs/canvas (Skia) at inches × dpi pixels, SVG through Skia's SVG canvas and PDF
 * through Skia's PDF backend, both vector (paths and text, no embedded raster). The paper layout
 * (the key under the plot, the figure's height) is layout.ts's, the same for every format: each
 * scales that one layout to its own units (device pixels, SVG user units, PDF points).
 */
import type { SKRSContext2D } from '@napi-rs/canvas'
import { skia } from './skia'
import type { AnyChartSpec } from '../../shared/chartEntry'
import { chartOn, paperFigure, type PaperFigure } from './layout'

export { figureSize, LAYOUT_PX_PER_INCH, splitTitle, type FigureSize } from './layout'

export type FigureFormat = 'png' | 'svg' | 'pdf'

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

/** Draws the laid-out figure once on `ctx`, whose units are `pixelRatio` per CSS pixel. */
function draw(figure: PaperFigure, ctx: SKRSContext2D, pixelRatio: number) {
  chartOn(figure.spec, ctx, figure.size, pixelRatio).destroy()
}

/** PNG at inches × dpi pixels, with the dpi in its pHYs chunk. */
export async function renderPng(spec: AnyChartSpec, options: FigureOptions): Promise<Buffer> {
  const dpi = options.dpi ?? 300
  const figure = paperFigure(spec, options.widthInches, dpi)
  const { size } = figure
  const canvas = skia().createCanvas(size.pixelWidth, size.pixelHeight)
  draw(figure, canvas.getContext('2d'), size.pixelWidth / size.cssWidth)
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
  const figure = paperFigure(spec, options.widthInches)
  const { size } = figure
  const canvas = skia().createCanvas(
    size.cssWidth,
    size.cssHeight,
    skia().SvgExportFlag.NoPrettyXML
  )
  draw(figure, canvas.getContext('2d'), 1)
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
  const figure = paperFigure(spec, options.widthInches)
  const { size } = figure
  // Skia's PDF pages are whole points: at most half a point of the paper is lost at the edge.
  const width = Math.round(size.widthInches * POINTS_PER_INCH)
  const height = Math.round(size.heightInches * POINTS_PER_INCH)
  const doc = new (skia().PDFDocument)({
    title: options.title,
    subject: options.description,
    creator: 'Backdoor Lab'
  })
  const ctx = doc.beginPage(width, height) as unknown as SKRSContext2D
  draw(figure, ctx, width / size.cssWidth)
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
