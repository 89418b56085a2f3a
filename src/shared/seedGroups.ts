/**
 * Seed groups (SCIENCE.md section 12): runs whose configs are equal except for the seed answer
 * "what does this configuration do" together, as the mean and t-interval of a metric over their
 * seeds (section 5). The Runs table and Compare group runs this way. Pure; no Node, no DOM.
 */
import { hash128 } from './hash'
import { flattenConfig } from './history'
import type { KeyMetric, MetricRecord, RunStatus } from './results'
import { aggregate, type Aggregate } from './sweep'

/** A config's identity without its seed: its entries but `seed`, sorted, as one text. */
export function seedGroupKey(config: unknown): string {
  const rest: Record<string, unknown> = { ...(config as Record<string, unknown>) }
  delete rest.seed
  const entries = Object.entries(flattenConfig(rest)).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  )
  return JSON.stringify(entries)
}

/**
 * A short identity of a seed group: the hash of seedGroupKey as 32 hex digits. The store keeps it
 * with each run, so that the Runs table groups and pages groups in SQL.
 */
export function seedGroupId(config: unknown): string {
  return hash128(seedGroupKey(config))
    .map((h) => h.toString(16).padStart(8, '0'))
    .join('')
}

export interface SeedGroup<R> {
  /** The config without its seed (seedGroupKey): equal for every run of the group. */
  key: string
  /** The runs, in the order given. */
  runs: R[]
  /** The distinct seeds of the group, in the order first met. */
  seeds: number[]
}

type Grouped = { config: unknown; seed: number }

/** Groups runs by their config without the seed, in the order each group's first run comes. */
export function seedGroups<R extends Grouped>(runs: readonly R[]): SeedGroup<R>[] {
  const groups = new Map<string, SeedGroup<R>>()
  for (const run of runs) {
    const key = seedGroupKey(run.config)
    let group = groups.get(key)
    if (!group) {
      group = { key, runs: [], seeds: [] }
      groups.set(key, group)
    }
    group.runs.push(run)
    if (!group.seeds.includes(run.seed)) group.seeds.push(run.seed)
  }
  return [...groups.values()]
}

type Measured = Grouped & { id: number; status?: RunStatus; metrics: MetricRecord[] }

/** A metric of a seed group: each seed's value (from its run) and their aggregate. */
export interface SeedGroupAggregate {
  key: string
  /** One per distinct seed with a finished run: the run whose value counts, and the value. */
  seeds: { seed: number; runId: number; value: number | null }[]
  aggregate: Aggregate
}

/**
 * The mean, sd and t-interval of one metric over each group's seeds. Only done runs count (a run
 * without a status counts); a seed run twice (a re-run) is one draw, counted once, by its done
 * run of lowest id (countedRuns). A seed whose run has no value (a rate undefined there) is in
 * `of`, not in `n`.
 */
export function aggregateSeedGroups<R extends Measured>(
  groups: readonly SeedGroup<R>[],
  metric: { model: string; name: string }
): SeedGroupAggregate[] {
  return groups.map((group) => {
    const seeds = countedRuns(group.runs).map((run) => {
      const record = run.metrics.find((m) => m.model === metric.model && m.name === metric.name)
      return { seed: run.seed, runId: run.id, value: record?.value ?? null }
    })
    return { key: group.key, seeds, aggregate: aggregate(seeds.map((s) => s.value)) }
  })
}

/**
 * The runs of a group that count, one per seed: done runs only (a run without a status counts),
 * and of a seed run more than once (a re-run) its lowest id, as the store picks it when it sorts
 * groups by their mean.
 */
export function countedRuns<R extends { id: number; seed: number; status?: RunStatus }>(
  runs: readonly R[]
): R[] {
  const bySeed = new Map<number, R>()
  for (const run of [...runs].sort((a, b) => a.id - b.id)) {
    if (run.status !== undefined && run.status !== 'done') continue
    if (!bySeed.has(run.seed)) bySeed.set(run.seed, run)
  }
  return [...bySeed.values()]
}

/** A group's key result over its seeds: the aggregate of its runs' key metrics, and its label. */
export type KeyAggregate = Aggregate & { label: string }

/**
 * The key result of a group of runs as the mean and t-interval over its seeds (countedRuns); a
 * done run without a key result is in `of`, not in `n`. Null when no run is done.
 */
export function keyAggregate(
  runs: readonly { id: number; seed: number; status: RunStatus; keyMetric?: KeyMetric | null }[]
): KeyAggregate | null {
  const counted = countedRuns(runs)
  if (counted.length === 0) return null
  const label = counted.find((r) => r.keyMetric)?.keyMetric?.label ?? ''
  return { label, ...aggregate(counted.map((r) => r.keyMetric?.value ?? null)) }
}

/** `…, seed 3` or `…, seed 2 of 5` at the end of a default name. */
const SEED_SUFFIX = /,? seed \d+( of \d+)?$/

/**
 * What a group of runs is called: its newest run's name (the highest id) without the seed at its
 * end, as default names carry it.
 */
export function groupName(runs: readonly { id: number; name: string }[]): string {
  if (runs.length === 0) return ''
  const newest = runs.reduce((a, b) => (b.id > a.id ? b : a))
  return newest.name.replace(SEED_SUFFIX, '')
}
