/**
 * Every chart a run can show and export, gathered from the kinds: the name the API, the CLI and
 * file names use, the spec builder that draws it, and the words of its caption. The worker, the
 * store, Compare, export and the CLI need no change when a kind adds a chart. No Node, no DOM.
 */
import { captionLine } from '../shared/captions'
import {
  UnknownChartError,
  type AnyChartSpec,
  type ChartEntry,
  type ComparableSpec
} from '../shared/chartEntry'
import type { RunDetail } from '../shared/results'
import { describeRunConfig, kinds } from './registry'

export const chartRegistry: readonly ChartEntry[] = kinds.flatMap((kind) =>
  kind.charts.map((chart) => {
    const comparable: Record<string, ComparableSpec> = {}
    for (const other of kinds) {
      const spec = other.comparableCharts?.[chart.name]
      if (spec && other.name !== kind.name) comparable[other.name] = spec
    }
    return {
      ...chart,
      kinds: [kind.name],
      ...(Object.keys(comparable).length > 0 ? { comparable } : {})
    }
  })
)

/** The charts a run of this kind has, in the order its page shows them. */
export function availableCharts(run: Pick<RunDetail, 'kind'>): ChartEntry[] {
  return chartRegistry.filter((c) => c.kinds.includes(run.kind))
}

/** Whether runs of `kind` can be drawn on this chart: their own, or comparable to it. */
export function drawsKind(entry: ChartEntry, kind: string): boolean {
  return entry.kinds.includes(kind) || entry.comparable?.[kind] != null
}

/** The spec of chart `entry` for a run of its own kind or of a comparable one. */
export function specFor(entry: ChartEntry, run: RunDetail): AnyChartSpec {
  const other = entry.kinds.includes(run.kind) ? undefined : entry.comparable?.[run.kind]
  return other ? other.spec(run) : entry.spec(run)
}

/**
 * The entry of chart `name` for a run compared with others: its own kind's, or one that draws
 * this kind comparably (a fine-tuning run on the effectiveness ASR chart). UnknownChartError
 * otherwise, listing the charts of the run's own kind.
 */
export function comparableEntry(run: Pick<RunDetail, 'kind'>, name: string): ChartEntry {
  const entry = chartRegistry.find((c) => c.name === name && drawsKind(c, run.kind))
  return entry ?? chartEntry(run, name)
}

/** The entry of chart `name` for this run's kind; UnknownChartError lists the ones it has. */
export function chartEntry(run: Pick<RunDetail, 'kind'>, name: string): ChartEntry {
  const charts = availableCharts(run)
  const entry = charts.find((c) => c.name === name)
  if (!entry)
    throw new UnknownChartError(
      name,
      charts.map((c) => c.name),
      run.kind
    )
  return entry
}

/**
 * One caption line for chart `chart` of a run: what it shows, for which config, and what its
 * marks mean. Throws UnknownChartError for a chart this run's kind does not have.
 */
export function chartCaption(run: Pick<RunDetail, 'kind' | 'config'>, chart: string): string {
  return captionLine(chartEntry(run, chart), describeRunConfig(run.config))
}

/**
 * The caption of chart `chart` of several runs overlaid (one run: chartCaption): what it shows,
 * each run by its tag and config, one colour per run, and what the marks mean. Still one line.
 * Throws UnknownChartError for the first run whose kind has neither the chart nor a comparable one.
 */
export function compareCaption(
  runs: Pick<RunDetail, 'id' | 'kind' | 'config'>[],
  chart: string
): string {
  if (runs.length === 0) throw new Error('a caption needs at least one run')
  if (runs.length === 1) return chartCaption(runs[0], chart)
  const entries = runs.map((run) => comparableEntry(run, chart))
  const entry = entries.find((e, i) => e.kinds.includes(runs[i].kind)) ?? entries[0]
  const each = runs.map((run) => `#${run.id}, ${describeRunConfig(run.config)}`).join('; ')
  const kindsShown = [...new Set(runs.map((r) => r.kind))]
  const notes = kindsShown.flatMap((k) =>
    entry.kinds.includes(k) ? [] : [entry.comparable?.[k]?.note]
  )
  const marks = [entry.marks, ...notes]
    .filter(Boolean)
    .map((m) => `; ${m}`)
    .join('')
  return `${entry.title}, ${runs.length} runs overlaid, one colour per run (${each})${marks}.`
}

/** A column of a grouped caption: a run, or a seed group's mean run and its counted seeds. */
export interface CaptionColumn {
  tag: string
  run: Pick<RunDetail, 'id' | 'kind' | 'config'>
  group: { counted: Pick<RunDetail, 'id' | 'seed'>[] } | null
}

/** A config described with a group's seeds in place of its own: `…; seeds 1, 2, 3)`. */
export function describeGroupConfig(config: RunDetail['config'], seeds: number[]): string {
  const words = describeRunConfig(config)
  const own = `; seed ${config.seed}`
  const label = seeds.length === 1 ? `; seed ${seeds[0]}` : `; seeds ${seeds.join(', ')}`
  return words.includes(own) ? words.replace(own, label) : `${words}${label}`
}

/**
 * The caption of chart `chart` of a comparison grouped by seed: each column by its tag, a group
 * as the mean of its seeds with its config and seeds, and what a group's bands are (95%
 * t-intervals over its seeds, not the within-run intervals the chart's marks name).
 */
export function groupedCaption(columns: CaptionColumn[], chart: string): string {
  if (columns.length === 0) throw new Error('a caption needs at least one column')
  const entries = columns.map((c) => comparableEntry(c.run, chart))
  const entry = entries.find((e, i) => e.kinds.includes(columns[i].run.kind)) ?? entries[0]
  const each = columns
    .map((c) => {
      if (!c.group) return `#${c.run.id}, ${describeRunConfig(c.run.config)}`
      const seeds = c.group.counted.map((r) => r.seed)
      const runs = c.group.counted.map((r) => `#${r.id}`).join(', ')
      return `${c.tag}, the mean of ${seeds.length} ${seeds.length === 1 ? 'seed' : 'seeds'} (runs ${runs}) of ${describeGroupConfig(c.run.config, seeds)}`
    })
    .join('; ')
  const kindsShown = [...new Set(columns.map((c) => c.run.kind))]
  const notes = kindsShown.flatMap((k) =>
    entry.kinds.includes(k) ? [] : [entry.comparable?.[k]?.note]
  )
  const marks = [entry.marks, ...notes]
    .filter(Boolean)
    .map((m) => `; ${m}`)
    .join('')
  const shown =
    columns.length === 1
      ? `${entry.title} (${each})`
      : `${entry.title}, ${columns.length} overlaid, one colour each (${each})`
  const groups = columns.filter((c) => c.group && c.group.counted.length > 1).map((c) => c.tag)
  const groupMarks = groups.length
    ? ` For ${groups.length === 1 ? 'the seed group' : 'the seed groups'} ${groups.join(', ')}, each curve is the mean over the seeds and its shaded band or whiskers the 95% t-interval over them, in place of the within-run intervals.`
    : ''
  return `${shown}${marks}.${groupMarks}`
}
