/**
 * A sweep's metric against a swept field (SCIENCE.md section 12): at each point the mean over its
 * seeds as a line with markers and its 95% t-interval as a band, every seed's own value as a
 * faint dot, one line per value of the second field. Built from the chart primitives of
 * src/shared/charts.ts and chartAxes.ts, so the screen and every export draw the same spec. Pure;
 * no Node, no DOM.
 */
import type { LegendItem, Scale } from 'chart.js'
import {
  BAND_MARK,
  band,
  markerClip,
  measured,
  okabeIto,
  paperBackground,
  paperStyle,
  withAlpha,
  type ChartPoint,
  type LineChartSpec,
  type LineDataset
} from '../shared/charts'
import { baseOptions, formatTick } from '../shared/chartAxes'
import type { SeriesRecord } from '../shared/results'
import type { SweptValue } from '../shared/sweep'
import { otherAxis, sweepAxis, sweepNotes, type SweepAxis, type SweepChartInput } from './sweepAxes'

export { sweepCaption, sweepChartTitle, sweepNotes, type SweepChartInput } from './sweepAxes'

/** The names a sweep's charts are exported under. */
export const sweepChartNames = ['sweep-mean', 'sweep-heatmap'] as const
export type SweepChartName = (typeof sweepChartNames)[number]

/** One colour per line; yellow left out (faint on white), dashes once the colours run out. */
export const sweepPalette = [
  okabeIto.blue,
  okabeIto.vermillion,
  okabeIto.bluishGreen,
  okabeIto.reddishPurple,
  okabeIto.orange,
  okabeIto.skyBlue,
  okabeIto.black
] as const

/** Seed dots carry this in their label: drawn, kept out of the key (one entry says what they are). */
export const SEED_MARK = 'each seed'
const SEED_ALPHA = 0.4
const SEED_RADIUS = 2.5

function seedLabel(line: string): string {
  return `${line} · ${SEED_MARK}`
}

/** The legend leaves out bands and each line's seed dots. */
export function sweepLegendFilter(item: LegendItem): boolean {
  return !item.text.includes(BAND_MARK) && !item.text.endsWith(` · ${SEED_MARK}`)
}

/** A line of the chart: the points of one value of the other field (or all), by x. */
interface Line {
  label: string
  colour: string
  dash: number[]
  points: SweepChartInput['aggregate']['points']
}

function linesOf(input: SweepChartInput, x: SweepAxis, other: SweepAxis | null): Line[] {
  const byX = (
    a: { values: Record<string, SweptValue> },
    b: { values: Record<string, SweptValue> }
  ) => x.position(a.values[x.path]) - x.position(b.values[x.path])
  const all = input.aggregate.points
  if (!other) {
    return [
      {
        label: 'Mean over seeds',
        colour: sweepPalette[0],
        dash: [],
        points: [...all].sort(byX)
      }
    ]
  }
  return other.values.map((value, i) => ({
    label: `${other.symbol} = ${other.words(value)}`,
    colour: sweepPalette[i % sweepPalette.length],
    dash: i >= sweepPalette.length ? [...paperStyle.theoryDash] : [],
    points: all.filter((p) => p.values[other.path] === value).sort(byX)
  }))
}

/** A line's means and intervals as a series, for the band and curve primitives. */
function seriesOf(line: Line, x: SweepAxis): SeriesRecord {
  return {
    model: 'sweep',
    name: line.label,
    points: line.points.map((p) => ({
      x: x.position(p.values[x.path]),
      value: p.aggregate.mean,
      lower: p.aggregate.lower,
      upper: p.aggregate.upper
    }))
  }
}

/** Every finished seed's own value at its point's x, faint, under the line. */
function seedDots(line: Line, x: SweepAxis): LineDataset {
  const data: ChartPoint[] = line.points.flatMap((p) =>
    p.seeds
      .filter((s) => s.status === 'done' && s.value != null)
      .map((s) => ({ x: x.position(p.values[x.path]), y: s.value }))
  )
  return {
    label: seedLabel(line.label),
    data,
    showLine: false,
    borderColor: withAlpha(line.colour, SEED_ALPHA),
    backgroundColor: withAlpha(line.colour, SEED_ALPHA),
    borderWidth: 0,
    pointRadius: SEED_RADIUS,
    pointHoverRadius: SEED_RADIUS + 1.5,
    pointHitRadius: 3,
    clip: markerClip(SEED_RADIUS + 1.5, 0),
    fill: false,
    order: 2
  }
}

/** Entries for the key only (no points): what the dots and the band are. */
function keyEntries(single: Line | null): LineDataset[] {
  const colour = single?.colour ?? '#4d4d4d'
  return [
    {
      label: 'Each seed',
      data: [],
      showLine: false,
      borderColor: withAlpha(colour, SEED_ALPHA),
      backgroundColor: withAlpha(colour, SEED_ALPHA),
      borderWidth: 0,
      pointRadius: SEED_RADIUS,
      fill: false,
      order: 6
    },
    {
      label: '95% t-interval over seeds',
      data: [],
      borderColor: 'rgba(0, 0, 0, 0)',
      backgroundColor: withAlpha(colour, paperStyle.bandAlpha),
      borderWidth: 0,
      pointRadius: 0,
      pointStyle: 'rect',
      fill: 'shape',
      order: 6
    }
  ]
}

/** Puts the ticks of an axis at the given positions (a choice's values, a log sweep's values). */
function ticksAt(positions: number[]) {
  return (axis: Scale) => {
    axis.ticks = positions
      .filter((v) => v >= axis.min - 1e-12 * Math.abs(axis.min) && v <= axis.max * (1 + 1e-12))
      .map((value) => ({ value }))
  }
}

/** The x scale of a swept field: linear, log, or a choice's words at 0, 1, 2... */
export function sweepXScale(
  axis: SweepAxis,
  base: Record<string, unknown>
): Record<string, unknown> {
  const positions = axis.values.map((v) => axis.position(v))
  const [min, max] = [Math.min(...positions), Math.max(...positions)]
  if (!axis.numeric) {
    const words = new Map(axis.values.map((v) => [axis.position(v), axis.words(v)]))
    return {
      ...base,
      type: 'linear',
      min: min - 0.5,
      max: max + 0.5,
      afterBuildTicks: ticksAt(positions),
      ticks: { ...(base.ticks as object), callback: (value: number) => words.get(value) ?? '' },
      grid: { ...(base.grid as object), display: false }
    }
  }
  if (axis.log) {
    return {
      ...base,
      type: 'logarithmic',
      min,
      max,
      ...(positions.length <= 12 ? { afterBuildTicks: ticksAt(positions) } : {}),
      ticks: { ...(base.ticks as object), callback: (value: number) => formatTick(value) }
    }
  }
  return { ...base, type: 'linear', min, max }
}

/**
 * The sweep's metric against swept field `x` (0 or 1): per line, the band, the mean with its
 * markers, and the seeds' dots; one line per value of the other field when there are two.
 */
export function sweepMeanSpec(input: SweepChartInput, x: 0 | 1 = 0): LineChartSpec {
  const xAxis = sweepAxis(input, x)
  const other = otherAxis(input, x)
  const lines = linesOf(input, xAxis, other)
  const datasets: LineDataset[] = []
  for (const line of lines) datasets.push(...band(seriesOf(line, xAxis), line.label, line.colour))
  for (const line of lines) datasets.push(seedDots(line, xAxis))
  for (const line of lines) {
    const curve = measured(seriesOf(line, xAxis), line.label, line.colour)
    datasets.push({
      ...curve,
      pointRadius: 3,
      ...(line.dash.length > 0 ? { borderDash: line.dash } : {}),
      // A mean with one seed on either side is not joined across a point without one.
      spanGaps: false,
      order: 0
    })
  }
  datasets.push(...keyEntries(other ? null : lines[0]))
  const options = baseOptions(xAxis.title, input.aggregate.metric.label, {}, null)
  const scales = options.scales as Record<string, Record<string, unknown>>
  scales.x = sweepXScale(xAxis, scales.x)
  const legend = options.plugins!.legend!
  // Markers in the screen's legend: a dot for the seeds, a swatch for the band (the exported
  // figure's key draws each sample as it is drawn).
  legend.labels = {
    ...legend.labels,
    filter: sweepLegendFilter,
    usePointStyle: true,
    boxWidth: 10,
    boxHeight: 10
  }
  options.plugins!.paper = { notes: sweepNotes(input) }
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}
