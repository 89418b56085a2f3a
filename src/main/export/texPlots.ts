/**
 * The datasets of a chart as pgfplots plots, in chart.js's drawing order: curves and markers,
 * 95% bands as `fill between`, whiskers, bars and shaded regions, each with its numbers inline.
 */
import { BAND_MARK } from '../../shared/charts'
import { areaFill, isBandDataset, sampleOf } from '../../shared/figureKey'
import type { LaidAxis } from './layout'
import { num, Palette, pt, strokeOptions } from './texDraw'

interface Point {
  x: number | string
  y: number | null
  at?: number
}

export function pointsOf(data: unknown[]): Point[] {
  return data.map((raw) => {
    const { x, y, at } = (raw ?? {}) as { x?: number | string; y?: number | null; at?: number }
    return { x: x ?? NaN, y: y ?? null, ...(typeof at === 'number' ? { at } : {}) }
  })
}

/** An inline table: a header, then one row per point (`nan` for a gap). */
function table(columns: string[], rows: (number | string | null)[][]): string {
  const body = rows.map((r) => r.map((v) => (typeof v === 'string' ? v : num(v))).join(' '))
  return `table[row sep=\\\\] {${[columns.join(' '), ...body].map((l) => `${l}\\\\`).join(' ')}}`
}

function xyTable(points: Point[]): string {
  const withAt = points.some((p) => p.at !== undefined)
  return withAt
    ? table(
        ['x', 'y', 'at'],
        points.map((p) => [p.x, p.y, p.at ?? null])
      )
    : table(
        ['x', 'y'],
        points.map((p) => [p.x, p.y])
      )
}

export interface Dataset {
  label?: string
  data: unknown[]
  order?: number
  fill?: unknown
  showLine?: boolean
  backgroundColor?: unknown
  borderColor?: unknown
  borderWidth?: unknown
}

const bandSuffix = (bound: 'lower' | 'upper') => ` · ${BAND_MARK} ${bound}`

/**
 * The plots of one dataset, each after a comment naming its role and series. Band edges are
 * written with the upper edge (the dataset that fills), as chart.js draws them.
 */
export function plotsOf(
  d: Dataset,
  all: Dataset[],
  axes: { y: LaidAxis },
  palette: Palette,
  names: { next(): string }
): string[] {
  const label = d.label ?? ''
  const points = pointsOf(d.data)
  const comment = (role: string, of = label) => `% ${role}: ${of.replace(/\s+/g, ' ')}`
  // A dataset without points is there for the key alone (a heat map's colour swatches).
  if (points.length === 0) return []
  if (label.endsWith(bandSuffix('lower'))) return []
  if (label.endsWith(bandSuffix('upper'))) {
    const series = label.slice(0, -bandSuffix('upper').length)
    const lower = all.find((o) => o.label === `${series}${bandSuffix('lower')}`)
    const lows = lower ? pointsOf(lower.data) : []
    const fill = palette.use(String(d.backgroundColor ?? 'rgba(0, 0, 0, 0.1)'))
    const out = [comment('band lower', series), comment('band upper', series)]
    // One fill between each run of points where both edges have a value.
    let run: { x: number | string; lo: number; hi: number }[] = []
    const flush = () => {
      if (run.length > 1) {
        const [a, b] = [names.next(), names.next()]
        out.push(
          `\\addplot[draw=none, forget plot, name path=${a}] ${table(
            ['x', 'lower'],
            run.map((p) => [p.x, p.lo])
          )};`,
          `\\addplot[draw=none, forget plot, name path=${b}] ${table(
            ['x', 'upper'],
            run.map((p) => [p.x, p.hi])
          )};`,
          `\\addplot[fill=${fill.name}, fill opacity=${fill.opacity}, draw=none, forget plot] fill between[of=${a} and ${b}];`
        )
      }
      run = []
    }
    points.forEach((p, i) => {
      const lo = lows.find((q) => q.x === p.x)?.y ?? lows[i]?.y ?? null
      if (p.y == null || lo == null) flush()
      else run.push({ x: p.x, lo, hi: p.y })
    })
    flush()
    return out
  }
  const sample = sampleOf(d)
  if (isBandDataset(d)) {
    // Whiskers: vertical segments (lower, upper) at each x, separated by gaps.
    if (!sample?.line) return []
    const options = strokeOptions({ ...sample, marker: null }, palette)
    return [comment('whiskers', label.slice(0, -` · ${BAND_MARK}`.length)), plot(options, points)]
  }
  const area = areaFill(d)
  if (area && sample?.area) {
    const fill = palette.use(sample.area.fill)
    const options = [`fill=${fill.name}`, `fill opacity=${fill.opacity}`]
    if (area === 'origin' || area === 'shape') {
      // Bars and cells: closed outlines, one after another, filled.
      const stroke = sample.area.stroke ? palette.use(sample.area.stroke) : null
      const width = typeof d.borderWidth === 'number' ? d.borderWidth : 1
      options.push(stroke ? `draw=${stroke.name}, line width=${pt(width)}` : 'draw=none')
      return [comment('bars', label), plot(options, points)]
    }
    // A shaded region from the line to the top (or bottom) of the plot, then the line itself.
    const edge = area === 'end' ? axes.y.max : axes.y.min
    const ys = points.filter((p) => p.y != null)
    const region = [...ys, { x: ys[ys.length - 1].x, y: edge }, { x: ys[0].x, y: edge }]
    const line = sampleOf({ ...d, fill: false })
    return [
      comment('region', label),
      `\\addplot[${[...options, 'draw=none', 'forget plot'].join(', ')}] ${xyTable(region)} -- cycle;`,
      ...(line ? [comment('curve', label), plot(strokeOptions(line, palette), points)] : [])
    ]
  }
  if (!sample) {
    // Drawn invisibly (the values of bars, for their tooltips): the numbers, nothing on paper.
    return [comment('values', label), plot(['draw=none', 'mark=none'], points)]
  }
  const options = strokeOptions(sample, palette)
  if (!sample.line) options.push('only marks')
  return [comment('curve', label), plot(options, points)]
}

function plot(options: string[], points: Point[]): string {
  return `\\addplot[${[...options, 'forget plot'].join(', ')}] ${xyTable(points)};`
}

/** chart.js draws the highest `order` first and, within one order, the last dataset first. */
export function drawOrder(datasets: Dataset[]): Dataset[] {
  return datasets
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (b.d.order ?? 0) - (a.d.order ?? 0) || b.i - a.i)
    .map(({ d }) => d)
}
