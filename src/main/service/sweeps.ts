/**
 * Sweeps in the service (SCIENCE.md section 12): a sweep config checked whole (every point's
 * config, every run's data and memory) before anything is saved, then the sweep and all its runs
 * saved at once and queued like any run. Its state, counts and time left come from its runs; it
 * is told to subscribers whenever one of them changes. A failed run stops no other. A sweep cut
 * off (its runs interrupted) resumes with only the runs it misses.
 *
 * Runs compute wherever the service computes runs: this module queues, cancels and deletes them
 * through the hooks the service gives it, and knows nothing of processes.
 */
import { parseExperimentConfig, type ExperimentConfig } from '../../kinds/registry'
import {
  childConfigs,
  parseSweepConfig,
  sweepableFields,
  sweepMetrics,
  type SweepConfig
} from '../../kinds/sweep'
import { LabApiError, type LabEvent } from '../../shared/api'
import type { RunStatus, RunSummary } from '../../shared/results'
import { ConfigError, type FieldError } from '../../shared/schema'
import { fieldValues, sweepChildren, sweepPoints, type SweepChild } from '../../shared/sweep'
import { defaultSweepName, pointWords, sweptField } from '../../kinds/sweepWords'
import {
  pointAggregates,
  sweepCounts,
  sweepEta,
  sweepProgress,
  sweepStatus,
  sweepTimes,
  type SweepAggregate,
  type SweepDetail,
  type SweepRecord,
  type SweepSummary
} from '../../shared/sweepStatus'
import type { RunStore } from '../store/store'
import type { NewSweepRun, SweepRun } from '../store/sweeps'

export interface SweepHooks {
  store: RunStore
  appVersion: string
  /**
   * The checks a new run's config passes beyond its schema (its data, its memory), as startRun
   * makes them; throws ConfigError. Returns the SHA-256 of the CSV file it reads, if any.
   */
  admitRun(config: ExperimentConfig): { dataSha256: string | null }
  /** Queues saved runs to compute. */
  enqueue(ids: number[]): void
  cancelRun(id: number): RunSummary
  /** Deletes runs, stopping those that compute. */
  deleteRuns(ids: number[]): { deleted: number }
  emit(event: LabEvent): void
}

/** Statuses a run of a sweep is finished in without a result: resuming runs it again. */
const RERUN: RunStatus[] = ['failed', 'cancelled', 'interrupted']
const UNFINISHED: RunStatus[] = ['queued', 'running']

const slotKey = (point: number, replicate: number) => `${point}/${replicate}`

export class SweepManager {
  private readonly waiters = new Map<number, ((sweep: SweepSummary) => void)[]>()
  /** Sweeps whose events wait for the end of a change to many of their runs at once. */
  private readonly held = new Map<number, number>()

  constructor(private readonly hooks: SweepHooks) {}

  private get store(): RunStore {
    return this.hooks.store
  }

  /**
   * Checks a sweep config whole, then saves the sweep and all its runs in one transaction and
   * queues them. Throws ConfigError naming the field (and the point) of the first problems.
   */
  start(rawConfig: unknown, name?: string): SweepDetail {
    const parsed = parseSweepConfig(rawConfig)
    const children = childConfigs(parsed)
    const shas = this.admitAll(parsed, children)
    const sweepName = name?.trim() || defaultSweepName(parsed)
    const { sweep, runs } = this.store.sweeps.create(
      { name: sweepName, config: rawConfig, parsed },
      children.map((child, i) => this.newRun(sweepName, parsed, child, shas[i]))
    )
    this.released(sweep.id, runs, [])
    return this.get(sweep.id)
  }

  /**
   * Checks a sweep config whole, as start does, and saves the sweep with none of its runs: they
   * compute elsewhere (shards on other machines, a Slurm array job) and come back into its slots
   * through a collect. Returns the sweep and every slot's run as start would have saved it.
   */
  createElsewhere(rawConfig: unknown, name?: string): { sweep: SweepDetail; runs: NewSweepRun[] } {
    const parsed = parseSweepConfig(rawConfig)
    const children = childConfigs(parsed)
    const shas = this.admitAll(parsed, children)
    const sweepName = name?.trim() || defaultSweepName(parsed)
    const runs = children.map((child, i) => this.newRun(sweepName, parsed, child, shas[i]))
    const { sweep } = this.store.sweeps.create({ name: sweepName, config: rawConfig, parsed }, [])
    this.changed([sweep.id])
    return { sweep: this.get(sweep.id), runs }
  }

  /** The sweep with its state and its runs; throws SweepNotFoundError. */
  get(id: number): SweepDetail {
    const record = this.store.sweeps.get(id)
    const runs = this.store.sweeps.runsOf([id]).get(id)!
    const points = sweepPoints(record.parsed.sweep)
    return {
      ...this.summarize(record, runs),
      config: record.config,
      base: record.parsed.base,
      sweep: record.parsed.sweep,
      children: runs.map((run) => ({ ...run, values: points[run.point]?.values ?? {} }))
    }
  }

  /** Sweeps with their state, newest first: those named, or the newest `limit`. */
  list(options: { ids?: number[]; limit?: number } = {}): SweepSummary[] {
    const records = this.store.sweeps.list(options)
    const runs = this.store.sweeps.runsOf(records.map((r) => r.id))
    return records.map((record) => this.summarize(record, runs.get(record.id)!))
  }

  summary(id: number): SweepSummary {
    return this.summarize(this.store.sweeps.get(id), this.store.sweeps.runsOf([id]).get(id)!)
  }

  private summarize(record: SweepRecord, runs: SweepRun[]): SweepSummary {
    const { base, sweep } = record.parsed
    const points = sweepPoints(sweep).length
    const total = points * sweep.seeds
    const counts = sweepCounts(runs, total)
    const labels = new Map(sweepableFields(base.kind).map((f) => [f.path, f.label]))
    return {
      id: record.id,
      name: record.name,
      kind: record.kind,
      createdAt: record.createdAt,
      status: sweepStatus(counts),
      counts,
      total,
      points,
      seeds: sweep.seeds,
      fields: sweep.fields.map((f) => ({
        path: f.path,
        label: labels.get(f.path) ?? f.path,
        values: fieldValues(f)
      })),
      progress: sweepProgress(runs),
      etaSeconds: sweepEta(runs),
      ...sweepTimes(runs)
    }
  }

  /**
   * Stops every queued and running run of the sweep, and marks its interrupted runs cancelled
   * too (so that no start-up resumes it); answers the sweep after the cancel.
   */
  cancel(id: number): SweepDetail {
    const runs = this.store.sweeps.runsOf([this.store.sweeps.get(id).id]).get(id)!
    this.holding(id, () => {
      // Queued first, so that no queued run starts in the place of a cancelled running one.
      for (const status of UNFINISHED)
        for (const run of runs) if (run.status === status) this.hooks.cancelRun(run.id)
      for (const run of runs.filter((r) => r.status === 'interrupted')) {
        this.store.runs.finish(run.id, 'cancelled', run.error)
        this.hooks.emit({ type: 'run', run: this.store.runs.summary(run.id) })
      }
    })
    return this.get(id)
  }

  /**
   * Runs again what the sweep misses: every slot (point, replicate) with no run, or whose run
   * failed, was cancelled or was interrupted; `interrupted` only the slots whose run was
   * interrupted (what start-up does). A run that is replaced is deleted with what it wrote: it is
   * a pure function of its config, seed and backend, so its replacement computes the same
   * numbers again, and a slot keeps exactly one run.
   */
  resume(id: number, only: 'unfinished' | 'interrupted' = 'unfinished'): SweepDetail {
    const record = this.store.sweeps.get(id)
    const slots = this.slots(record.parsed)
    let removed: number[] = []
    const created = this.store.sweeps.refill(id, (present) => {
      const taken = new Set(present.map((r) => slotKey(r.point, r.replicate)))
      const remove = present.filter((r) =>
        only === 'interrupted' ? r.status === 'interrupted' : RERUN.includes(r.status)
      )
      const again = new Set(remove.map((r) => slotKey(r.point, r.replicate)))
      const fill = slots.filter((s) => {
        const key = slotKey(s.point, s.replicate)
        return again.has(key) || (only === 'unfinished' && !taken.has(key))
      })
      const shas = this.admitAll(record.parsed, fill)
      removed = remove.map((r) => r.id)
      return {
        remove,
        create: fill.map((s, i) => this.newRun(record.name, record.parsed, s, shas[i]))
      }
    })
    this.released(id, created, removed)
    return this.get(id)
  }

  /**
   * At start-up: resumes every sweep with interrupted runs (its host stopped or crashed while it
   * computed), running again only those. A sweep that cannot resume (its data set was deleted)
   * is left as it is and named in `refused`.
   */
  resumeInterrupted(): { resumed: number[]; refused: { id: number; message: string }[] } {
    const resumed: number[] = []
    const refused: { id: number; message: string }[] = []
    for (const id of this.store.sweeps.withRunsIn(['interrupted'])) {
      try {
        this.resume(id, 'interrupted')
        resumed.push(id)
      } catch (error) {
        refused.push({ id, message: error instanceof Error ? error.message : String(error) })
      }
    }
    return { resumed, refused }
  }

  /** Deletes the sweep and its runs (stopping those that compute). */
  delete(id: number): { deleted: number; runs: number } {
    const last = this.summary(id)
    const runs = this.store.sweeps.runsOf([id]).get(id)!
    const deleted = this.holding(id, () => {
      const ids = runs.map((r) => r.id)
      if (ids.length > 0) this.hooks.deleteRuns(ids)
      return ids.length + this.store.sweeps.delete(id)
    })
    this.hooks.emit({ type: 'sweepDeleted', id })
    this.settle({ ...last, status: last.status === 'done' ? 'done' : 'cancelled' })
    return { deleted: 1, runs: deleted }
  }

  /**
   * One metric of the sweep per point: each seed's value with its run, and the mean, sd and
   * t-interval over the seeds whose run is done (read in one query).
   */
  aggregate(id: number, metric: { model: string; name: string }): SweepAggregate {
    const record = this.store.sweeps.get(id)
    const known = sweepMetrics(record.kind)
    const found = known.find((m) => m.model === metric.model && m.name === metric.name)
    if (!found) {
      const message = `${metric.model}/${metric.name} is not a metric a ${record.kind} sweep can aggregate; it can: ${known.map((m) => `${m.model}/${m.name}`).join(', ')}`
      throw new LabApiError(message, [{ field: 'metric.name', message }], 400)
    }
    const rows = this.store.sweeps.metricValues(id, metric.model, metric.name)
    return { sweepId: id, metric: found, points: pointAggregates(record.parsed.sweep, rows) }
  }

  /** Resolves when no run of the sweep is queued or running. */
  waitFor(id: number): Promise<SweepSummary> {
    const now = this.summary(id)
    if (!UNFINISHED.includes(now.status)) return Promise.resolve(now)
    return new Promise((resolve) => {
      this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve])
    })
  }

  /** Every service event passes here: a change of a sweep's run is a change of the sweep. */
  onEvent(event: LabEvent): void {
    if (event.type === 'run' && event.run.sweepId != null) this.changed([event.run.sweepId])
  }

  /** Tells subscribers the state of these sweeps (those that still exist). */
  changed(ids: number[]): void {
    for (const id of ids) {
      if (this.held.has(id) || !this.store.sweeps.exists(id)) continue
      const sweep = this.summary(id)
      this.hooks.emit({ type: 'sweep', sweep })
      this.settle(sweep)
    }
  }

  private settle(sweep: SweepSummary): void {
    if (UNFINISHED.includes(sweep.status)) return
    for (const resolve of this.waiters.get(sweep.id) ?? []) resolve(sweep)
    this.waiters.delete(sweep.id)
  }

  /** Runs `change` with the sweep's events held: one event at the end, not one per run. */
  private holding<T>(id: number, change: () => T): T {
    this.held.set(id, (this.held.get(id) ?? 0) + 1)
    try {
      return change()
    } finally {
      const left = this.held.get(id)! - 1
      if (left === 0) this.held.delete(id)
      else this.held.set(id, left)
      if (left === 0) this.changed([id])
    }
  }

  /** New runs saved (and replaced ones deleted): tell subscribers, queue them, tell the sweep. */
  private released(id: number, runs: SweepRun[], removed: number[]): void {
    this.holding(id, () => {
      if (removed.length > 0) this.hooks.emit({ type: 'deleted', ids: removed })
      for (const run of runs) this.hooks.emit({ type: 'run', run })
      this.hooks.enqueue(runs.map((r) => r.id))
    })
  }

  /** Every slot's config, from the sweep as parsed when it was saved (for a resume). */
  private slots(parsed: SweepConfig): SweepChild<ExperimentConfig>[] {
    return sweepChildren(parsed.base, parsed.sweep).map((child) => ({
      ...child,
      config: parseExperimentConfig(child.config, { strict: false })
    }))
  }

  /**
   * The checks of startRun for every run before any is saved (its data, its memory); errors
   * name the swept value or the field, and the point. Returns each run's CSV SHA-256.
   */
  private admitAll(
    parsed: SweepConfig,
    children: SweepChild<ExperimentConfig>[]
  ): (string | null)[] {
    const errors: FieldError[] = []
    const seen = new Set<string>()
    const points = sweepPoints(parsed.sweep)
    const shas = children.map((child) => {
      try {
        return this.hooks.admitRun(child.config).dataSha256
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        const values = points[child.point].values
        for (const e of error.errors) {
          const field = sweptField(parsed, e.field, values) ?? e.field
          const message = `at ${pointWords(parsed.base.kind, values)}: ${e.message}`
          if (seen.has(field + message)) continue
          seen.add(field + message)
          errors.push({ field, message })
        }
        return null
      }
    })
    if (errors.length > 0) throw new ConfigError(errors.slice(0, 10))
    return shas
  }

  private newRun(
    sweepName: string,
    parsed: SweepConfig,
    child: SweepChild<ExperimentConfig>,
    dataSha256: string | null
  ): NewSweepRun {
    const values = sweepPoints(parsed.sweep)[child.point].values
    const seeds = parsed.sweep.seeds
    return {
      name: `${sweepName}: ${pointWords(parsed.base.kind, values)}, seed ${child.replicate + 1} of ${seeds}`.slice(
        0,
        200
      ),
      config: child.config,
      appVersion: this.hooks.appVersion,
      dataSha256,
      point: child.point,
      replicate: child.replicate
    }
  }
}
