/**
 * A database of many runs for the history tests and benchmark: written in one transaction with
 * plain SQL (as an older app would have left them, without the history columns), so the store
 * fills those at open. Deterministic: the same count gives the same runs. Returns what each run
 * should look like, for checking queries against plain JavaScript.
 */
import Database from 'better-sqlite3'
import { parseExperimentConfig, type ExperimentConfig } from '../../kinds/registry'
import type { RunStatus } from '../../shared/results'
import { RunStore } from '../store/store'

export interface SeededRun {
  id: number
  name: string
  kind: ExperimentConfig['kind']
  status: RunStatus
  seed: number
  backend: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  notes: string
  tags: string[]
  /** The key metric the store should derive from the metrics written. */
  key: number | null
  /** describeData of the config, written out by hand. */
  dataset: string
  config: ExperimentConfig
  /** Seconds from start to finish, null when it never started. */
  duration: number | null
  /** Its sweep and slot, when it is a point of one (see SeedOptions.sweeps). */
  sweep?: { id: number; point: number; replicate: number }
}

/** A seeded sweep: effectiveness at d=20 over θ ∈ SWEPT_THETAS, SWEEP_SEEDS seeds per point. */
export interface SeededSweep {
  id: number
  name: string
  createdAt: string
  runIds: number[]
}

export const SWEPT_THETAS = [1, 2, 3, 4]
export const SWEEP_SEEDS = 3
const SWEEP_RUNS = SWEPT_THETAS.length * SWEEP_SEEDS

export interface SeedOptions {
  /**
   * How many sweeps the runs hold: sweep j (1-based) takes SWEEP_RUNS consecutive ids, the blocks
   * spread evenly over the ids. Without sweeps the runs are the same as before sweeps existed.
   */
  sweeps?: number
  /**
   * How many values of θ the runs outside sweeps spread over (θ = 1 + (id mod configs) / 4), so
   * that seed groups are small, as when a researcher runs a few seeds of many configs. Without
   * it every run keeps its template's θ: six seed groups in all.
   */
  configs?: number
}

/** The sweep slot of run `id` among `count` runs, for `sweeps` sweeps spread over them. */
function sweepSlot(
  id: number,
  count: number,
  sweeps: number
): { sweep: number; point: number; replicate: number } | null {
  if (sweeps === 0) return null
  const stride = Math.floor(count / sweeps)
  const j = Math.floor((id - 1) / stride)
  const i = id - 1 - j * stride
  if (j >= sweeps || i >= SWEEP_RUNS) return null
  return { sweep: j + 1, point: Math.floor(i / SWEEP_SEEDS), replicate: i % SWEEP_SEEDS }
}

const templates: { config: Record<string, unknown>; dataset: string }[] = [
  { config: { kind: 'effectiveness', d: 20, m: 200, k: 4 }, dataset: 'synthetic, d=20' },
  { config: { kind: 'effectiveness', d: 100, m: 2000 }, dataset: 'synthetic, d=100' },
  {
    config: { kind: 'finetune', dataset: { kind: 'iris', positiveClass: 0 }, m: 500 },
    dataset: 'Iris class 0 vs rest'
  },
  {
    config: { kind: 'finetune', dataset: { kind: 'mnist', positiveDigit: 3, negativeDigit: 5 } },
    dataset: 'MNIST 3 vs 5'
  },
  { config: { kind: 'universality' }, dataset: 'Gaussian mixture, L=3, d=50' },
  {
    config: { kind: 'universality', dataset: { kind: 'mnist', digits: [0, 1, 7] } },
    dataset: 'MNIST digits 0,1,7'
  }
]

const words = ['alpha', 'Beta', 'gamma', 'DELTA', 'epsilon', 'zeta_x', '50% run', 'Éclair']
const statuses: RunStatus[] = ['done', 'done', 'done', 'failed', 'cancelled', 'interrupted']
const backends = ['wasm', 'tensorflow', 'cpu', null]
const tagPool = ['paper', 'fig2', 'baseline', 'sweep']

/** mulberry32: a small seeded generator, so the seeded database is the same every time. */
function generator(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Creates `path` with `count` runs (ids 1..count) and closes it. */
export function seedHistory(path: string, count: number, options: SeedOptions = {}): SeededRun[] {
  return seedHistoryWithSweeps(path, count, options).runs
}

/** As seedHistory, and the sweeps it made. */
export function seedHistoryWithSweeps(
  path: string,
  count: number,
  options: SeedOptions = {}
): { runs: SeededRun[]; sweeps: SeededSweep[] } {
  const sweepCount = options.sweeps ?? 0
  if (sweepCount * SWEEP_RUNS > count) throw new Error('seedHistory: too many sweeps for the runs')
  RunStore.open(path).close() // the schema, at the latest migration
  const random = generator(count)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  // Every template is of a kind with θ (not the detectability frontier, which sweeps its own).
  const parsed = templates.map(
    (t) => parseExperimentConfig(t.config) as Exclude<ExperimentConfig, { kind: 'detectability' }>
  )
  const db = new Database(path)
  const insertRun = db.prepare(
    `INSERT INTO runs (id, name, kind, status, config, seed, backend, app_version, created_at,
       started_at, finished_at, notes)
     VALUES (?, ?, ?, ?, ?, ?, ?, '0.1.0', ?, ?, ?, ?)`
  )
  const insertMetric = db.prepare(
    'INSERT INTO metrics (run_id, model, name, value, lower, upper) VALUES (?, ?, ?, ?, ?, ?)'
  )
  const insertSeries = db.prepare('INSERT INTO series (run_id, model, name) VALUES (?, ?, ?)')
  const insertPoint = db.prepare(
    'INSERT INTO series_points (series_id, idx, x, value) VALUES (?, ?, ?, ?)'
  )
  const insertTag = db.prepare('INSERT INTO run_tags (run_id, tag) VALUES (?, ?)')
  const insertSweep = db.prepare(
    `INSERT INTO sweeps (id, name, kind, config, parsed, created_at)
     VALUES (?, ?, 'effectiveness', ?, ?, ?)`
  )
  const setSlot = db.prepare('UPDATE runs SET sweep_id = ?, point = ?, replicate = ? WHERE id = ?')
  const start = Date.parse('2025-01-01T00:00:00.000Z')
  // Distinct durations, so that sorting by duration has no ties to break.
  const durations = Array.from({ length: count }, (_, i) => 5 + i * 3).sort(() => random() - 0.5)
  const runs: SeededRun[] = []
  const sweeps: SeededSweep[] = []

  db.transaction(() => {
    for (let id = 1; id <= count; id++) {
      const slot = sweepSlot(id, count, sweepCount)
      // A sweep's run: the first template, θ of its point (the same draws of `random` either way).
      const drawn = Math.floor(random() * templates.length)
      const t = slot ? 0 : drawn
      const seed = Math.floor(random() * 50)
      const theta = slot
        ? SWEPT_THETAS[slot.point]
        : options.configs
          ? 1 + (id % options.configs) / 4
          : parsed[t].theta
      const config = { ...parsed[t], theta, seed } as ExperimentConfig
      const status = pick(statuses)
      const created = start + Math.floor(random() * 90 * 86_400_000)
      const started = status === 'cancelled' && random() < 0.5 ? null : created + 1000
      const duration = started == null ? null : durations[id - 1]
      const finished = started == null ? created + 2000 : started + duration! * 1000
      const name = `${pick(words)} run ${id}`
      const notes = random() < 0.1 ? `looked at the needle ${id}` : ''
      const backend = started == null ? null : pick(backends)
      insertRun.run(
        id,
        name,
        config.kind,
        status,
        JSON.stringify(config),
        seed,
        backend,
        new Date(created).toISOString(),
        started == null ? null : new Date(started).toISOString(),
        new Date(finished).toISOString(),
        notes
      )
      const tags = tagPool.filter(() => random() < 0.2)
      for (const tag of tags) insertTag.run(id, tag)

      let key: number | null = null
      const value = () => Math.round(random() * 1e6) / 1e5
      const measured = status === 'done' || random() < 0.5
      if (measured && config.kind === 'effectiveness') {
        key = value()
        insertMetric.run(id, 'run', 'lambda50Ratio', key, null, null)
        insertMetric.run(id, 'clean', 'lambda50', value(), null, null)
      } else if (measured && config.kind === 'finetune') {
        const before = value()
        insertMetric.run(id, 'run', 'advantage.before', before, before - 0.1, before + 0.1)
        insertMetric.run(id, 'run', 'trackLambda', 2, null, null)
        key = before
        if (status === 'done') {
          key = value()
          insertMetric.run(id, 'run', 'advantage.after', key, key - 0.1, key + 0.1)
        }
      } else if (measured && config.kind === 'universality') {
        key = value()
        insertMetric.run(id, 'run', 'universalityGap', key, key - 0.05, key + 0.05)
      }
      if (measured) {
        const sid = Number(insertSeries.run(id, 'clean', 'attackSuccessRate').lastInsertRowid)
        for (let i = 0; i < 3; i++) insertPoint.run(sid, i, i, random())
      }
      runs.push({
        id,
        name,
        kind: config.kind,
        status,
        seed,
        backend,
        createdAt: new Date(created).toISOString(),
        startedAt: started == null ? null : new Date(started).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        notes,
        tags,
        key,
        dataset: templates[t].dataset,
        config,
        duration,
        ...(slot ? { sweep: { id: slot.sweep, point: slot.point, replicate: slot.replicate } } : {})
      })
    }
    for (let j = 1; j <= sweepCount; j++) {
      const members = runs.filter((r) => r.sweep?.id === j)
      const createdAt = members.map((r) => r.createdAt).reduce((a, b) => (a < b ? a : b))
      const sweep = {
        fields: [{ path: 'theta', values: SWEPT_THETAS }],
        seeds: SWEEP_SEEDS,
        seed: j
      }
      const name = `sweep ${j} of θ`
      insertSweep.run(
        j,
        name,
        JSON.stringify({ ...templates[0].config, sweep }),
        JSON.stringify({ base: parsed[0], sweep }),
        createdAt
      )
      for (const r of members) setSlot.run(j, r.sweep!.point, r.sweep!.replicate, r.id)
      sweeps.push({ id: j, name, createdAt, runIds: members.map((r) => r.id) })
    }
  })()
  db.close()
  return { runs, sweeps }
}
