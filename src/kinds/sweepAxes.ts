/**
 * A sweep's charts in words and positions: how each swept field lies on an axis (numbers at their
 * values, on a log axis for a log range or values spaced evenly in log; choices and flags at
 * 0, 1, 2... with their words), and what the intervals of a sweep cover, said from its numbers.
 * Pure; no Node, no DOM.
 */
import { configWords } from '../shared/fields'
import { capitalised, significant } from '../shared/format'
import type { SweepAggregate, SweptField } from '../shared/sweepStatus'
import type { Sweep, SweptValue } from '../shared/sweep'
import { findKind } from './registry'
import { symbolOf } from './sweepWords'

/** What a sweep chart is drawn from: the sweep (as getSweep answers it) and one metric. */
export interface SweepChartInput {
  sweep: {
    id: number
    name: string
    kind: string
    fields: SweptField[]
    seeds: number
    sweep: Sweep
  }
  aggregate: SweepAggregate
}

/** A swept field as an axis (or as the lines of a chart). */
export interface SweepAxis {
  path: string
  /** The axis title: "Spike strength θ". */
  title: string
  /** Its symbol, or its path: "θ". */
  symbol: string
  values: SweptValue[]
  /** Numbers sit at their values; anything else at its index. */
  numeric: boolean
  log: boolean
  position(value: SweptValue): number
  /** A value in words: "0.001", "Adam", "yes". */
  words(value: SweptValue): string
}

/** Two ratios this close count as equal when telling evenly spaced values in log. */
const EVEN_RATIO = 1.25

/**
 * Whether positive values at least a factor of 10 apart are spaced evenly in log (100, 316,
 * 1000, 3162, 10000: a log range rounded to whole numbers), not evenly (1, 2, 3, 4).
 */
export function evenInLog(values: readonly number[]): boolean {
  const sorted = [...new Set(values)].sort((a, b) => a - b)
  if (sorted.length < 3 || sorted[0] <= 0) return false
  if (sorted[sorted.length - 1] / sorted[0] < 10) return false
  const ratios = sorted.slice(1).map((v, i) => v / sorted[i])
  return Math.max(...ratios) / Math.min(...ratios) <= EVEN_RATIO
}

/** Field `index` of a sweep as an axis (of a chart's input, or of the sweep alone). */
export function sweepAxis(
  source: SweepChartInput | SweepChartInput['sweep'],
  index: number
): SweepAxis {
  const sweep = 'aggregate' in source ? source.sweep : source
  const field = sweep.fields[index]
  const spec = sweep.sweep.fields[index]
  const numeric = field.values.every((v) => typeof v === 'number')
  const log =
    numeric &&
    (spec?.range?.scale === 'log' || (spec?.values != null && evenInLog(field.values as number[])))
  const schema = findKind(sweep.kind)?.schema
  const words = (value: SweptValue) => {
    if (typeof value === 'number') return significant(value, 4)
    if (typeof value === 'boolean') return value ? 'yes' : 'no'
    return schema ? configWords(schema, field.path, value).value : String(value)
  }
  return {
    path: field.path,
    title: capitalised(field.label),
    symbol: symbolOf(sweep.kind, field.path),
    values: field.values,
    numeric,
    log,
    position: (value) => (numeric ? (value as number) : field.values.indexOf(value)),
    words
  }
}

/** The other swept field's axis, when the sweep has two. */
export function otherAxis(input: SweepChartInput, x: number): SweepAxis | null {
  return input.sweep.fields.length > 1 ? sweepAxis(input, x === 0 ? 1 : 0) : null
}

/** The x field asked for, checked: 0 unless the sweep has a second field and 1 is asked. */
export function xIndex(input: SweepChartInput, x: number | undefined): 0 | 1 {
  return x === 1 && input.sweep.fields.length > 1 ? 1 : 0
}

/** Counts over a sweep's seeds of one metric, for the words below its charts. */
export function sweepCounts(aggregate: SweepAggregate) {
  const points = aggregate.points
  const seeds = points.flatMap((p) => p.seeds)
  const ns = points.map((p) => p.aggregate.n)
  return {
    points: points.length,
    runs: seeds.length,
    done: seeds.filter((s) => s.status === 'done').length,
    /** Done seeds without a value (the metric undefined there). */
    undefinedValues: points.reduce((sum, p) => sum + (p.aggregate.of - p.aggregate.n), 0),
    pointsWithUndefined: points.filter((p) => p.aggregate.n < p.aggregate.of).length,
    pointsWithoutInterval: points.filter((p) => p.aggregate.n < 2).length,
    minN: ns.length ? Math.min(...ns) : 0,
    maxN: ns.length ? Math.max(...ns) : 0
  }
}

/**
 * What the marks of a sweep chart mean and cover, each sentence from the sweep's numbers: the
 * interval is the spread across seeds of one configuration (n shown), a rate undefined in some
 * seeds is averaged over the seeds where it is defined, unfinished runs are left out.
 */
export function sweepNotes(input: SweepChartInput, heatmap = false): string[] {
  const c = sweepCounts(input.aggregate)
  const r = input.sweep.seeds
  const notes: string[] = []
  const n =
    c.minN === c.maxN
      ? `n = ${c.minN} ${c.minN === 1 ? 'seed' : 'seeds'} at every point`
      : `n = ${c.minN} to ${c.maxN} seeds per point (of ${r})`
  notes.push(
    heatmap
      ? `Colour: the mean of ${input.aggregate.metric.label} over the seeds of each point, ${n}`
      : `Line: the mean over the seeds of each point; band: its 95% t-interval (mean ± t·sd/√n), the spread across seeds of this configuration; ${n}`
  )
  if (!heatmap && c.pointsWithoutInterval > 0) {
    notes.push(
      `No band at ${c.pointsWithoutInterval} ${c.pointsWithoutInterval === 1 ? 'point' : 'points'} with fewer than 2 seeds that have a value`
    )
  }
  if (c.pointsWithUndefined > 0) {
    notes.push(
      `At ${c.pointsWithUndefined} ${c.pointsWithUndefined === 1 ? 'point' : 'points'}, ${c.undefinedValues} finished ${c.undefinedValues === 1 ? 'seed has' : 'seeds have'} no value (undefined there): the mean is over the seeds that have one`
    )
  }
  if (c.done < c.runs) {
    notes.push(`${c.runs - c.done} of ${c.runs} runs not done (yet): left out`)
  }
  return notes
}

/** "θ = 2, m = 100" for a point, from the axes. */
export function pointLabel(axes: SweepAxis[], values: Record<string, SweptValue>): string {
  return axes.map((a) => `${a.symbol} = ${a.words(values[a.path])}`).join(', ')
}

/** A chart's title: "λ50, backdoored network against spike strength θ". */
export function sweepChartTitle(input: SweepChartInput, chart: 'mean' | 'heatmap', x: 0 | 1) {
  const metric = input.aggregate.metric.label
  const xAxis = sweepAxis(input, x)
  const other = otherAxis(input, x)
  if (chart === 'heatmap' && other) {
    return `${metric}: mean over seeds by ${xAxis.symbol} and ${other.symbol}`
  }
  // "λ50, backdoored network, against …": the metric's own commas close before the axis.
  const against = metric.includes(',') ? ', against' : ' against'
  return `${metric}${against} ${xAxis.title.charAt(0).toLowerCase()}${xAxis.title.slice(1)}${other ? `, one line per ${other.symbol}` : ''}`
}

/** One caption line for a sweep chart: what it shows, which sweep, and what the marks mean. */
export function sweepCaption(input: SweepChartInput, chart: 'mean' | 'heatmap', x: 0 | 1) {
  const kind = findKind(input.sweep.kind)
  const fields = input.sweep.fields.map((f) => `${f.label} (${f.values.length} values)`)
  const about = `sweep #${input.sweep.id} of ${kind ? kind.noun : input.sweep.kind} runs over ${fields.join(' × ')}, ${input.sweep.seeds} ${input.sweep.seeds === 1 ? 'seed' : 'seeds'} per point from sweep seed ${input.sweep.sweep.seed}`
  const notes = sweepNotes(input, chart === 'heatmap')
  return `${sweepChartTitle(input, chart, x)}, ${about}. ${notes.map((n) => `${n}.`).join(' ')}`
}
