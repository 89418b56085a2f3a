import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { createCanvas, loadImage, PDFDocument, type SKRSContext2D } from '@napi-rs/canvas'
import { DOMParser, onWarningStopParsing, type Element } from '@xmldom/xmldom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chartEntry } from '../../kinds/charts'
import { headFamilyStyle, universalRegionLabel } from '../../kinds/universality/charts'
import { modelStyle, okabeIto } from '../../shared/charts'
import { figureSize, LAYOUT_PX_PER_INCH, renderPdf, renderPng, renderSvg } from './render'
import { labWithRuns, type LabWithRuns } from '../testing/labWithRuns'

let fixture: LabWithRuns
let dir: string

beforeAll(async () => {
  fixture = await labWithRuns()
  dir = mkdtempSync(join(os.tmpdir(), 'lab-render-'))
})
afterAll(() => {
  fixture?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const asrSpec = () => chartEntry(fixture.effectiveness, 'asr').spec(fixture.effectiveness)

/** Width, height and pixels per inch from a PNG's IHDR and pHYs chunks. */
function pngInfo(png: Buffer): { width: number; height: number; dpi: number | null } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))
  expect(png.toString('latin1', 12, 16)).toBe('IHDR')
  let dpi: number | null = null
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    if (type === 'pHYs' && png[at + 16] === 1) dpi = Math.round(png.readUInt32BE(at + 8) / 39.3701)
    at += 12 + length
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), dpi }
}

/** Counts pixels within `tolerance` of a colour (per channel) in a PNG. */
async function countColour(png: Buffer, hex: string, tolerance = 40): Promise<number> {
  const image = await loadImage(png)
  const canvas = createCanvas(image.width, image.height)
  const ctx = canvas.getContext('2d')
  ctx.drawImage(image, 0, 0)
  const { data } = ctx.getImageData(0, 0, image.width, image.height)
  const n = Number.parseInt(hex.slice(1), 16)
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255]
  let count = 0
  for (let i = 0; i < data.length; i += 4) {
    const near =
      Math.abs(data[i] - r) <= tolerance &&
      Math.abs(data[i + 1] - g) <= tolerance &&
      Math.abs(data[i + 2] - b) <= tolerance
    if (near) count++
  }
  return count
}

describe('PNG export', () => {
  it.each([
    [3.25, 300],
    [6.75, 600]
  ])('is %s in × %s dpi wide and tall, with the dpi in its header', async (widthInches, dpi) => {
    const spec = asrSpec()
    const png = await renderPng(spec, { widthInches, dpi })
    const info = pngInfo(png)
    const size = figureSize(spec, widthInches, dpi)
    expect(info.width).toBe(Math.round(widthInches * dpi))
    expect(info.height).toBe(Math.round(size.heightInches * dpi))
    // The screen's aspect ratio (paperStyle.aspectRatio, 1.6), to the pixel.
    expect(Math.abs(info.width / info.height - 1.6)).toBeLessThan(0.02)
    expect(info.dpi).toBe(dpi)
  })

  it('draws both networks in their Okabe–Ito colours on a white page', async () => {
    const png = await renderPng(asrSpec(), { widthInches: 3.25, dpi: 300 })
    expect(await countColour(png, okabeIto.blue, 20)).toBeGreaterThan(2000)
    expect(await countColour(png, okabeIto.vermillion, 20)).toBeGreaterThan(2000)
    const image = await loadImage(png)
    const ctx = createCanvas(image.width, image.height).getContext('2d')
    ctx.drawImage(image, 0, 0)
    // The corners are paper, not transparency.
    expect([...ctx.getImageData(0, 0, 1, 1).data]).toEqual([255, 255, 255, 255])
  })

  it('keeps text the same physical size at column and page width', async () => {
    // The layout is in CSS pixels at a fixed number per inch, so a wider figure gets more
    // room, not bigger letters.
    const column = figureSize(asrSpec(), 3.25)
    const page = figureSize(asrSpec(), 6.75)
    expect(column.cssWidth).toBe(Math.round(3.25 * LAYOUT_PX_PER_INCH))
    expect(page.cssWidth / column.cssWidth).toBeCloseTo(6.75 / 3.25, 2)
  })
})

function parseSvg(svg: string) {
  return new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml')
}

function elements(root: { getElementsByTagName(name: string): ArrayLike<Element> }, tag: string) {
  return Array.from(root.getElementsByTagName(tag))
}

describe('SVG export', () => {
  it('is well-formed XML sized in inches, with a path for every series and text for every label', () => {
    const run = fixture.effectiveness
    const spec = asrSpec()
    const svg = renderSvg(spec, { widthInches: 3.25, title: 'ASR' }).toString('utf8')
    const doc = parseSvg(svg)
    const root = doc.documentElement!
    expect(root.tagName).toBe('svg')
    expect(root.getAttribute('width')).toBe('3.25in')
    expect(root.getAttribute('viewBox')).toBe(`0 0 ${figureSize(spec, 3.25).cssWidth} 244`)
    expect(elements(doc, 'image')).toHaveLength(0)

    const paths = elements(doc, 'path')
    const strokedWith = (hex: string) =>
      paths.filter(
        (p) => p.getAttribute('stroke')?.toUpperCase() === hex && p.getAttribute('d')?.length
      )
    const filledWith = (hex: string) =>
      paths.filter((p) => p.getAttribute('fill')?.toUpperCase() === hex)
    const lambdas = run.series.find((s) => s.model === 'clean')!.points.length
    for (const model of ['clean', 'backdoored'] as const) {
      const colour = modelStyle[model].colour
      // The measured curve: one path through every λ (a move and a line to each next point).
      const curve = strokedWith(colour).find(
        (p) => (p.getAttribute('d')!.match(/L/g) ?? []).length >= lambdas - 1
      )
      expect(curve, `${model} curve`).toBeDefined()
      // Its 95% band: a filled area in the same colour, translucent.
      const band = filledWith(colour).find((p) => Number(p.getAttribute('fill-opacity')) < 0.5)
      expect(band, `${model} band`).toBeDefined()
    }

    const text = elements(doc, 'text')
      .map((t) => t.textContent ?? '')
      .filter((t) => t.trim())
      .join(' ')
    for (const label of [
      'Trigger scale λ',
      'Attack success rate',
      'Clean network',
      'Backdoored network',
      'Theory, backdoored (m → ∞)'
    ]) {
      expect(text).toContain(label)
    }
    expect(elements(doc, 'title')[0]?.textContent).toBe('ASR')
  })

  it('has no path in a colour the chart does not draw', () => {
    // The advantage chart draws one green series: no blue or vermillion curve.
    const run = fixture.effectiveness
    const svg = renderSvg(chartEntry(run, 'advantage').spec(run), { widthInches: 3.25 })
    const paths = elements(parseSvg(svg.toString('utf8')), 'path')
    const strokes = new Set(paths.map((p) => p.getAttribute('stroke')?.toUpperCase()))
    expect(strokes).toContain(okabeIto.bluishGreen)
    expect(strokes).not.toContain(okabeIto.blue)
    expect(strokes).not.toContain(okabeIto.vermillion)
  })
})

describe('universality figures', () => {
  it('the scatter keeps its shaded region, a marker per head and its legend', () => {
    const run = fixture.universality
    const spec = chartEntry(run, 'scatter').spec(run)
    const doc = parseSvg(renderSvg(spec, { widthInches: 6.75 }).toString('utf8'))
    const paths = elements(doc, 'path')
    const filled = (hex: string) =>
      paths.filter((p) => p.getAttribute('fill')?.toUpperCase() === hex)
    // The universal region: a translucent orange area.
    expect(filled(okabeIto.orange).some((p) => Number(p.getAttribute('fill-opacity')) < 0.5)).toBe(
      true
    )
    // The attacker's head (a filled vermillion triangle) and every probe's marker.
    const probes = run.series.find((s) => s.model === 'probe' && s.name === 'scatter')!
    expect(filled(okabeIto.vermillion).length).toBeGreaterThanOrEqual(1)
    expect(filled(okabeIto.blue).length).toBeGreaterThanOrEqual(probes.points.length)
    const text = elements(doc, 'text')
      .map((t) => t.textContent ?? '')
      .join(' ')
    for (const label of [
      universalRegionLabel,
      headFamilyStyle.attacker.label,
      headFamilyStyle.probe.label,
      'Clean accuracy'
    ]) {
      expect(text.replace(/\s+/g, ' ')).toContain(label)
    }
  })

  it('a head at ASR 1 and accuracy 1 is drawn whole, as large as one mid-plot', async () => {
    const at = (x: number, y: number) => {
      const run = {
        ...fixture.universality,
        metrics: [],
        series: [{ model: 'attacker', name: 'scatter', points: [{ x, value: y }] }]
      }
      return renderPng(chartEntry(run, 'scatter').spec(run), { widthInches: 3.25, dpi: 300 })
    }
    const middle = await countColour(await at(0.5, 0.5), okabeIto.vermillion, 30)
    const corner = await countColour(await at(1, 1), okabeIto.vermillion, 30)
    expect(middle).toBeGreaterThan(100)
    expect(corner / middle).toBeGreaterThan(0.9)
  })

  it('the histogram and the per-target bars render in every format', async () => {
    const run = fixture.universality
    for (const chart of ['histogram', 'per-target']) {
      const spec = chartEntry(run, chart).spec(run)
      const png = await renderPng(spec, { widthInches: 3.25, dpi: 300 })
      expect(pngInfo(png).width, chart).toBe(975)
      // Bars: sky blue (histogram) or vermillion (attacker's head per target) fill area.
      const colour = chart === 'histogram' ? okabeIto.skyBlue : okabeIto.vermillion
      expect(await countColour(png, colour, 60), chart).toBeGreaterThan(500)
      expect(renderPdf(spec, { widthInches: 3.25 }).subarray(0, 5).toString(), chart).toBe('%PDF-')
    }
  })
})

interface PdfObject {
  id: number
  dict: string
  stream: Buffer | null
}

/** The numbered objects of a PDF: each dictionary and its stream, inflated when Flate-encoded. */
function pdfObjects(pdf: Buffer): PdfObject[] {
  const text = pdf.toString('latin1')
  const objects: PdfObject[] = []
  const start = /(\d+) 0 obj\s*/g
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const end = text.indexOf('endobj', m.index)
    const body = text.slice(m.index + m[0].length, end)
    const streamAt = body.indexOf('stream')
    const dict = streamAt >= 0 ? body.slice(0, streamAt) : body
    let stream: Buffer | null = null
    if (streamAt >= 0) {
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1])
      const from = m.index + m[0].length + streamAt + 'stream'.length
      const dataAt = text[from] === '\r' ? from + 2 : from + 1
      const raw = pdf.subarray(dataAt, dataAt + length)
      stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw
    }
    objects.push({ id: Number(m[1]), dict, stream })
  }
  return objects
}

function imageObjects(pdf: Buffer): PdfObject[] {
  return pdfObjects(pdf).filter((o) => /\/Subtype\s*\/Image\b/.test(o.dict))
}

const pdftoppm = spawnSync('pdftoppm', ['-v']).error === undefined

describe('PDF export', () => {
  it('draws the plot as vector paths and text, with no raster image', () => {
    const pdf = renderPdf(asrSpec(), { widthInches: 3.25, title: 'ASR' })
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const objects = pdfObjects(pdf)
    expect(imageObjects(pdf)).toEqual([])
    const page = objects.find((o) => /\/Type\s*\/Page\b/.test(o.dict))!
    // 3.25 in wide, 1.6 times wider than tall, in whole points.
    expect(page.dict).toMatch(/\/MediaBox \[0 0 234 146\]/)
    const content = objects
      .filter((o) => o.stream && !/\/Length1|\/Subtype/.test(o.dict))
      .map((o) => o.stream!.toString('latin1'))
      .join('\n')
    // Path construction and painting operators, and text shown with an embedded font.
    expect((content.match(/ l\n/g) ?? []).length).toBeGreaterThan(50)
    expect(content).toMatch(/\bS\n/)
    expect(content).toMatch(/\bf\n/)
    expect(content).toMatch(/BT[\s\S]*Tf[\s\S]*ET/)
    expect(objects.some((o) => /\/FontFile2|\/Length1/.test(o.dict))).toBe(true)
  })

  it('the raster check finds an image when there is one', () => {
    // The same check on a PDF that does embed a bitmap, so a rasterised plot cannot pass.
    const bitmap = createCanvas(40, 40)
    bitmap.getContext('2d').fillRect(0, 0, 20, 20)
    const doc = new PDFDocument()
    const ctx = doc.beginPage(100, 100) as unknown as SKRSContext2D
    ctx.drawImage(bitmap, 0, 0)
    doc.endPage()
    expect(imageObjects(doc.close()).length).toBeGreaterThan(0)
  })

  it.skipIf(!pdftoppm && !process.env.CI)(
    'opens in poppler: pdftoppm renders it at its size, with both networks visible',
    async () => {
      // On CI, poppler-utils is installed by .ci/run: a missing pdftoppm fails there.
      expect(pdftoppm, 'pdftoppm (poppler-utils) must be installed').toBe(true)
      const file = join(dir, 'asr.pdf')
      writeFileSync(file, renderPdf(asrSpec(), { widthInches: 3.25 }))
      const out = join(dir, 'asr-pdf')
      const result = spawnSync('pdftoppm', ['-png', '-r', '200', '-singlefile', file, out])
      expect(result.status, result.stderr?.toString()).toBe(0)
      const png = readFileSync(`${out}.png`)
      const { width } = pngInfo(png)
      expect(width).toBe(650)
      expect(await countColour(png, okabeIto.blue, 20)).toBeGreaterThan(1000)
      expect(await countColour(png, okabeIto.vermillion, 20)).toBeGreaterThan(1000)
    }
  )
})
