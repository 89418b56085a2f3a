/**
 * A sweep of two fields as a heat map: one cell per point, coloured by the mean of the metric over
 * its seeds on the viridis scale (perceptually even, readable with every common colour-vision
 * deficiency and in grey). Chart.js has no matrix chart here, so each cell is a closed rectangle
 * of a line chart filled inside its outline (`fill: 'shape'`), as bars are drawn elsewhere; the
 * cells are equal in size whatever the spacing of the swept values, each value at its index. The
 * key shows the colours of five means from the lowest to the highest. Pure; no Node, no DOM.
 */
import type { Scale, TooltipItem } from 'chart.js'
import {
  paperBackground,
  paperStyle,
  type ChartPoint,
  type LineChartSpec,
  type LineDataset
} from '../shared/charts'
import { baseOptions, formatTick } from '../shared/chartAxes'
import { otherAxis, pointLabel, sweepAxis, sweepNotes, type SweepChartInput } from './sweepAxes'

/** Viridis (matplotlib's), at ten even stops. */
const VIRIDIS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725'
]

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))

/** The viridis colour at t in [0, 1] (clamped), interpolated between its stops. */
export function viridis(t: number): string {
  const at = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(at))
  const f = at - i
  const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])]
  const mixed = a.map((c, k) => Math.round(c + f * (b[k] - c)))
  return `#${mixed.map((c) => c.toString(16).padStart(2, '0')).join('')}`
}

/** Where a cell has no mean yet (no finished seed with a value). */
export const NO_VALUE_COLOUR = '#e6e6e6'
/** Cells carry this in their label: drawn, kept out of the key. */
export const CELL_MARK = 'cell'
const KEY_STOPS = 5

/** The colour of a mean on the heat map's scale from `lowest` to `highest`. */
export function cellColour(mean: number | null, lowest: number, highest: number): string {
  if (mean == null) return NO_VALUE_COLOUR
  return viridis(highest > lowest ? (mean - lowest) / (highest - lowest) : 0.5)
}

function cell(x: number, y: number, colour: string, label: string): LineDataset {
  const h = 0.5
  return {
    label: `${CELL_MARK} · ${label}`,
    data: [
      { x: x - h, y: y - h },
      { x: x - h, y: y + h },
      { x: x + h, y: y + h },
      { x: x + h, y: y - h },
      { x: x - h, y: y - h }
    ],
    borderColor: paperStyle.background,
    backgroundColor: colour,
    borderWidth: 1,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    fill: 'shape',
    order: 3
  }
}

function swatch(label: string, colour: string): LineDataset {
  return {
    label,
    data: [],
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 0,
    pointRadius: 0,
    fill: 'shape',
    order: 6
  }
}

function categoryScale(
  base: Record<string, unknown>,
  count: number,
  words: (i: number) => string
): Record<string, unknown> {
  return {
    ...base,
    type: 'linear',
    min: -0.5,
    max: count - 0.5,
    afterBuildTicks: (axis: Scale) => {
      axis.ticks = Array.from({ length: count }, (_, value) => ({ value }))
    },
    ticks: { ...(base.ticks as object), callback: (value: number) => words(value) },
    grid: { ...(base.grid as object), display: false }
  }
}

/**
 * The mean of the metric at each point of a two-field sweep: field `x` across, the other up, one
 * cell per point; tooltips name the point, its mean and n.
 */
export function sweepHeatmapSpec(input: SweepChartInput, x: 0 | 1 = 0): LineChartSpec {
  const xAxis = sweepAxis(input, x)
  const yAxis = otherAxis(input, x)
  if (!yAxis) throw new Error('a heat map needs a sweep of two fields')
  const order = (values: typeof xAxis.values, axis: typeof xAxis) =>
    [...values].sort((a, b) => axis.position(a) - axis.position(b))
  const xs = order(xAxis.values, xAxis)
  const ys = order(yAxis.values, yAxis)
  const means = input.aggregate.points
    .map((p) => p.aggregate.mean)
    .filter((m): m is number => m != null)
  const [lowest, highest] = means.length ? [Math.min(...means), Math.max(...means)] : [0, 0]
  const datasets: LineDataset[] = []
  const centres: (ChartPoint & { text: string })[] = []
  for (const point of input.aggregate.points) {
    const cx = xs.indexOf(point.values[xAxis.path])
    const cy = ys.indexOf(point.values[yAxis.path])
    const { mean, n, of } = point.aggregate
    const label = pointLabel([xAxis, yAxis], point.values)
    datasets.push(cell(cx, cy, cellColour(mean, lowest, highest), label))
    const value = mean == null ? 'no value' : `mean ${formatTick(mean)}`
    centres.push({ x: cx, y: cy, text: `${label}: ${value} (n = ${n} of ${of})` })
  }
  // Invisible points at the cells' centres carry the tooltips (nothing drawn, no key entry).
  datasets.push({
    label: `${CELL_MARK} · centres`,
    data: centres.map(({ x, y }) => ({ x, y })),
    showLine: false,
    borderColor: 'rgba(0, 0, 0, 0)',
    backgroundColor: 'rgba(0, 0, 0, 0)',
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 14,
    fill: false,
    order: 0
  })
  if (means.length > 0) {
    for (let i = 0; i < KEY_STOPS; i++) {
      const t = i / (KEY_STOPS - 1)
      const value = highest > lowest ? lowest + t * (highest - lowest) : lowest
      const end = i === 0 ? ' (lowest mean)' : i === KEY_STOPS - 1 ? ' (highest mean)' : ''
      if (highest === lowest && i > 0) break
      datasets.push(
        swatch(`${formatTick(value)}${end}`, highest > lowest ? viridis(t) : viridis(0.5))
      )
    }
  }
  if (means.length < input.aggregate.points.length) {
    datasets.push(swatch('No value yet', NO_VALUE_COLOUR))
  }
  const options = baseOptions(xAxis.title, yAxis.title, {}, null)
  const scales = options.scales as Record<string, Record<string, unknown>>
  scales.x = categoryScale(scales.x, xs.length, (i) =>
    xs[i] === undefined ? '' : xAxis.words(xs[i])
  )
  scales.y = categoryScale(scales.y, ys.length, (i) =>
    ys[i] === undefined ? '' : yAxis.words(ys[i])
  )
  const legend = options.plugins!.legend!
  legend.labels = {
    ...legend.labels,
    boxWidth: 14,
    boxHeight: 10,
    filter: (item) => !item.text.startsWith(`${CELL_MARK} · `)
  }
  options.interaction = { mode: 'nearest', intersect: false }
  options.plugins!.tooltip = {
    enabled: true,
    filter: (item: TooltipItem<'line'>) => item.dataset.label === `${CELL_MARK} · centres`,
    callbacks: { label: (item: TooltipItem<'line'>) => centres[item.dataIndex]?.text ?? '' }
  }
  options.plugins!.paper = {
    notes: [...sweepNotes(input, true), 'Cells equal in size whatever the spacing of the values']
  }
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}
