/**
 * Compare by seed group (SCIENCE.md section 12): the compared runs as columns, a run alone or a
 * seed group, and a group as one "mean run" whose metrics are the mean and t-interval of each
 * metric over the group's seeds (section 5) and whose series are the mean curve with the
 * t-interval at each x. The chart builders draw a mean run as any run, so a group's chart is its
 * mean curve with the across-seed band. A series whose x values differ between seeds (x measured
 * in each run, as a head's clean accuracy) has no mean curve and is left out, and said so.
 * Pure; no Node, no DOM.
 */
import type { MetricRecord, RunDetail, SeriesPoint, SeriesRecord } from './results'
import { countedRuns, groupName, keyAggregate, seedGroups } from './seedGroups'
import { aggregate, type Aggregate } from './sweep'

/** A column of a grouped comparison: one run, or a seed group of several. */
export interface CompareColumn {
  /** How tables name the column: `#12` for a run, `A`, `B` for groups. */
  tag: string
  /** How chart legends name it: `#12`, or `A (mean of 3 seeds)`. */
  legend: string
  /** Its runs: one, or the group's, in the order given. */
  runs: RunDetail[]
  /** What tables and charts read: the run itself, or the group's mean run. */
  run: RunDetail
  /** For a group: what its numbers are made of. */
  group: GroupMeans | null
}

/** A metric of a group: its aggregate over seeds, and why the seeds not in `n` are not. */
export interface GroupMetric extends Aggregate {
  /** Counted runs that report the metric without a value (a rate or a λ50 undefined there). */
  undefinedIn: number
  /** Counted runs that do not report the metric at all (made before it existed). */
  absentIn: number
}

/** A series of a group that has no mean curve, and why. */
export interface NotAveraged {
  model: string
  name: string
  reason: string
}

export interface GroupMeans {
  /** The runs whose numbers count: done, one per seed (countedRuns), by id. */
  counted: RunDetail[]
  /** Distinct seeds of all its runs, ascending. */
  seeds: number[]
  /** Each metric (`model/name`) over the counted runs: mean, sd, t-interval, n of `of`. */
  metrics: Map<string, GroupMetric>
  /** Series without a mean curve: x values that differ between seeds, or seeds without it. */
  notAveraged: NotAveraged[]
}

const keyOf = (r: { model: string; name: string }) => `${r.model}/${r.name}`

/** The same x values, in the same order. */
function sameGrid(a: SeriesPoint[], b: SeriesPoint[]): boolean {
  return a.length === b.length && a.every((p, i) => Object.is(p.x, b[i].x))
}

function groupMetric(counted: RunDetail[], key: string): GroupMetric {
  const records = counted.map((r) => r.metrics.find((x) => keyOf(x) === key))
  const values = records.map((m) => m?.value ?? null)
  return {
    ...aggregate(values),
    undefinedIn: records.filter((m) => m !== undefined && !Number.isFinite(m.value ?? NaN)).length,
    absentIn: records.filter((m) => m === undefined).length
  }
}

/** The mean curve of a series over the counted runs, or why it has none. */
function meanSeries(counted: RunDetail[], first: SeriesRecord): SeriesRecord | string {
  const key = keyOf(first)
  const all = counted.flatMap((r) => r.series.filter((x) => keyOf(x) === key))
  if (all.length < counted.length)
    return `only ${all.length} of the ${counted.length} seeds ${all.length === 1 ? 'has' : 'have'} them`
  if (!all.every((x) => sameGrid(x.points, first.points)))
    return 'their x values differ between seeds (each run measures its own)'
  return {
    model: first.model,
    name: first.name,
    points: first.points.map((p, i) => {
      const agg = aggregate(all.map((x) => x.points[i].value))
      return { x: p.x, value: agg.mean, lower: agg.lower, upper: agg.upper }
    })
  }
}

/**
 * A group of runs as one run: metrics and series averaged over the counted runs (done, one per
 * seed), each value the mean with the 95% t-interval over seeds as its bounds (none with one
 * seed). The config, kind and dates are the newest counted run's (or the newest run's); what
 * belongs to one run alone (progress, error, notes, tags, reproduction) is left out.
 */
export function meanRun(runs: RunDetail[]): { run: RunDetail; means: GroupMeans } {
  if (runs.length === 0) throw new Error('meanRun needs at least one run')
  const counted = countedRuns(runs)
  const newest = (counted.length ? counted : runs).reduce((a, b) => (b.id > a.id ? b : a))
  const metrics = new Map<string, GroupMetric>()
  const metricList: MetricRecord[] = []
  for (const run of counted)
    for (const m of run.metrics) {
      const key = keyOf(m)
      if (metrics.has(key)) continue
      const agg = groupMetric(counted, key)
      metrics.set(key, agg)
      metricList.push({ model: m.model, name: m.name, ...estimate(agg) })
    }
  const series: SeriesRecord[] = []
  const notAveraged: NotAveraged[] = []
  const seen = new Set<string>()
  for (const run of counted)
    for (const s of run.series) {
      if (seen.has(keyOf(s))) continue
      seen.add(keyOf(s))
      const mean = meanSeries(counted, s)
      if (typeof mean === 'string') notAveraged.push({ model: s.model, name: s.name, reason: mean })
      else series.push(mean)
    }
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b)
  const key = keyAggregate(counted)
  const { reproduction: _reproduction, ...rest } = newest
  return {
    run: {
      ...rest,
      name: groupName(runs),
      status: counted.length ? 'done' : newest.status,
      progress: null,
      error: null,
      notes: '',
      tags: [],
      keyMetric:
        key && key.mean !== null
          ? { label: key.label, value: key.mean, lower: key.lower, upper: key.upper }
          : null,
      metrics: metricList,
      series
    },
    means: { counted, seeds, metrics, notAveraged }
  }
}

function estimate(agg: Aggregate): Pick<MetricRecord, 'value' | 'lower' | 'upper'> {
  return { value: agg.mean, lower: agg.lower, upper: agg.upper }
}

/** `A`, `B`, … `Z`, `AA`: the names of groups, in order. */
export function groupTag(index: number): string {
  let tag = ''
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    tag = String.fromCharCode(65 + ((n - 1) % 26)) + tag
  return tag
}

/** `A (mean of 3 seeds)`: a group as chart legends name it. */
export function groupLegend(tag: string, counted: number): string {
  if (counted === 0) return `${tag} (no seed done yet)`
  if (counted === 1) return `${tag} (1 seed)`
  return `${tag} (mean of ${counted} seeds)`
}

/**
 * The columns of a comparison: each run on its own or, grouped, each seed group of the runs (in
 * the order their first run comes), a group of one run being that run.
 */
export function compareColumns(runs: RunDetail[], grouped: boolean): CompareColumn[] {
  const alone = (run: RunDetail): CompareColumn => ({
    tag: `#${run.id}`,
    legend: `#${run.id}`,
    runs: [run],
    run,
    group: null
  })
  if (!grouped) return runs.map(alone)
  let groups = 0
  return seedGroups(runs).map((g) => {
    if (g.runs.length === 1) return alone(g.runs[0])
    const { run, means } = meanRun(g.runs)
    const tag = groupTag(groups++)
    return { tag, legend: groupLegend(tag, means.counted.length), runs: g.runs, run, group: means }
  })
}

/** Whether some two of these runs differ only in their seed (so grouping changes the columns). */
export function anyGroup(runs: Pick<RunDetail, 'config' | 'seed'>[]): boolean {
  return seedGroups(runs).some((g) => g.runs.length > 1)
}

/** How many columns these runs make grouped by seed. */
export function groupCount(runs: Pick<RunDetail, 'config' | 'seed'>[]): number {
  return seedGroups(runs).length
}

/** The across-seed aggregate of a metric of a column, when the column is a group. */
export function columnAggregate(
  column: CompareColumn,
  metric: { model: string; name: string }
): GroupMetric | null {
  return column.group?.metrics.get(keyOf(metric)) ?? null
}
