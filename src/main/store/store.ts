/**
 * The run database: one SQLite file, WAL mode, foreign keys on, numbered migrations at open.
 * Metrics and series are written as they arrive, so a crash loses at most the step in flight;
 * runs left `running` (or `queued`) by a process that is gone become `interrupted` at open.
 *
 * What it stores is reached through its repositories: `runs` (one run's life), `history` (many
 * runs: lists, filtered pages), `comparisons`, `datasets` (imported CSV files), `bundles`
 * (runs that travel between labs) and `sweeps` (a sweep and the runs of its points). This file keeps what concerns the file as a whole: opening,
 * migrations, which process owns an unfinished run, and closing.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type Database from 'better-sqlite3'
import { type ExperimentConfig, describeData } from '../../kinds/registry'
import type { RunStatus } from '../../shared/results'
import { seedGroupId } from '../../shared/seedGroups'
import { BundleRepository } from './bundles'
import { ComparisonRepository } from './comparisons'
import { DatasetRepository } from './datasets'
import { HistoryEntries } from './entries'
import { HistoryQueries } from './history'
import { migrations } from './migrations'
import { NullRepository } from './nulls'
import { openDatabase } from './open'
import { searchText } from './rows'
import { RunRepository } from './runs'
import { SweepRepository } from './sweeps'

export interface OpenOptions {
  /** Path of a better-sqlite3 addon built for another runtime (Electron's ABI). */
  nativeBinding?: string
}

/** Store instances open in this process, by id: a run they own is still in someone's hands. */
const openInstances = new Set<string>()

/** Whether the process `pid` on this host exists (signal 0 checks without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class RunStore {
  /** Names this open store as the owner of the runs it creates. */
  readonly instance = randomUUID()
  readonly runs: RunRepository
  readonly history: HistoryQueries
  /** The history as the Runs table pages it: runs, sweeps and seed groups as entries. */
  readonly entries: HistoryEntries
  readonly comparisons: ComparisonRepository
  readonly datasets: DatasetRepository
  readonly bundles: BundleRepository
  readonly sweeps: SweepRepository
  /** Monte Carlo nulls of the detection statistics, a cache (see nulls.ts). */
  readonly nulls: NullRepository

  private constructor(
    private readonly db: Database.Database,
    readonly path: string
  ) {
    openInstances.add(this.instance)
    const owner = { host: hostname(), pid: process.pid, instance: this.instance }
    this.runs = new RunRepository(db, owner)
    this.history = new HistoryQueries(db, this.runs)
    this.entries = new HistoryEntries(db)
    this.comparisons = new ComparisonRepository(db)
    this.datasets = new DatasetRepository(db)
    this.bundles = new BundleRepository(db, this.runs, this.datasets)
    this.sweeps = new SweepRepository(db, this.runs, owner, this.bundles)
    this.nulls = new NullRepository(db)
  }

  /** Opens (or creates) the database; throws DatabaseOpenError naming the path and the reason. */
  static open(path: string, options: OpenOptions = {}): RunStore {
    const db = openDatabase(path, options)
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    const store = new RunStore(db, path)
    store.migrate()
    store.fillHistory()
    store.fillSeedGroups()
    store.interruptUnfinished()
    return store
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number
  }

  private migrate(): void {
    const current = this.schemaVersion
    const pending = migrations.filter((m) => m.version > current)
    if (pending.length === 0) return
    this.db.transaction(() => {
      for (const m of pending) {
        this.db.exec(m.sql)
        this.db.pragma(`user_version = ${m.version}`)
      }
    })()
  }

  /**
   * Runs left queued or running by a process that is gone cannot finish: mark them interrupted,
   * saying how far they got, and give them the key metric of what they had finished. Runs whose
   * owner still lives (the app, while the CLI opens the same file) are left alone; so are runs of
   * another host, whose processes cannot be checked from here.
   */
  interruptUnfinished(): number {
    const unfinished = this.db
      .prepare(
        `SELECT id, owner_host, owner_pid, owner_instance FROM runs
         WHERE status IN ('running', 'queued')`
      )
      .all() as {
      id: number
      owner_host: string | null
      owner_pid: number | null
      owner_instance: string | null
    }[]
    const orphaned = unfinished.filter((run) => {
      if (run.owner_pid === null || run.owner_host === null) return true
      if (run.owner_host !== hostname()) return false
      if (run.owner_pid === process.pid) return !openInstances.has(run.owner_instance ?? '')
      return !processAlive(run.owner_pid)
    })
    return this.interrupt(orphaned.map((r) => r.id))
  }

  /** Marks this store's own unfinished runs interrupted (its process is stopping them). */
  interruptOwn(): number {
    const ids = this.db
      .prepare(`SELECT id FROM runs WHERE status IN ('running', 'queued') AND owner_instance = ?`)
      .all(this.instance) as { id: number }[]
    return this.interrupt(ids.map((r) => r.id))
  }

  private interrupt(ids: number[]): number {
    if (ids.length === 0) return 0
    return this.db.transaction(() => {
      const update = this.db.prepare(
        `UPDATE runs SET status = 'interrupted', progress = NULL,
             finished_at = COALESCE(finished_at, ?),
             error = COALESCE(error, 'The app stopped before this run finished' ||
               CASE WHEN json_valid(progress) AND json_extract(progress, '$.total') > 0
                 THEN ' (it was at ' || json_extract(progress, '$.phase') || ', step ' ||
                   json_extract(progress, '$.step') || ' of ' || json_extract(progress, '$.total') || ')'
                 ELSE '' END ||
               '; the results it had written are kept.')
           WHERE id = ? AND status IN ('running', 'queued')`
      )
      const now = new Date().toISOString()
      let changed = 0
      for (const id of ids) {
        if (update.run(now, id).changes === 0) continue
        changed++
        this.runs.refreshKey(id)
      }
      return changed
    })()
  }

  /**
   * Fills what the runs table sorts and filters on (data set, search text, key metric) for runs
   * written before those columns existed: after migration 3, or by an older app.
   */
  private fillHistory(): void {
    const rows = this.db
      .prepare('SELECT id, config, status FROM runs WHERE search_text IS NULL')
      .all() as { id: number; config: string; status: RunStatus }[]
    if (rows.length === 0) return
    const update = this.db.prepare('UPDATE runs SET dataset = ?, search_text = ? WHERE id = ?')
    this.db.transaction(() => {
      for (const row of rows) {
        const config = JSON.parse(row.config) as ExperimentConfig
        update.run(describeData(config), searchText(config), row.id)
        if (row.status !== 'queued' && row.status !== 'running') this.runs.refreshKey(row.id)
      }
    })()
  }

  /** Gives runs written before seed groups were kept (migration 8, or an older app) theirs. */
  private fillSeedGroups(): void {
    const rows = this.db.prepare('SELECT id, config FROM runs WHERE seed_group IS NULL').all() as {
      id: number
      config: string
    }[]
    if (rows.length === 0) return
    const update = this.db.prepare('UPDATE runs SET seed_group = ? WHERE id = ?')
    this.db.transaction(() => {
      for (const row of rows) update.run(seedGroupId(JSON.parse(row.config)), row.id)
    })()
  }

  close(): void {
    openInstances.delete(this.instance)
    this.db.close()
  }
}
