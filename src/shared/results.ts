/**
 * What a run produces and how it is stored: scalar metrics and series of points, each owned by a
 * model (`clean`, `backdoored`, `theory.clean`, `theory.backdoored`, or `run` for run-wide
 * values). Names follow SCIENCE.md (attackSuccessRate, lambda50, spikeEnergy, ...).
 */
import type { ExperimentConfig, ExperimentKind } from '../kinds/registry'

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'
export const runStatuses: RunStatus[] = [
  'queued',
  'running',
  'done',
  'failed',
  'cancelled',
  'interrupted'
]
export const finishedStatuses: RunStatus[] = ['done', 'failed', 'cancelled', 'interrupted']

/** A scalar with an optional 95% interval. */
export interface Estimate {
  value: number | null
  lower?: number | null
  upper?: number | null
}

export interface MetricRecord extends Estimate {
  model: string
  name: string
}

export interface SeriesPoint extends Estimate {
  x: number
}

export interface SeriesRecord {
  model: string
  name: string
  points: SeriesPoint[]
}

export interface Environment {
  backend: string
  /** Why the preferred backend was not used, when it was not. */
  backendNote?: string
  versions: Record<string, string>
  platform: string
  cpus: number
  /** The imported file a run read, so that its exact data are known. */
  dataFile?: { datasetId: number; name: string; sha256: string }
}

export interface Progress {
  phase: string
  step: number
  total: number
  /** Seconds left, estimated from the rate so far; null until it can be estimated. */
  etaSeconds: number | null
  /**
   * The share of the run's estimated work done (0 to 1), when its steps differ in cost: the time
   * left is estimated from it, and the bar shows it. Absent: the steps cost alike.
   */
  work?: number
}

/**
 * The share of a run done (0 to 1) from its progress: the share of its work where it says it,
 * else the share of its steps; all of it once every step is done. Null without a count.
 */
export function progressShare(p: Progress | null | undefined): number | null {
  if (!p || !(p.total > 0)) return null
  const share = p.step >= p.total ? 1 : (p.work ?? p.step / p.total)
  return Math.min(1, Math.max(0, share))
}

export interface RunSummary {
  id: number
  name: string
  kind: ExperimentKind
  status: RunStatus
  seed: number
  backend: string | null
  appVersion: string
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  error: string | null
  notes: string
  tags: string[]
  progress: Progress | null
  /** The headline number of its kind (see keyEstimate in history.ts); null until it has one. */
  keyMetric?: KeyMetric | null
  /** A short name of the data it runs on (describeData). */
  dataset?: string
  /** The run this one re-runs exactly (same config and seed), when it is a re-run. */
  rerunOf?: number | null
  /** The sweep this run is a point of, with the point's index and the replicate (seed) index. */
  sweepId?: number
  point?: number
  replicate?: number
  /** Its seed group (seedGroupId of its config): runs that differ only in the seed share it. */
  seedGroup?: string
}

/** The one number the runs table shows and sorts by, with its 95% interval when known. */
export interface KeyMetric {
  label: string
  value: number
  lower?: number | null
  upper?: number | null
}

export interface RunDetail extends RunSummary {
  config: ExperimentConfig
  environment: Environment | null
  metrics: MetricRecord[]
  series: SeriesRecord[]
  /** For a re-run: whether its numbers equal the original's (set by the service's getRun). */
  reproduction?: Reproduction
}

/**
 * A re-run checked against its original: the same config and seed must give the same numbers on
 * the same backend. `differing` names each metric or series (model/name) whose numbers differ.
 */
export interface Reproduction {
  of: number
  /** False when the original run was deleted since. */
  originalExists: boolean
  originalBackend: string | null
  /** Null until both runs have a backend. */
  sameBackend: boolean | null
  /** Null until both runs are done (or when the original is gone). */
  identical: boolean | null
  differing: string[]
  /** How many metrics and series were compared. */
  compared: number
}

/** The JSON shape of a finished run for the CLI and bundles: grouped per model. */
export interface RunReport {
  id: number
  name: string
  kind: ExperimentKind
  status: RunStatus
  seed: number
  config: ExperimentConfig
  environment: Environment | null
  appVersion: string
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  durationSeconds: number | null
  error: string | null
  metrics: Record<string, Record<string, Estimate>>
  series: Record<string, Record<string, SeriesPoint[]>>
}

export function durationSeconds(run: Pick<RunSummary, 'startedAt' | 'finishedAt'>): number | null {
  if (!run.startedAt || !run.finishedAt) return null
  return (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000
}

/** Sets `tree[a][b]...` for a dotted model name, so `theory.clean` nests under `theory`. */
function place<T>(tree: Record<string, unknown>, model: string, name: string, value: T): void {
  const parts = model.split('.')
  let node = tree
  for (const part of parts) {
    node[part] ??= {}
    node = node[part] as Record<string, unknown>
  }
  node[name] = value
}

export function runReport(run: RunDetail): RunReport {
  const metrics: Record<string, Record<string, Estimate>> = {}
  for (const { model, name, ...estimate } of run.metrics) place(metrics, model, name, estimate)
  const series: Record<string, Record<string, SeriesPoint[]>> = {}
  for (const s of run.series) place(series, s.model, s.name, s.points)
  return {
    id: run.id,
    name: run.name,
    kind: run.kind,
    status: run.status,
    seed: run.seed,
    config: run.config,
    environment: run.environment,
    appVersion: run.appVersion,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationSeconds: durationSeconds(run),
    error: run.error,
    metrics,
    series
  }
}

export function findMetric(
  run: Pick<RunDetail, 'metrics'>,
  model: string,
  name: string
): MetricRecord | undefined {
  return run.metrics.find((m) => m.model === model && m.name === name)
}

export function findSeries(
  run: Pick<RunDetail, 'series'>,
  model: string,
  name: string
): SeriesRecord | undefined {
  return run.series.find((s) => s.model === model && s.name === name)
}

/** NaN and infinities are not numbers a record can hold (nor JSON): they become null, no value. */
export function finiteOrNull(v: number | null | undefined): number | null {
  return v == null || !Number.isFinite(v) ? null : v
}

/**
 * The metrics and series a kind's runs produce, by model (its `outputs.ts`): the names its
 * summaries, charts and sweeps may ask for. A misspelt name fails typecheck.
 */
export interface Outputs {
  metrics: Readonly<Record<string, readonly string[]>>
  series: Readonly<Record<string, readonly string[]>>
}

/** Finders typed by a kind's outputs: `metric(run, 'run', 'lambda50Ratio')`. */
export function outputFinders<O extends Outputs>() {
  return {
    metric: <M extends keyof O['metrics'] & string>(
      run: Pick<RunDetail, 'metrics'>,
      model: M,
      name: O['metrics'][M][number]
    ) => findMetric(run, model, name),
    series: <M extends keyof O['series'] & string>(
      run: Pick<RunDetail, 'series'>,
      model: M,
      name: O['series'][M][number]
    ) => findSeries(run, model, name)
  }
}
