import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { childConfigs, parseSweepConfig } from '../../kinds/sweep'
import { migrations } from './migrations'
import { RunStore } from './store'
import type { NewSweepRun } from './sweeps'

const given = {
  kind: 'effectiveness',
  m: 100,
  n: 50,
  nTest: 50,
  sweep: { fields: [{ path: 'theta', values: [1, 2, 3] }], seeds: 2 }
}
const parsed = parseSweepConfig(given)
const children: NewSweepRun[] = childConfigs(parsed).map((c) => ({
  name: `point ${c.point}, seed ${c.replicate}`,
  config: c.config,
  appVersion: '9.9.9',
  point: c.point,
  replicate: c.replicate
}))

let dir: string
let store: RunStore
beforeEach(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-sweeps-'))
  store = RunStore.open(join(dir, 'lab.db'))
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the sweeps repository', () => {
  it('saves a sweep with its config as given and parsed, and a queued run in every slot', () => {
    const { sweep, runs } = store.sweeps.create({ name: 'θ', config: given, parsed }, children)
    expect(sweep).toMatchObject({ name: 'θ', kind: 'effectiveness', config: given, parsed })
    expect(runs.map((r) => [r.sweepId, r.point, r.replicate, r.status])).toEqual(
      children.map((c) => [sweep.id, c.point, c.replicate, 'queued'])
    )
    // The runs carry their sweep everywhere runs are read, and can be filtered by it.
    const page = store.history.query({ filter: { sweepId: sweep.id } })
    expect(page.total).toBe(6)
    expect(page.runs.every((r) => r.sweepId === sweep.id)).toBe(true)
    const plain = store.runs.create({ name: 'alone', config: children[0].config, appVersion: '1' })
    expect(plain.sweepId).toBeUndefined()
    expect(store.history.query({ filter: { inSweep: false } }).runs.map((r) => r.id)).toEqual([
      plain.id
    ])
    expect(store.history.query({ filter: { inSweep: true } }).total).toBe(6)
  })

  it('saves all or nothing: a run that cannot be saved leaves no sweep and no run', () => {
    const broken = [...children, { ...children[0], point: 0, replicate: 0 }]
    expect(() => store.sweeps.create({ name: 'θ', config: given, parsed }, broken)).toThrow(
      /UNIQUE/
    )
    expect(store.sweeps.list()).toEqual([])
    expect(store.history.list()).toEqual([])
  })

  it('deletes a sweep with its runs, metrics and series; a run deleted alone leaves a gap', () => {
    const { sweep, runs } = store.sweeps.create({ name: 'θ', config: given, parsed }, children)
    store.runs.putMetric(runs[0].id, { model: 'clean', name: 'tau', value: 1 })
    store.runs.delete([runs[1].id])
    expect(
      store.sweeps
        .runsOf([sweep.id])
        .get(sweep.id)!
        .map((r) => r.id)
    ).toEqual(runs.filter((_, i) => i !== 1).map((r) => r.id))
    expect(store.sweeps.delete(sweep.id)).toBe(5)
    expect(store.sweeps.exists(sweep.id)).toBe(false)
    expect(store.history.list()).toEqual([])
    const db = new Database(join(dir, 'lab.db'), { readonly: true })
    expect(db.prepare('SELECT COUNT(*) AS n FROM metrics').get()).toEqual({ n: 0 })
    db.close()
  })

  it('reads one metric of every run of a sweep, with a null where a run has none', () => {
    const { sweep, runs } = store.sweeps.create({ name: 'θ', config: given, parsed }, children)
    store.runs.putMetric(runs[0].id, { model: 'backdoored', name: 'lambda50', value: 2.5 })
    store.runs.putMetric(runs[3].id, { model: 'backdoored', name: 'lambda50', value: NaN })
    store.runs.putMetric(runs[3].id, { model: 'clean', name: 'lambda50', value: 7 })
    const values = store.sweeps.metricValues(sweep.id, 'backdoored', 'lambda50')
    expect(values.map((v) => [v.runId, v.point, v.replicate, v.value])).toEqual(
      runs.map((r, i) => [r.id, r.point, r.replicate, i === 0 ? 2.5 : null])
    )
  })

  it('refills slots in one transaction, keeping the name, notes and tags of a replaced run', () => {
    const { sweep, runs } = store.sweeps.create({ name: 'θ', config: given, parsed }, children)
    store.runs.update(runs[2].id, { name: 'renamed', notes: 'odd', tags: ['look'] })
    store.runs.finish(runs[2].id, 'failed', 'boom')
    store.runs.delete([runs[4].id])
    const created = store.sweeps.refill(sweep.id, (present) => {
      const remove = present.filter((r) => r.status === 'failed')
      const create = children.filter(
        (c) => !present.some((r) => r.point === c.point && r.replicate === c.replicate)
      )
      return {
        remove,
        create: [...remove.map((r) => children[r.point * 2 + r.replicate]), ...create]
      }
    })
    expect(created.map((r) => [r.point, r.replicate, r.status])).toEqual([
      [1, 0, 'queued'],
      [2, 0, 'queued']
    ])
    expect(created[0]).toMatchObject({ name: 'renamed', notes: 'odd', tags: ['look'] })
    expect(store.runs.exists(runs[2].id)).toBe(false)
    expect(store.sweeps.runsOf([sweep.id]).get(sweep.id)).toHaveLength(6)
  })

  it('adds the sweep columns to a database of the version before, its runs in no sweep', () => {
    store.close()
    const file = join(dir, 'old.db')
    const db = new Database(file)
    for (const m of migrations.filter((m) => m.version <= 5)) db.exec(m.sql)
    db.pragma('user_version = 5')
    db.prepare(
      `INSERT INTO runs (name, kind, status, config, seed, app_version, created_at)
       VALUES ('old', 'effectiveness', 'done', ?, 1, '0.0.1', '2024-01-01T00:00:00Z')`
    ).run(JSON.stringify(children[0].config))
    db.close()
    store = RunStore.open(file)
    const [old] = store.history.list()
    expect(old.name).toBe('old')
    expect(old.sweepId).toBeUndefined()
    expect(store.sweeps.list()).toEqual([])
  })
})
