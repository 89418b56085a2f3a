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
export function seedHistory(path: string, count: number): SeededRun[] {
  RunStore.open(path).close() // the schema, at the latest migration
  const random = generator(count)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const parsed = templates.map((t) => parseExperimentConfig(t.config))
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
  const start = Date.parse('2025-01-01T00:00:00.000Z')
  // Distinct durations, so that sorting by duration has no ties to break.
  const durations = Array.from({ length: count }, (_, i) => 5 + i * 3).sort(() => random() - 0.5)
  const runs: SeededRun[] = []

  db.transaction(() => {
    for (let id = 1; id <= count; id++) {
      const t = Math.floor(random() * templates.length)
      const seed = Math.floor(random() * 50)
      const config = { ...parsed[t], seed } as ExperimentConfig
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
        duration
      })
    }
  })()
  db.close()
  return runs
}
