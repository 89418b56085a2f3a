import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { effectivenessConfigSchema } from '../../shared/config'
import { migrations } from './migrations'
import { RunStore } from './store'

const config = effectivenessConfigSchema.parse({ kind: 'effectiveness', m: 100, n: 50, nTest: 50 })
let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-store-'))
  file = join(dir, 'nested', 'lab.db')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function newRun(store: RunStore, name = 'a run') {
  return store.createRun({ name, config, appVersion: '9.9.9' })
}

const environment = {
  backend: 'wasm',
  versions: { 'tfjs-core': '4.22.0' },
  platform: 'linux-x64',
  cpus: 2
}

describe('RunStore', () => {
  it('creates the schema from an empty file, at the latest migration, in WAL mode with foreign keys', () => {
    const store = RunStore.open(file)
    expect(store.schemaVersion).toBe(Math.max(...migrations.map((m) => m.version)))
    store.close()
    const db = new Database(file)
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name)
    expect(tables).toEqual(
      expect.arrayContaining(['runs', 'run_tags', 'metrics', 'series', 'series_points'])
    )
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('reopening an up-to-date database applies no migration twice', () => {
    RunStore.open(file).close()
    const store = RunStore.open(file)
    expect(store.listRuns()).toEqual([])
    store.close()
  })

  it('keeps a finished run, its metrics and series across closing and reopening', () => {
    const store = RunStore.open(file)
    const run = newRun(store)
    store.markRunning(run.id, environment)
    store.putMetric(run.id, {
      model: 'clean',
      name: 'cleanAccuracy',
      value: 0.9,
      lower: 0.85,
      upper: 0.93
    })
    store.putMetric(run.id, { model: 'run', name: 'lambda50Ratio', value: null })
    store.appendSeries(run.id, {
      model: 'clean',
      name: 'attackSuccessRate',
      points: [{ x: 0, value: 0, lower: 0, upper: 0.1 }]
    })
    store.appendSeries(run.id, {
      model: 'clean',
      name: 'attackSuccessRate',
      points: [{ x: 1, value: 0.5 }]
    })
    store.updateRun(run.id, { tags: ['paper', 'fig2'], notes: 'first try' })
    store.finish(run.id, 'done')
    const before = store.getRun(run.id)
    store.close()

    const reopened = RunStore.open(file)
    const after = reopened.getRun(run.id)
    expect(after).toEqual(before)
    expect(after.status).toBe('done')
    expect(after.config).toEqual(config)
    expect(after.environment).toEqual(environment)
    expect(after.tags).toEqual(['fig2', 'paper'])
    expect(after.series).toEqual([
      {
        model: 'clean',
        name: 'attackSuccessRate',
        points: [
          { x: 0, value: 0, lower: 0, upper: 0.1 },
          { x: 1, value: 0.5 }
        ]
      }
    ])
    expect(after.metrics).toContainEqual({
      model: 'clean',
      name: 'cleanAccuracy',
      value: 0.9,
      lower: 0.85,
      upper: 0.93
    })
    reopened.close()
  })

  it('marks runs left running or queued as interrupted at open, keeping what they wrote', () => {
    const store = RunStore.open(file)
    const running = newRun(store, 'running')
    store.markRunning(running.id, environment)
    store.putMetric(running.id, { model: 'clean', name: 'tau', value: 1.5 })
    const queued = newRun(store, 'queued')
    const done = newRun(store, 'done')
    store.finish(done.id, 'done')
    store.close()

    const reopened = RunStore.open(file)
    expect(reopened.summary(running.id).status).toBe('interrupted')
    expect(reopened.summary(queued.id).status).toBe('interrupted')
    expect(reopened.summary(done.id).status).toBe('done')
    expect(reopened.getRun(running.id).metrics).toEqual([
      { model: 'clean', name: 'tau', value: 1.5 }
    ])
    expect(reopened.summary(running.id).error).toMatch(/stopped before this run finished/)
    reopened.close()
  })

  it('deleting a run removes its metrics, series points and tags (foreign keys cascade)', () => {
    const store = RunStore.open(file)
    const run = newRun(store)
    const other = newRun(store)
    for (const id of [run.id, other.id]) {
      store.putMetric(id, { model: 'clean', name: 'tau', value: 1 })
      store.appendSeries(id, { model: 'clean', name: 'asr', points: [{ x: 0, value: 0 }] })
      store.updateRun(id, { tags: ['t'] })
    }
    expect(store.deleteRuns([run.id])).toBe(1)
    store.close()
    const db = new Database(file)
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
    expect(count('SELECT COUNT(*) AS n FROM metrics')).toBe(1)
    expect(count('SELECT COUNT(*) AS n FROM series')).toBe(1)
    expect(count('SELECT COUNT(*) AS n FROM series_points')).toBe(1)
    expect(count('SELECT COUNT(*) AS n FROM run_tags')).toBe(1)
    db.close()
  })

  it('stores non-finite numbers as missing values, never as garbage', () => {
    const store = RunStore.open(file)
    const run = newRun(store)
    store.putMetric(run.id, {
      model: 'clean',
      name: 'x',
      value: NaN,
      lower: -Infinity,
      upper: Infinity
    })
    expect(store.getRun(run.id).metrics).toEqual([{ model: 'clean', name: 'x', value: null }])
    store.close()
  })

  it('names a missing run in its error', () => {
    const store = RunStore.open(file)
    expect(() => store.getRun(42)).toThrow('No run with id 42')
    store.close()
  })
})
