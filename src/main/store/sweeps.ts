/**
 * Sweeps (SCIENCE.md section 12): a sweep is an entry of its own (its config as given and as
 * parsed), and its points are ordinary runs that name it, one per slot (point, replicate).
 * Created with all its runs at once; deleting it deletes its runs (a foreign key cascade).
 */
import type { SweepConfig } from '../../kinds/sweep'
import type { ExperimentKind } from '../../kinds/registry'
import type { RunStatus, RunSummary } from '../../shared/results'
import type { SlotValue, SweepRecord } from '../../shared/sweepStatus'
import type { BundleRepository, ImportedDataset, ImportedRun } from './bundles'
import { type Db, type RunRow, placeholders, tagsOfRuns, toSummary } from './rows'
import type { NewRun, RunOwner, RunRepository } from './runs'

export class SweepNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`No sweep with id ${id}`)
    this.name = 'SweepNotFoundError'
  }
}

export interface NewSweep {
  name: string
  /** The sweep config as it was given, and as parsed (base config and sweep, defaults filled). */
  config: unknown
  parsed: SweepConfig
}

/** A run to create in a sweep's slot. */
export type NewSweepRun = Omit<NewRun, 'sweep'> & { point: number; replicate: number }

interface SweepRow {
  id: number
  name: string
  kind: ExperimentKind
  config: string
  parsed: string
  created_at: string
}

function toRecord(row: SweepRow): SweepRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    createdAt: row.created_at,
    config: JSON.parse(row.config) as unknown,
    parsed: JSON.parse(row.parsed) as SweepConfig
  }
}

/** A run computed elsewhere (a shard of the sweep) to store in a slot. */
export interface AdoptedRun {
  point: number
  replicate: number
  run: ImportedRun
  /** The CSV files the run read, stored when this lab has no file with their content. */
  datasets?: ImportedDataset[]
}

/** A sweep's run with its slot, as the store reads it. */
export type SweepRun = RunSummary & { sweepId: number; point: number; replicate: number }

export class SweepRepository {
  constructor(
    private readonly db: Db,
    private readonly runs: RunRepository,
    private readonly owner: RunOwner,
    private readonly bundles?: BundleRepository
  ) {}

  /** Creates the sweep and every run of it, all or nothing; the runs come back queued. */
  create(sweep: NewSweep, children: NewSweepRun[]): { sweep: SweepRecord; runs: SweepRun[] } {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO sweeps (name, kind, config, parsed, created_at, owner_host, owner_pid,
             owner_instance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
        )
        .run(
          sweep.name,
          sweep.parsed.base.kind,
          JSON.stringify(sweep.config),
          JSON.stringify(sweep.parsed),
          new Date().toISOString(),
          this.owner.host,
          this.owner.pid,
          this.owner.instance
        )
      const id = Number(info.lastInsertRowid)
      const runs = children.map((child) => this.createRun(id, child))
      return { sweep: this.get(id), runs }
    })()
  }

  private createRun(sweepId: number, { point, replicate, ...run }: NewSweepRun): SweepRun {
    return this.runs.create({ ...run, sweep: { id: sweepId, point, replicate } }) as SweepRun
  }

  exists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM sweeps WHERE id = ?').get(id) !== undefined
  }

  /** One sweep's record; throws SweepNotFoundError. */
  get(id: number): SweepRecord {
    const row = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepRow | undefined
    if (!row) throw new SweepNotFoundError(id)
    return toRecord(row)
  }

  /** Sweeps, newest first: those with these ids (that exist), or the newest `limit`. */
  list(options: { ids?: number[]; limit?: number } = {}): SweepRecord[] {
    const { ids, limit = 100 } = options
    if (ids?.length === 0) return []
    const rows = (
      ids
        ? this.db
            .prepare(`SELECT * FROM sweeps WHERE id IN (${placeholders(ids)}) ORDER BY id DESC`)
            .all(...ids)
        : this.db.prepare('SELECT * FROM sweeps ORDER BY id DESC LIMIT ?').all(limit)
    ) as SweepRow[]
    return rows.map(toRecord)
  }

  /** The runs of these sweeps, by sweep, each list by point then replicate. */
  runsOf(ids: number[]): Map<number, SweepRun[]> {
    const map = new Map<number, SweepRun[]>(ids.map((id) => [id, []]))
    if (ids.length === 0) return map
    const rows = this.db
      .prepare(
        `SELECT * FROM runs WHERE sweep_id IN (${placeholders(ids)})
         ORDER BY sweep_id, point, replicate`
      )
      .all(...ids) as RunRow[]
    const tags = tagsOfRuns(
      this.db,
      rows.map((r) => r.id)
    )
    for (const row of rows)
      map.get(row.sweep_id!)!.push(toSummary(row, tags.get(row.id) ?? []) as SweepRun)
    return map
  }

  /** The sweeps some of these runs belong to. */
  sweepsOfRuns(runIds: number[]): number[] {
    if (runIds.length === 0) return []
    return (
      this.db
        .prepare(
          `SELECT DISTINCT sweep_id FROM runs WHERE id IN (${placeholders(runIds)})
             AND sweep_id IS NOT NULL ORDER BY sweep_id`
        )
        .all(...runIds) as { sweep_id: number }[]
    ).map((r) => r.sweep_id)
  }

  /** Sweeps with a run in one of these statuses. */
  withRunsIn(statuses: RunStatus[]): number[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT sweep_id FROM runs WHERE sweep_id IS NOT NULL
             AND status IN (${placeholders(statuses)}) ORDER BY sweep_id`
        )
        .all(...statuses) as { sweep_id: number }[]
    ).map((r) => r.sweep_id)
  }

  /**
   * One metric of every run of a sweep, in one query: each run's slot, status, seed and value
   * (null when the run has no such metric, or its value is not a number).
   */
  metricValues(id: number, model: string, name: string): SlotValue[] {
    return this.db
      .prepare(
        `SELECT r.id AS runId, r.point AS point, r.replicate AS replicate, r.status AS status,
           r.seed AS seed, m.value AS value
         FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.model = ? AND m.name = ?
         WHERE r.sweep_id = ? ORDER BY r.point, r.replicate`
      )
      .all(model, name, id) as SlotValue[]
  }

  /**
   * Fills slots of a sweep again, in one write transaction taken before reading (so two
   * processes resuming the same sweep never fill a slot twice): `plan` sees the sweep's runs as
   * they are and says which runs to delete and which to create in their place or in empty slots.
   * The new runs keep the name, notes and tags of the run they replace, and are owned by this
   * store; the sweep too. Returns the runs created.
   */
  refill(
    id: number,
    plan: (runs: SweepRun[]) => { remove: SweepRun[]; create: NewSweepRun[] }
  ): SweepRun[] {
    const transaction = this.db.transaction(() => {
      this.get(id)
      const { remove, create } = plan(this.runsOf([id]).get(id)!)
      this.runs.delete(remove.map((r) => r.id))
      const replaced = new Map(remove.map((r) => [`${r.point}/${r.replicate}`, r]))
      const created = create.map((child) => {
        const old = replaced.get(`${child.point}/${child.replicate}`)
        const run = this.createRun(id, old ? { ...child, name: old.name } : child)
        if (old && (old.notes || old.tags.length)) {
          return this.runs.update(run.id, { notes: old.notes, tags: old.tags }) as SweepRun
        }
        return run
      })
      if (created.length > 0) {
        this.db
          .prepare(
            'UPDATE sweeps SET owner_host = ?, owner_pid = ?, owner_instance = ? WHERE id = ?'
          )
          .run(this.owner.host, this.owner.pid, this.owner.instance, id)
      }
      return created
    })
    return transaction.immediate()
  }

  /**
   * Stores runs computed elsewhere (the shards of a sweep) in its slots, in one write transaction
   * taken before reading, like refill: `plan` sees the sweep's runs as they are and says which to
   * delete and which computed runs to store, each in its slot, with its own times, environment,
   * metrics and series (as a bundle's import keeps them). A run stored in place of another keeps
   * that one's name, notes and tags. Returns the runs stored.
   */
  adopt(
    id: number,
    plan: (runs: SweepRun[]) => { remove: SweepRun[]; add: AdoptedRun[] }
  ): SweepRun[] {
    const bundles = this.bundles
    if (!bundles) throw new Error('this sweep repository cannot import runs')
    const place = this.db.prepare(
      'UPDATE runs SET sweep_id = ?, point = ?, replicate = ? WHERE id = ?'
    )
    const transaction = this.db.transaction(() => {
      this.get(id)
      const { remove, add } = plan(this.runsOf([id]).get(id)!)
      this.runs.delete(remove.map((r) => r.id))
      const replaced = new Map(remove.map((r) => [`${r.point}/${r.replicate}`, r]))
      return add.map(({ point, replicate, run, datasets = [] }) => {
        const old = replaced.get(`${point}/${replicate}`)
        const [stored] = bundles.import(
          [old ? { ...run, name: old.name, notes: old.notes, tags: old.tags } : run],
          datasets
        )
        place.run(id, point, replicate, stored.id)
        return this.runs.summary(stored.id) as SweepRun
      })
    })
    return transaction.immediate()
  }

  /** Deletes a sweep with its runs; returns how many runs went with it. */
  delete(id: number): number {
    return this.db.transaction(() => {
      const runs = (
        this.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE sweep_id = ?').get(id) as {
          n: number
        }
      ).n
      if (this.db.prepare('DELETE FROM sweeps WHERE id = ?').run(id).changes === 0) {
        throw new SweepNotFoundError(id)
      }
      return runs
    })()
  }
}
