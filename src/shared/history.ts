/**
 * Run history and comparison, as pure code: the query the runs table sends, configs flattened to dotted keys and their differences, and whether two runs gave
 * the same numbers. No Node, no DOM.
 */
import { findKind, type ExperimentConfig, type ExperimentKind } from '../kinds/registry'
import type { MetricRecord, RunDetail, RunStatus, RunSummary, SeriesRecord } from './results'
import type { KeyAggregate } from './seedGroups'
import type { SweepSummary } from './sweepStatus'

export const runSortColumns = [
  'id',
  'name',
  'kind',
  'status',
  'seed',
  'backend',
  'createdAt',
  'duration',
  'key',
  'dataset',
  // A sweep's runs by point (then by id: replicates in order).
  'point'
] as const
export type RunSortColumn = (typeof runSortColumns)[number]

export interface RunFilter {
  /** Any of these kinds. */
  kinds?: ExperimentKind[]
  /** Any of these statuses. */
  statuses?: RunStatus[]
  /** Runs carrying at least one of these tags. */
  tags?: string[]
  /**
   * Case-insensitive (ASCII) substring of the name, the notes, the data set's description, or a
   * config entry written `dotted.key=value` (so `m=2000`, `mnist` and `2000` all match).
   */
  text?: string
  /** Created at or after this instant (ISO date or date-time). */
  createdFrom?: string
  /** Created at or before this instant; a bare date (YYYY-MM-DD) includes that whole UTC day. */
  createdTo?: string
  /** Only the runs of this sweep. */
  sweepId?: number
  /** Only runs of some sweep (true), or only runs of none (false). */
  inSweep?: boolean
  /** Only the runs of this seed group (their configs equal but for the seed; see seedGroupId). */
  seedGroup?: string
}

export interface RunSort {
  column: RunSortColumn
  direction: 'asc' | 'desc'
}

export interface RunQueryResult {
  runs: RunSummary[]
  /** Runs matching the filter, on every page. */
  total: number
  /** Every tag in the database, sorted, for the tag filter. */
  tags: string[]
}

/**
 * One entry of the Runs history: a run on its own, a sweep (its runs matching the filter are
 * `matched`; the table expands it to them), or a seed group (runs whose configs differ only in
 * the seed, when the table groups them; a group of one run is a run).
 */
export type HistoryEntry =
  | { type: 'run'; run: RunSummary }
  | { type: 'sweep'; sweep: SweepSummary; matched: number; dataset: string | null }
  | { type: 'group'; group: SeedGroupEntry }

export interface SeedGroupEntry {
  /** The group's id (seedGroupId): every run of the group carries it as `seedGroup`. */
  id: string
  kind: ExperimentKind
  /** What the group is called (groupName of its runs). */
  name: string
  /** Its runs that match the filter (the filter `seedGroup` lists them). */
  runs: number
  /** Their distinct seeds, ascending. */
  seeds: number[]
  /** Their statuses. */
  counts: Record<RunStatus, number>
  /** The key result over its seeds (done runs, one per seed): mean, sd, t-interval, n of `of`. */
  key: KeyAggregate | null
  dataset: string | null
  /** When its newest run was created. */
  createdAt: string
  /** The longest of its runs, in seconds (null while none has finished). */
  duration: number | null
}

export interface HistoryResult {
  entries: HistoryEntry[]
  /** Entries matching the filter, on every page. */
  total: number
  /** Runs matching the filter, in all entries of every page. */
  runs: number
  /** Every tag in the database, sorted, for the tag filter. */
  tags: string[]
}

export const MAX_QUERY_LIMIT = 500
export const MAX_COMPARED_RUNS = 8
/** Compare shows at most MAX_COMPARED_RUNS seed groups, of at most this many runs in all. */
export const MAX_GROUPED_RUNS = 50

export type ConfigValue = string | number | boolean | null

/**
 * A config as dotted keys in schema order (`lambdas.from`, `dataset.kind`); arrays of plain
 * values stay one entry (`dataset.digits` = "[3,5]"), arrays of objects are indexed.
 */
export function flattenConfig(config: unknown, prefix = ''): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {}
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      if (value.every((v) => v === null || typeof v !== 'object')) {
        out[key] = JSON.stringify(value)
      } else value.forEach((v, i) => visit(v, `${key}.${i}`))
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, key ? `${key}.${k}` : k)
    } else if (value !== undefined) {
      out[key] = value as ConfigValue
    }
  }
  visit(config, prefix)
  return out
}

/** `dotted.key=value` per entry: what the free-text filter searches besides name and notes. */
export function configSearchEntries(config: ExperimentConfig): string[] {
  return Object.entries(flattenConfig(config)).map(([k, v]) => `${k}=${String(v)}`)
}

export interface ConfigDiffRow {
  key: string
  /** One per run, in run order; undefined where the run's config has no such field. */
  values: (ConfigValue | undefined)[]
  differs: boolean
}

/** Every field of every config, in first-seen order, with whether the runs disagree on it. */
export function configDiff(configs: unknown[]): ConfigDiffRow[] {
  const flat = configs.map((c) => flattenConfig(c))
  const keys: string[] = []
  const seen = new Set<string>()
  for (const f of flat)
    for (const k of Object.keys(f))
      if (!seen.has(k)) {
        seen.add(k)
        keys.push(k)
      }
  return keys.map((key) => {
    const values = flat.map((f) => (Object.hasOwn(f, key) ? f[key] : undefined))
    return { key, values, differs: values.some((v) => v !== values[0]) }
  })
}

export interface MetricRow {
  model: string
  name: string
  /** One per run, in run order. */
  values: Pick<MetricRecord, 'value' | 'lower' | 'upper'>[]
  /** Each run's own name of the metric (`lambda50.before` for a fine-tuning run's `lambda50`). */
  names: string[]
  /** Which of some runs' numbers the row shows, when runs of different kinds share it. */
  note?: string
}

/** The key a run's metric is compared under, given the kinds compared. */
function comparedName(
  kind: string | undefined,
  kinds: Set<string | undefined>,
  name: string
): { name: string; note?: string } {
  const others = new Set([...kinds].filter((k): k is string => k !== undefined && k !== kind))
  return findKind(kind)?.comparedMetric?.(name, others) ?? { name }
}

/**
 * The metrics every run has (model and name), in the first run's order, and the `model/name` of
 * those only some runs have. Runs of different kinds share what means the same: an
 * effectiveness run's λ50 and a fine-tuning run's λ50 before fine-tuning (the row's note says so).
 */
export function sharedMetrics(runs: (Pick<RunDetail, 'metrics'> & { kind?: ExperimentKind })[]): {
  shared: MetricRow[]
  notShared: string[]
} {
  if (runs.length === 0) return { shared: [], notShared: [] }
  const kinds = new Set(runs.map((r) => r.kind))
  const key = (m: { model: string; name: string }) => `${m.model}/${m.name}`
  const compared = runs.map((r) =>
    r.metrics.map((m) => {
      const { name, note } = comparedName(r.kind, kinds, m.name)
      return { record: { ...m, name }, own: m.name, note }
    })
  )
  const maps = compared.map((list) => new Map(list.map((c) => [key(c.record), c])))
  const all: { record: MetricRecord; own: string; note?: string }[] = []
  const seen = new Set<string>()
  for (const list of compared)
    for (const c of list)
      if (!seen.has(key(c.record))) {
        seen.add(key(c.record))
        all.push(c)
      }
  const shared: MetricRow[] = []
  const notShared: string[] = []
  for (const { record: m } of all) {
    const k = key(m)
    if (maps.every((map) => map.has(k))) {
      const note = maps.map((map) => map.get(k)!.note).find(Boolean)
      shared.push({
        model: m.model,
        name: m.name,
        values: maps.map((map) => {
          const { value, lower, upper } = map.get(k)!.record
          return { value, lower, upper }
        }),
        names: maps.map((map) => map.get(k)!.own),
        ...(note ? { note } : {})
      })
    } else notShared.push(k)
  }
  return { shared, notShared }
}

/**
 * The metrics not every run has, grouped by the kinds of the runs that have them (for runs of
 * one kind: the one group of metrics only some of its runs have), a few named as examples.
 */
export function notSharedByKind(
  runs: (Pick<RunDetail, 'metrics'> & { kind: ExperimentKind })[],
  notShared: string[],
  examples = 3
): { kinds: ExperimentKind[]; count: number; examples: string[] }[] {
  const kinds = new Set<ExperimentKind | undefined>(runs.map((r) => r.kind))
  const keysOf = runs.map(
    (r) => new Set(r.metrics.map((m) => `${m.model}/${comparedName(r.kind, kinds, m.name).name}`))
  )
  const groups = new Map<string, { kinds: ExperimentKind[]; keys: string[] }>()
  for (const k of notShared) {
    const having = [...new Set(runs.filter((_, i) => keysOf[i].has(k)).map((r) => r.kind))]
    const id = having.join(',')
    const group = groups.get(id) ?? { kinds: having, keys: [] }
    group.keys.push(k)
    groups.set(id, group)
  }
  return [...groups.values()].map((g) => ({
    kinds: g.kinds,
    count: g.keys.length,
    examples: g.keys.slice(0, examples)
  }))
}

/**
 * Whether two runs gave the same numbers: every metric (model, name, value, lower, upper) and
 * every series point equal exactly, and neither has one the other lacks. `differing` names each
 * metric or series (`model/name`) that differs or is missing on one side.
 */
export function compareNumbers(
  a: Pick<RunDetail, 'metrics' | 'series'>,
  b: Pick<RunDetail, 'metrics' | 'series'>
): { identical: boolean; differing: string[]; compared: number } {
  const differing: string[] = []
  const norm = (v: number | null | undefined) => (v == null ? null : v)
  const sameEstimate = (
    x: { value: number | null; lower?: number | null; upper?: number | null },
    y: { value: number | null; lower?: number | null; upper?: number | null }
  ) =>
    Object.is(norm(x.value), norm(y.value)) &&
    Object.is(norm(x.lower), norm(y.lower)) &&
    Object.is(norm(x.upper), norm(y.upper))
  const keyed = <T extends { model: string; name: string }>(list: T[]) =>
    new Map(list.map((r) => [`${r.model}/${r.name}`, r]))

  const [ma, mb] = [keyed(a.metrics), keyed(b.metrics)]
  for (const k of new Set([...ma.keys(), ...mb.keys()])) {
    const [x, y] = [ma.get(k), mb.get(k)]
    if (!x || !y || !sameEstimate(x, y)) differing.push(k)
  }
  const [sa, sb] = [keyed<SeriesRecord>(a.series), keyed<SeriesRecord>(b.series)]
  for (const k of new Set([...sa.keys(), ...sb.keys()])) {
    const [x, y] = [sa.get(k), sb.get(k)]
    const same =
      !!x &&
      !!y &&
      x.points.length === y.points.length &&
      x.points.every((p, i) => Object.is(p.x, y.points[i].x) && sameEstimate(p, y.points[i]))
    if (!same) differing.push(`series ${k}`)
  }
  const compared =
    new Set([...ma.keys(), ...mb.keys()]).size + new Set([...sa.keys(), ...sb.keys()]).size
  return { identical: differing.length === 0, differing, compared }
}
