/**
 * Every exported figure fits its width: for every chart of every kind, alone and four runs
 * compared, at the narrowest width, a column and a page, the key is drawn whole inside the
 * figure (every entry and note, no text past an edge) and the plot keeps its minimum height.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { figureKey } from '../../shared/figureKey'
import { FIGURE_WIDTH } from '../../shared/apiExport'
import { figureCases, type FigureCase } from '../testing/figureCases'
import { MIN_PLOT_RATIO, paperFigure } from './layout'
import { renderSvg } from './render'
import { labWithRuns, type LabWithRuns } from '../testing/labWithRuns'

let fixture: LabWithRuns
let cases: FigureCase[]

beforeAll(async () => {
  fixture = await labWithRuns()
  cases = figureCases(fixture)
})
afterAll(() => fixture?.close())

interface Glyphs {
  text: string
  size: number
  /** Where each glyph starts, in the figure's user units, and the direction text runs. */
  at: { x: number; y: number }[]
  vertical: boolean
}

/** The text of a Skia SVG, run by run, with where its glyphs are placed. */
function svgGlyphs(svg: string): Glyphs[] {
  const out: Glyphs[] = []
  for (const m of svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)) {
    const attrs = m[1]
    const list = (name: string) =>
      (new RegExp(` ${name}="([^"]*)"`).exec(attrs)?.[1] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
        .map(Number)
    const xs = list('x')
    const [y] = list('y')
    const size = Number(/ font-size="([\d.]+)"/.exec(attrs)?.[1] ?? 12)
    const transform = / transform="([^"]*)"/.exec(attrs)?.[1] ?? ''
    const numbers = (transform.match(/-?[\d.]+(e-?\d+)?/g) ?? []).map(Number)
    // translate(e f) or matrix(a b c d e f), as SVG applies them.
    const [a, b, c, d, e, f] = transform.startsWith('matrix')
      ? numbers
      : [1, 0, 0, 1, numbers[0] ?? 0, numbers[1] ?? 0]
    out.push({
      text: unescapeXml(m[2]),
      size,
      at: xs.map((x) => ({ x: a * x + c * y + e, y: b * x + d * y + f })),
      vertical: b !== 0
    })
  }
  return out
}

function unescapeXml(text: string): string {
  return text
    .replace(/&apos;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

const words = (text: string) => text.split(/\s+/).filter(Boolean)

describe('every exported figure fits its width', () => {
  it('draws the whole key, never past an edge, and keeps the plot from becoming a strip', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
    for (const figureCase of cases) {
      for (const widthInches of [FIGURE_WIDTH.min, 3.25, 6.75]) {
        const where = `${figureCase.name} at ${widthInches} in`
        const figure = paperFigure(figureCase.spec, widthInches)
        const { cssWidth, cssHeight } = figure.size
        expect(cssWidth, where).toBe(Math.round(widthInches * 120))
        expect(figure.plot.height, where).toBeGreaterThanOrEqual(
          figure.plot.width / MIN_PLOT_RATIO - 0.5
        )
        // The key under the x axis, not over it, and inside the figure.
        expect(figure.keyTop, where).toBeGreaterThanOrEqual(figure.xAxisBottom - 0.5)
        expect(figure.keyTop + figure.key.height, where).toBeLessThanOrEqual(cssHeight)

        const svg = renderSvg(figureCase.spec, { widthInches }).toString('utf8')
        expect(svg, where).toContain(`viewBox="0 0 ${cssWidth} ${cssHeight}"`)
        const glyphs = svgGlyphs(svg)
        for (const run of glyphs) {
          for (const p of run.at) {
            const along = run.vertical ? p.y : p.x
            expect(along, `${where}: "${run.text}"`).toBeGreaterThanOrEqual(-0.5)
            expect(run.vertical ? p.x : p.y, `${where}: "${run.text}"`).toBeGreaterThanOrEqual(
              run.size * 0.7
            )
            expect(run.vertical ? p.x : p.y, `${where}: "${run.text}"`).toBeLessThanOrEqual(
              (run.vertical ? cssWidth : cssHeight) + 0.5
            )
          }
          const last = run.at[run.at.length - 1]
          if (!run.vertical && last) {
            expect(last.x + run.size * 0.4, `${where}: "${run.text}"`).toBeLessThanOrEqual(
              cssWidth + 0.5
            )
          }
        }
        // Every word of every entry and note of the key is drawn.
        const drawn = new Set(glyphs.flatMap((g) => words(g.text)))
        const key = figureKey(figureCase.spec)
        const said = [
          ...key.groups.flatMap((g) => [
            ...(g.title ? [`${g.title}:`] : []),
            ...g.entries.map((e) => e.text)
          ]),
          ...key.notes.map((n) => `${n}.`)
        ]
        for (const word of said.flatMap(words)) expect(drawn, `${where}: "${word}"`).toContain(word)
      }
    }
  })

  it('keys four compared runs in a few lines: a column figure is about as tall as it is wide', () => {
    for (const figureCase of cases.filter((c) => c.runs.length === 4)) {
      const figure = paperFigure(figureCase.spec, 3.25)
      const key = figureKey(figureCase.spec)
      // The runs key and the series key, not runs × series entries.
      const entries = key.groups.flatMap((g) => g.entries).length
      const seriesDrawn = figureCase.spec.data.datasets.length
      expect(entries, figureCase.name).toBeLessThan(seriesDrawn)
      expect(figure.size.heightInches, figureCase.name).toBeLessThan(3.6)
    }
  })
})
