/**
 * A chart as LaTeX: a pgfplots axis with the plotted numbers inline (`\addplot table`), 95%
 * bands as `fill between`, whiskers, bars and shaded regions, in the colours, markers, dashes and
 * words of the screen, and the figure's key and notes under it, ready for `\input{}`.
 *
 * The axes are the ones chart.js lays out for the same figure (layout.ts): the same range, ticks
 * and tick labels, the plot the same size, so the LaTeX figure and the PNG of one width match.
 * Sizes convert at the layout's 120 CSS px per inch (1 px = 0.6 pt). Fonts are the document's.
 */
import type { AnyChartSpec } from '../../shared/chartEntry'
import { BAND_MARK, paperStyle } from '../../shared/charts'
import {
  areaFill,
  figureKey,
  isBandDataset,
  sampleOf,
  type FigureKey,
  type KeySample
} from '../../shared/figureKey'
import { LAYOUT_PX_PER_INCH, paperFigure, type LaidAxis } from './layout'
import { texText, texTick } from './texText'

export interface TexOptions {
  widthInches: number
  /** Said in the file's header comment. */
  title?: string
  caption?: string
}

/** Points per CSS pixel of the layout. */
const PT = 72 / LAYOUT_PX_PER_INCH

const pt = (px: number) => `${round(px * PT)}pt`
const round = (v: number) => Number(v.toFixed(3))

/** Numbers as the CSV writes them (shortest exact form); a gap is `nan`. */
function num(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? 'nan' : String(value)
}

/** The colours of a figure, each defined once by name, with the alpha as an opacity. */
class Palette {
  readonly names = new Map<string, string>()
  use(colour: string): { name: string; opacity: number } {
    const [r, g, b, a] = rgba(colour)
    const hex = [r, g, b]
      .map((c) => c.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase()
    const name = `bdl${hex}`
    this.names.set(name, hex)
    return { name, opacity: a }
  }
  definitions(): string[] {
    return [...this.names].map(([name, hex]) => `\\definecolor{${name}}{HTML}{${hex}}`)
  }
}

/** `#RRGGBB`, `rgb(...)`, `rgba(...)`, white or black as [r, g, b, alpha]. */
export function rgba(colour: string): [number, number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour)
  if (hex) {
    const n = Number.parseInt(hex[1], 16)
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1]
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(colour)
  if (fn) {
    const [r, g, b, a = 1] = fn[1].split(',').map((v) => Number(v.trim()))
    return [r, g, b, a]
  }
  if (colour === 'white') return [255, 255, 255, 1]
  if (colour === 'black') return [0, 0, 0, 1]
  throw new Error(`no LaTeX colour for '${colour}'`)
}

/** chart.js point styles as pgfplots marks (drawn filled or outlined by their options). */
const marks: Record<string, string> = {
  circle: '*',
  triangle: 'triangle*',
  rect: 'square*',
  rectRounded: 'square*',
  rectRot: 'diamond*',
  star: 'asterisk',
  cross: '+',
  crossRot: 'x',
  line: '-',
  dash: '-'
}

function dashPattern(dash: number[]): string | null {
  if (dash.length === 0) return null
  const pairs = dash.length % 2 === 0 ? dash : [...dash, ...dash]
  const parts: string[] = []
  for (let i = 0; i < pairs.length; i += 2) parts.push(`on ${pt(pairs[i])} off ${pt(pairs[i + 1])}`)
  return `dash pattern=${parts.join(' ')}`
}

/** pgfplots/TikZ options that draw a sample's line and marker (no area). */
function strokeOptions(sample: KeySample, palette: Palette): string[] {
  const options: string[] = []
  if (sample.line) {
    const c = palette.use(sample.line.colour)
    options.push(`color=${c.name}`, `line width=${pt(sample.line.width)}`)
    if (c.opacity < 1) options.push(`draw opacity=${c.opacity}`)
    const dash = dashPattern(sample.line.dash)
    if (dash) options.push(dash)
  }
  if (sample.marker) {
    const m = sample.marker
    const fill = palette.use(m.fill)
    const stroke = palette.use(m.stroke)
    const markOptions = [
      'solid',
      `fill=${fill.name}`,
      `draw=${stroke.name}`,
      `line width=${pt(m.borderWidth)}`,
      ...(fill.opacity < 1 ? [`fill opacity=${fill.opacity}`] : []),
      ...(stroke.opacity < 1 ? [`draw opacity=${stroke.opacity}`] : [])
    ]
    options.push(
      `mark=${marks[m.style] ?? '*'}`,
      `mark size=${pt(m.radius)}`,
      `mark options={${markOptions.join(', ')}}`
    )
  } else options.push('mark=none')
  return options
}

interface Point {
  x: number | string
  y: number | null
  at?: number
}

function pointsOf(data: unknown[]): Point[] {
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

interface Dataset {
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
function plotsOf(
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
function drawOrder(datasets: Dataset[]): Dataset[] {
  return datasets
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (b.d.order ?? 0) - (a.d.order ?? 0) || b.i - a.i)
    .map(({ d }) => d)
}

function axisOptions(axis: 'x' | 'y', laid: LaidAxis): string[] {
  const options = [
    // On a log axis pgfplots reads the limits and ticks as data values, as chart.js does.
    ...(laid.log ? [`${axis}mode=log`] : []),
    `${axis}min=${num(laid.min)}`,
    `${axis}max=${num(laid.max)}`,
    `${axis}tick={${laid.ticks.map((t) => num(t.value)).join(',')}}`,
    `${axis}ticklabels={${laid.ticks.map((t) => `{${texTick(t.label)}}`).join(',')}}`
  ]
  if (laid.title.length > 0) {
    options.push(`${axis}label={${laid.title.map(texText).join('\\\\')}}`)
    if (laid.title.length > 1) options.push(`${axis}label style={align=center}`)
  }
  return options
}

/**
 * Grid lines drawn stronger than the others (the line at 0 of an advantage axis), as lines
 * across the plot under the data.
 */
function strongGrid(axes: { x: LaidAxis; y: LaidAxis }, palette: Palette): string[] {
  return (['x', 'y'] as const).flatMap((axis) =>
    axes[axis].ticks
      .filter((t) => t.grid !== paperStyle.grid)
      .map((t) => {
        const c = palette.use(t.grid)
        const other = axis === 'x' ? axes.y : axes.x
        const [from, to] = [num(other.min), num(other.max)]
        const v = num(t.value)
        const ends = axis === 'y' ? [`${from},${v}`, `${to},${v}`] : [`${v},${from}`, `${v},${to}`]
        return `\draw[draw=${c.name}, draw opacity=${c.opacity}, line width=${pt(1)}] (axis cs:${ends[0]}) -- (axis cs:${ends[1]}); % grid: ${axis} = ${v}`
      })
  )
}

/** A sample of the key as an inline TikZ picture, as wide as the PNG's (18 px). */
function keySample(sample: KeySample, palette: Palette): string {
  const width = pt(18)
  const parts: string[] = []
  if (sample.area) {
    const fill = palette.use(sample.area.fill)
    const stroke = sample.area.stroke ? palette.use(sample.area.stroke) : null
    parts.push(
      `\\filldraw[fill=${fill.name}, fill opacity=${fill.opacity}, ${
        stroke ? `draw=${stroke.name}, line width=${pt(1)}` : 'draw=none'
      }] (${pt(2)},-${pt(4.5)}) rectangle (${pt(16)},${pt(4.5)});`
    )
  }
  if (sample.line) {
    const options = strokeOptions({ ...sample, marker: null }, palette).filter(
      (o) => o !== 'mark=none'
    )
    parts.push(`\\draw[${options.join(', ')}] (0pt,0pt) -- (${width},0pt);`)
  }
  if (sample.marker) {
    const marker = { ...sample.marker, radius: Math.min(Math.max(sample.marker.radius, 3), 4.5) }
    const options = strokeOptions({ line: null, marker, area: null }, palette)
    parts.push(`\\path plot[${options.join(', ')}] coordinates {(${pt(9)},0pt)};`)
  }
  // A strut keeps empty space the sample's width when it draws only a marker.
  parts.push(`\\path (0pt,0pt) (${width},0pt);`)
  return `\\tikz[baseline=-0.6ex]{${parts.join(' ')}}`
}

/** The key under the figure: each group on lines of its own, entries wrapping at its width. */
function keyLines(key: FigureKey, palette: Palette): string[] {
  const muted = palette.use('#57606a').name
  const lines: string[] = []
  for (const group of key.groups) {
    const entries = group.entries.map(
      (e) => `\\mbox{${keySample(e.sample, palette)}\\,${texText(e.text)}}`
    )
    if (group.title) entries.unshift(`\\mbox{\\textcolor{${muted}}{${texText(group.title)}:}}`)
    lines.push(`${entries.join('\\hskip 1em plus 0.5em\\relax\n  ')}\\par`)
  }
  if (lines.length > 0 && key.notes.length > 0) lines.push(`\\vspace{${pt(4)}}`)
  for (const note of key.notes) lines.push(`{\\color{${muted}}${texText(note)}.\\par}`)
  return lines
}

/**
 * The figure as a LaTeX fragment: a minipage as wide as the figure holding the pgfplots axis and
 * the key. Needs `\usepackage{pgfplots}` and `\usepgfplotslibrary{fillbetween}` (the header
 * says so) and compiles with pdflatex.
 */
export function renderTex(spec: AnyChartSpec, options: TexOptions): string {
  const figure = paperFigure(spec, options.widthInches)
  const palette = new Palette()
  const text = palette.use(paperStyle.text)
  const axisLine = palette.use(paperStyle.axis)
  const gridLine = palette.use(paperStyle.grid)
  let counter = 0
  const names = { next: () => `bdlpath${++counter}` }
  const datasets = spec.data.datasets as Dataset[]
  const plots = drawOrder(datasets).flatMap((d) =>
    plotsOf(d, datasets, figure.axes, palette, names)
  )
  const inside = (axis: LaidAxis, values: (number | null)[]) =>
    values.every((v) => v == null || (v >= axis.min - 1e-9 && v <= axis.max + 1e-9))
  const ys = datasets.flatMap((d) => pointsOf(d.data).map((p) => p.y))
  const xs = datasets.flatMap((d) =>
    pointsOf(d.data).map((p) => (typeof p.x === 'number' ? p.x : null))
  )
  // Markers at the axis limits are drawn whole, as on screen, when nothing lies outside them.
  const clip = !(inside(figure.axes.x, xs) && inside(figure.axes.y, ys))
  const axis = [
    'scale only axis',
    'width=#1',
    `height=${pt(figure.plot.height)}`,
    ...axisOptions('x', figure.axes.x),
    ...axisOptions('y', figure.axes.y),
    'axis x line*=bottom',
    'axis y line*=left',
    `axis line style={draw=${axisLine.name}, draw opacity=${axisLine.opacity}, line width=${pt(1)}}`,
    'grid=major',
    `major grid style={draw=${gridLine.name}, draw opacity=${gridLine.opacity}, line width=${pt(1)}}`,
    'tick align=outside',
    `major tick length=${pt(8)}`,
    `tick style={draw=${gridLine.name}, draw opacity=${gridLine.opacity}, line width=${pt(1)}}`,
    'scaled ticks=false',
    `tick label style={font=\\scriptsize, text=${text.name}}`,
    `label style={font=\\footnotesize, text=${text.name}}`,
    'unbounded coords=jump',
    `clip=${clip}`
  ]
  const key = keyLines(figureKey(spec), palette)
  const width = `${round(options.widthInches)}in`
  const comments = [
    `% ${options.title ?? 'Figure'} (Backdoor Lab)`,
    ...(options.caption ? [`% Caption: ${options.caption}`] : []),
    '% Needs in the preamble: \\usepackage{pgfplots} \\usepgfplotslibrary{fillbetween}',
    '% and \\pgfplotsset{compat=1.16} or newer. Use it with \\input{this file}; the numbers are',
    "% the ones plotted, the same as the chart's CSV export ('nan' is a gap)."
  ]
  const plotWidth = pt(figure.plot.width)
  return [
    ...comments,
    `\\begin{minipage}{${width}}\\centering`,
    ...palette.definitions().map((d) => `${d}%`),
    // The axis as a macro of its plot's width: typeset once to measure what the document's fonts
    // put around the plot (tick labels, titles), then with the plot as wide as leaves the figure
    // exactly the figure's width.
    '\\def\\bdlfigure#1{%',
    '\\begin{tikzpicture}',
    '\\begin{axis}[',
    ...axis.map((o, i) => `  ${o}${i < axis.length - 1 ? ',' : ''}`),
    ']',
    ...strongGrid(figure.axes, palette),
    ...plots,
    '\\end{axis}',
    '\\end{tikzpicture}}%',
    `\\setbox0=\\hbox{\\bdlfigure{${plotWidth}}}%`,
    `\\edef\\bdlwidth{\\the\\dimexpr ${width} - \\wd0 + ${plotWidth}\\relax}%`,
    '\\bdlfigure{\\bdlwidth}\\par',
    ...(key.length > 0
      ? [`\\vspace{${pt(4)}}{\\scriptsize\\color{${text.name}}`, ...key.map((l) => `  ${l}`), '}']
      : []),
    '\\end{minipage}',
    ''
  ].join('\n')
}
