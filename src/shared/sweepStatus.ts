/**
 * A sweep as the lab reports it (SCIENCE.md section 12): its state derived from its child runs
 * (one per point and replicate), counts per status, progress and time left, and its aggregates
 * over seeds. Pure; no Node, no DOM.
 */
import type { SweepConfig } from '../kinds/sweep'
import type { ExperimentConfig, ExperimentKind } from '../kinds/registry'
import { progressShare, type RunStatus, type RunSummary } from './results'
import {
  aggregate,
  pointSeed,
  sweepPoints,
  type Aggregate,
  type Sweep,
  type SweptValue
} from './sweep'

/** A sweep's state: that of its runs taken together (see sweepStatus). */
export type SweepStatus = RunStatus

/** Runs per status, and `missing`: slots (point, replicate) whose run was deleted. */
export type SweepCounts = Record<RunStatus, number> & { missing: number }

export interface SweptField {
  path: string
  /** The field's name in the form's words. */
  label: string
  values: SweptValue[]
}

export interface SweepSummary {
  id: number
  name: string
  kind: ExperimentKind
  createdAt: string
  status: SweepStatus
  counts: SweepCounts
  /** Runs the sweep holds when complete: points × seeds. */
  total: number
  points: number
  seeds: number
  fields: SweptField[]
  /** Share of the sweep's work done, 0 to 1 (finished runs and the running ones' progress). */
  progress: number
  /** Seconds left, from the sweep's throughput so far (see sweepEta). */
  etaSeconds: number | null
  /** When its first run started, and when its last run finished (null while any is unfinished). */
  startedAt: string | null
  finishedAt: string | null
}

/** A run of a sweep: its slot and the swept values of its point. */
export type SweepChildSummary = RunSummary & {
  sweepId: number
  point: number
  replicate: number
  values: Record<string, SweptValue>
}

export interface SweepDetail extends SweepSummary {
  /** The sweep config as it was given. */
  config: unknown
  base: ExperimentConfig
  sweep: Sweep
  /** Its runs, by point then replicate (a deleted run is missing from the list). */
  children: SweepChildSummary[]
}

/** A sweep's stored record. */
export interface SweepRecord {
  id: number
  name: string
  kind: ExperimentKind
  createdAt: string
  config: unknown
  parsed: SweepConfig
}

/** One seed of a point in an aggregate: its run and its value (null when it has none). */
export interface SweepSeedValue {
  replicate: number
  seed: number
  runId: number | null
  status: RunStatus | 'missing'
  value: number | null
}

/** A metric of a sweep per point: each seed's value and their mean and t-interval. */
export interface SweepAggregate {
  sweepId: number
  metric: { model: string; name: string; label: string }
  points: {
    index: number
    values: Record<string, SweptValue>
    seeds: SweepSeedValue[]
    /** Over the seeds whose run is done (`of`), of which `n` have a value. */
    aggregate: Aggregate
  }[]
}

export function sweepCounts(children: Pick<RunSummary, 'status'>[], total: number): SweepCounts {
  const counts: SweepCounts = {
    queued: 0,
    running: 0,
    done: 0,
    failed: 0,
    cancelled: 0,
    interrupted: 0,
    missing: Math.max(0, total - children.length)
  }
  for (const child of children) counts[child.status]++
  return counts
}

/**
 * A sweep's state from its runs': `running` while any runs (or some are queued after others
 * finished), `queued` while all wait; once none is left to compute, `interrupted` if a run was
 * cut off (the sweep can resume), else `cancelled` if one was cancelled, else `failed` if one
 * failed, else `done`. Missing runs (deleted) do not change it; a sweep with no run left is
 * `cancelled`.
 */
export function sweepStatus(counts: SweepCounts): SweepStatus {
  const present =
    counts.queued +
    counts.running +
    counts.done +
    counts.failed +
    counts.cancelled +
    counts.interrupted
  if (present === 0) return 'cancelled'
  if (counts.running > 0) return 'running'
  if (counts.queued > 0) return counts.queued === present ? 'queued' : 'running'
  if (counts.interrupted > 0) return 'interrupted'
  if (counts.cancelled > 0) return 'cancelled'
  if (counts.failed > 0) return 'failed'
  return 'done'
}

type Timed = Pick<RunSummary, 'status' | 'createdAt' | 'startedAt' | 'finishedAt' | 'progress'>

/** A running run's share done, from its progress (0 before it reports any). */
function fractionDone(run: Timed): number {
  return progressShare(run.progress) ?? 0
}

/**
 * Seconds until the sweep's runs are all finished, from its throughput since it last began
 * computing (the creation of its oldest unfinished run: the sweep's start, or its resume): runs
 * finished since then, plus the running ones' shares done, per second of wall time, which counts
 * every cost of a run (its process starting, several runs at once). Null when nothing is left to
 * compute, or when nothing has finished or progressed yet to measure the rate by.
 */
export function sweepEta(children: Timed[], now = Date.now()): number | null {
  const unfinished = children.filter((c) => c.status === 'queued' || c.status === 'running')
  if (unfinished.length === 0) return null
  const since = Math.min(...unfinished.map((c) => Date.parse(c.createdAt)))
  let worked = 0
  let left = 0
  for (const c of children) {
    if (c.status === 'queued') left += 1
    else if (c.status === 'running') {
      worked += fractionDone(c)
      left += 1 - fractionDone(c)
    } else if (c.finishedAt && Date.parse(c.finishedAt) >= since) worked += 1
  }
  const elapsed = (now - since) / 1000
  if (worked <= 0 || elapsed <= 0) return null
  return left / (worked / elapsed)
}

/**
 * Share of the sweep's present runs finished: a finished run counts 1, a running one its
 * step / total, a queued one 0 (a deleted run does not count).
 */
export function sweepProgress(children: Timed[]): number {
  if (children.length === 0) return 1
  let done = 0
  for (const c of children) {
    if (c.status === 'running') done += fractionDone(c)
    else if (c.status !== 'queued') done += 1
  }
  return done / children.length
}

/** When the sweep's first run started, and when its last finished (null while any is not). */
export function sweepTimes(children: Timed[]): {
  startedAt: string | null
  finishedAt: string | null
} {
  const started = children.map((c) => c.startedAt).filter((t): t is string => !!t)
  const unfinished = children.some((c) => c.status === 'queued' || c.status === 'running')
  const finished = children.map((c) => c.finishedAt).filter((t): t is string => !!t)
  return {
    startedAt: started.length ? started.reduce((a, b) => (a < b ? a : b)) : null,
    finishedAt: unfinished || !finished.length ? null : finished.reduce((a, b) => (a > b ? a : b))
  }
}

/** A run's value of one metric, with its slot (as the store reads a sweep's runs). */
export interface SlotValue {
  runId: number
  point: number
  replicate: number
  status: RunStatus
  seed: number
  value: number | null
}

/**
 * A metric per point of a sweep: each seed (a slot without a run is `missing`, with the seed it
 * would have), and the mean, sd and t-interval over the seeds whose run is done.
 */
export function pointAggregates(
  sweep: Sweep,
  rows: readonly SlotValue[]
): SweepAggregate['points'] {
  const bySlot = new Map(rows.map((r) => [`${r.point}/${r.replicate}`, r]))
  return sweepPoints(sweep).map((point) => {
    const seeds = Array.from({ length: sweep.seeds }, (_, j): SweepSeedValue => {
      const row = bySlot.get(`${point.index}/${j}`)
      if (!row) {
        const seed = pointSeed(sweep.seed, point.values, j)
        return { replicate: j, seed, runId: null, status: 'missing', value: null }
      }
      return {
        replicate: j,
        seed: row.seed,
        runId: row.runId,
        status: row.status,
        value: row.value
      }
    })
    const done = seeds.filter((s) => s.status === 'done').map((s) => s.value)
    return { index: point.index, values: point.values, seeds, aggregate: aggregate(done) }
  })
}
