/**
 * Seed groups (SCIENCE.md section 12): runs whose configs are equal except for the seed answer
 * "what does this configuration do" together, as the mean and t-interval of a metric over their
 * seeds (section 5). The Runs table and Compare group runs this way. Pure; no Node, no DOM.
 */
import { flattenConfig } from './history'
import type { MetricRecord, RunStatus } from './results'
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
 * without a status counts); a seed run twice (a re-run) is one draw, counted once, by its first
 * done run. A seed whose run has no value (a rate undefined there) is in `of`, not in `n`.
 */
export function aggregateSeedGroups<R extends Measured>(
  groups: readonly SeedGroup<R>[],
  metric: { model: string; name: string }
): SeedGroupAggregate[] {
  return groups.map((group) => {
    const seeds: SeedGroupAggregate['seeds'] = []
    for (const run of group.runs) {
      if (run.status !== undefined && run.status !== 'done') continue
      if (seeds.some((s) => s.seed === run.seed)) continue
      const record = run.metrics.find((m) => m.model === metric.model && m.name === metric.name)
      seeds.push({ seed: run.seed, runId: run.id, value: record?.value ?? null })
    }
    return { key: group.key, seeds, aggregate: aggregate(seeds.map((s) => s.value)) }
  })
}
