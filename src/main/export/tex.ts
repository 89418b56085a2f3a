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
import { paperStyle } from '../../shared/charts'
import { figureKey, type FigureKey, type KeySample } from '../../shared/figureKey'
import { paperFigure, type LaidAxis } from './layout'
import { num, Palette, pt, round, strokeOptions } from './texDraw'
import { drawOrder, plotsOf, pointsOf, type Dataset } from './texPlots'
import { texText, texTick } from './texText'

export interface TexOptions {
  widthInches: number
  /** Said in the file's header comment. */
  title?: string
  caption?: string
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
        return `\\draw[draw=${c.name}, draw opacity=${c.opacity}, line width=${pt(1)}] (axis cs:${ends[0]}) -- (axis cs:${ends[1]}); % grid: ${axis} = ${v}`
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
