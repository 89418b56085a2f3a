import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { effectivenessConfigSchema } from '../../kinds/effectiveness/config'
import { parseExperimentConfig } from '../../kinds/registry'
import { migrations } from './migrations'
import { DatasetNotFoundError, type NewDataset } from './datasets'
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
  return store.runs.create({ name, config, appVersion: '9.9.9' })
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
      expect.arrayContaining(['runs', 'run_tags', 'metrics', 'series', 'series_points', 'datasets'])
    )
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('reopening an up-to-date database applies no migration twice', () => {
    RunStore.open(file).close()
    const store = RunStore.open(file)
    expect(store.history.list()).toEqual([])
    store.close()
  })

  it('keeps a finished run, its metrics and series across closing and reopening', () => {
    const store = RunStore.open(file)
    const run = newRun(store)
    store.runs.markRunning(run.id, environment)
    store.runs.putMetric(run.id, {
      model: 'clean',
      name: 'cleanAccuracy',
      value: 0.9,
      lower: 0.85,
      upper: 0.93
    })
    store.runs.putMetric(run.id, { model: 'run', name: 'lambda50Ratio', value: null })
    store.runs.appendSeries(run.id, {
      model: 'clean',
      name: 'attackSuccessRate',
      points: [{ x: 0, value: 0, lower: 0, upper: 0.1 }]
    })
    store.runs.appendSeries(run.id, {
      model: 'clean',
      name: 'attackSuccessRate',
      points: [{ x: 1, value: 0.5 }]
    })
    store.runs.update(run.id, { tags: ['paper', 'fig2'], notes: 'first try' })
    store.runs.finish(run.id, 'done')
    const before = store.runs.get(run.id)
    store.close()

    const reopened = RunStore.open(file)
    const after = reopened.runs.get(run.id)
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
    store.runs.markRunning(running.id, environment)
    store.runs.putMetric(running.id, { model: 'clean', name: 'tau', value: 1.5 })
    const queued = newRun(store, 'queued')
    const done = newRun(store, 'done')
    store.runs.finish(done.id, 'done')
    store.close()

    const reopened = RunStore.open(file)
    expect(reopened.runs.summary(running.id).status).toBe('interrupted')
    expect(reopened.runs.summary(queued.id).status).toBe('interrupted')
    expect(reopened.runs.summary(done.id).status).toBe('done')
    expect(reopened.runs.get(running.id).metrics).toEqual([
      { model: 'clean', name: 'tau', value: 1.5 }
    ])
    expect(reopened.runs.summary(running.id).error).toMatch(/stopped before this run finished/)
    reopened.close()
  })

  it('leaves the runs of a store still open in this process alone, and interrupts them once it closes', () => {
    const app = RunStore.open(file)
    const running = newRun(app, 'the app computes this')
    app.runs.markRunning(running.id, environment)
    // The CLI opens the same file while the app still runs.
    const cli = RunStore.open(file)
    expect(cli.runs.summary(running.id).status).toBe('running')
    cli.close()
    app.close()
    const next = RunStore.open(file)
    expect(next.runs.summary(running.id).status).toBe('interrupted')
    next.close()
  })

  it('leaves the runs of another live process alone, and interrupts them once it has exited', async () => {
    const store = RunStore.open(file)
    const run = newRun(store, 'owned elsewhere')
    store.runs.markRunning(run.id, environment)
    store.close()
    // A real process on this host stands in for the app that owns the run.
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
    await new Promise((resolve) => owner.once('spawn', resolve))
    const db = new Database(file)
    db.prepare(
      'UPDATE runs SET owner_host = ?, owner_pid = ?, owner_instance = ? WHERE id = ?'
    ).run(os.hostname(), owner.pid, 'the owner store', run.id)
    db.close()

    const whileAlive = RunStore.open(file)
    expect(whileAlive.runs.summary(run.id).status).toBe('running')
    whileAlive.close()

    owner.kill('SIGKILL')
    await new Promise((resolve) => owner.once('exit', resolve))
    const afterExit = RunStore.open(file)
    expect(afterExit.runs.summary(run.id).status).toBe('interrupted')
    afterExit.close()
  })

  it('interruptOwn marks only the closing store its own unfinished runs', () => {
    const app = RunStore.open(file)
    const cli = RunStore.open(file)
    const mine = newRun(app, 'app run')
    const theirs = newRun(cli, 'cli run')
    expect(app.interruptOwn()).toBe(1)
    expect(app.runs.summary(mine.id).status).toBe('interrupted')
    expect(app.runs.summary(theirs.id).status).toBe('queued')
    cli.close()
    app.close()
  })

  it('deleting a run removes its metrics, series points and tags (foreign keys cascade)', () => {
    const store = RunStore.open(file)
    const run = newRun(store)
    const other = newRun(store)
    for (const id of [run.id, other.id]) {
      store.runs.putMetric(id, { model: 'clean', name: 'tau', value: 1 })
      store.runs.appendSeries(id, { model: 'clean', name: 'asr', points: [{ x: 0, value: 0 }] })
      store.runs.update(id, { tags: ['t'] })
    }
    expect(store.runs.delete([run.id])).toBe(1)
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
    store.runs.putMetric(run.id, {
      model: 'clean',
      name: 'x',
      value: NaN,
      lower: -Infinity,
      upper: Infinity
    })
    expect(store.runs.get(run.id).metrics).toEqual([{ model: 'clean', name: 'x', value: null }])
    store.close()
  })

  it('names a missing run in its error', () => {
    const store = RunStore.open(file)
    expect(() => store.runs.get(42)).toThrow('No run with id 42')
    store.close()
  })
})

function csvFile(content: string, name = 'toy.csv'): NewDataset {
  return {
    name,
    content,
    columns: content.split('\n')[0].split(','),
    rows: content.trim().split('\n').length - 1,
    sha256: createHash('sha256').update(content, 'utf8').digest('hex'),
    bytes: Buffer.byteLength(content, 'utf8'),
    labelCandidates: [
      {
        column: 'y',
        numeric: false,
        values: [
          { value: 'ja', count: 1 },
          { value: 'nein', count: 1 }
        ]
      }
    ]
  }
}

function countDatasets(): number {
  const db = new Database(file)
  const n = (db.prepare('SELECT COUNT(*) AS n FROM datasets').get() as { n: number }).n
  db.close()
  return n
}

describe('RunStore: imported data sets', () => {
  it('keeps a CSV file whole across closing and reopening; the list leaves the text out', () => {
    const store = RunStore.open(file)
    const content = 'x,größe,y\n1,2,ja\n3,4,nein\n'
    const created = store.datasets.create(csvFile(content))
    expect(created).toEqual({
      id: 1,
      name: 'toy.csv',
      columns: ['x', 'größe', 'y'],
      rows: 2,
      bytes: content.length + 2, // two 2-byte characters in UTF-8
      sha256: createHash('sha256').update(content).digest('hex'),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      labelCandidates: csvFile(content).labelCandidates
    })
    store.close()

    const reopened = RunStore.open(file)
    expect(reopened.datasets.list()).toEqual([created])
    expect(reopened.datasets.list()[0]).not.toHaveProperty('content')
    expect(reopened.datasets.get(created.id)).toEqual({ ...created, content })
    const second = reopened.datasets.create(csvFile('a,y\n1,0\n2,1\n', 'second.csv'))
    expect(reopened.datasets.list().map((d) => d.id)).toEqual([second.id, created.id])
    expect(reopened.datasets.delete(created.id)).toBe(1)
    expect(reopened.datasets.delete(created.id)).toBe(0)
    expect(() => reopened.datasets.get(created.id)).toThrow(DatasetNotFoundError)
    expect(() => reopened.datasets.get(created.id)).toThrow('No imported data set with id 1')
    expect(reopened.datasets.list()).toEqual([second])
    reopened.close()
  })

  it('a failed import writes nothing: the database checks size, hash and columns', () => {
    const store = RunStore.open(file)
    const good = csvFile('a,y\n1,0\n2,1\n')
    expect(() => store.datasets.create({ ...good, bytes: good.bytes + 1 })).toThrow(
      /CHECK constraint/
    )
    expect(() => store.datasets.create({ ...good, sha256: 'not a hash' })).toThrow(
      /CHECK constraint/
    )
    expect(() => store.datasets.create({ ...good, sha256: good.sha256.toUpperCase() })).toThrow(
      /CHECK constraint/
    )
    expect(() => store.datasets.create({ ...good, rows: 0 })).toThrow(/CHECK constraint/)
    expect(() => store.datasets.create({ ...good, name: '' })).toThrow(/CHECK constraint/)
    expect(store.datasets.list()).toEqual([])
    store.close()
    expect(countDatasets()).toBe(0)
  })

  it('upgrades a version-1 database, keeping its runs', () => {
    mkdirSync(dirname(file), { recursive: true })
    const v1 = new Database(file)
    v1.exec(migrations[0].sql)
    v1.pragma('user_version = 1')
    v1.prepare(
      `INSERT INTO runs (name, kind, status, config, seed, app_version, created_at)
       VALUES ('old', 'effectiveness', 'done', ?, 1, '0.1.0', '2025-01-01T00:00:00.000Z')`
    ).run(JSON.stringify(config))
    v1.close()

    const store = RunStore.open(file)
    expect(store.schemaVersion).toBe(Math.max(...migrations.map((m) => m.version)))
    expect(store.history.list().map((r) => r.name)).toEqual(['old'])
    expect(store.history.list()[0].dataset).toBe('synthetic, d=100')
    expect(store.datasets.list()).toEqual([])
    store.datasets.create(csvFile('a,y\n1,0\n2,1\n'))
    store.close()
    expect(countDatasets()).toBe(1)
  })

  it('finds the queued or running runs that read a data set', () => {
    const store = RunStore.open(file)
    const dataset = store.datasets.create(csvFile('a,y\n1,0\n2,1\n'))
    const finetune = (datasetId: number) =>
      parseExperimentConfig({
        kind: 'finetune',
        m: 100,
        n: 50,
        nTest: 50,
        dataset: { kind: 'csv', datasetId, labelColumn: 'y' }
      })
    const uses = store.runs.create({ name: 'a', config: finetune(dataset.id), appVersion: '1' })
    const other = store.runs.create({
      name: 'b',
      config: finetune(dataset.id + 1),
      appVersion: '1'
    })
    newRun(store)
    expect(store.runs.usingDataset(dataset.id, ['queued', 'running'])).toEqual([uses.id])
    store.runs.finish(uses.id, 'done')
    expect(store.runs.usingDataset(dataset.id, ['queued', 'running'])).toEqual([])
    expect(store.runs.usingDataset(dataset.id, ['done'])).toEqual([uses.id])
    expect(store.runs.usingDataset(dataset.id + 1, ['queued'])).toEqual([other.id])
    store.close()
  })
})
