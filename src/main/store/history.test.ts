import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { effectivenessConfigSchema } from '../../kinds/effectiveness/config'
import {
  runSortColumns,
  type RunFilter,
  type RunSort,
  type RunSortColumn
} from '../../shared/history'
import { fold, matches } from '../testing/historyFilter'
import { seedHistory, type SeededRun } from '../testing/historySeed'
import { RunStore } from './store'

const COUNT = 2000
let dir: string
let file: string
let store: RunStore
let seeded: SeededRun[]

beforeAll(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-history-'))
  file = join(dir, 'lab.db')
  seeded = seedHistory(file, COUNT)
  store = RunStore.open(file)
})
afterAll(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

function sortValue(run: SeededRun, column: RunSortColumn): string | number | null {
  switch (column) {
    case 'id':
      return run.id
    case 'name':
      return fold(run.name)
    case 'createdAt':
      return run.createdAt
    case 'key':
      return run.key
    case 'point':
      return null // no seeded run is in a sweep
    default:
      return run[column]
  }
}

/**
 * Missing values last in both directions; ties by id in the same direction. Key results are
 * sorted within each kind, the kinds in ascending order whichever the direction.
 */
function sorted(runs: SeededRun[], sort: RunSort): SeededRun[] {
  const sign = sort.direction === 'asc' ? 1 : -1
  return [...runs].sort((a, b) => {
    if (sort.column === 'key' && a.kind !== b.kind) return a.kind < b.kind ? -1 : 1
    const [x, y] = [sortValue(a, sort.column), sortValue(b, sort.column)]
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1
    } else if (x !== y) return (x < y ? -1 : 1) * sign
    return (a.id - b.id) * sign
  })
}

/** Every id the store returns for a filter and sort, page by page. */
function allIds(filter: RunFilter, sort?: RunSort): { ids: number[]; total: number } {
  const ids: number[] = []
  let total = 0
  for (let offset = 0; ; offset += 500) {
    const page = store.history.query({ filter, sort, offset, limit: 500 })
    total = page.total
    ids.push(...page.runs.map((r) => r.id))
    if (page.runs.length < 500) break
  }
  return { ids, total }
}

function expectFilter(filter: RunFilter, atLeast = 1): void {
  const expected = sorted(
    seeded.filter((r) => matches(r, filter)),
    { column: 'id', direction: 'desc' }
  ).map((r) => r.id)
  expect(expected.length).toBeGreaterThanOrEqual(atLeast)
  const { ids, total } = allIds(filter)
  expect(ids).toEqual(expected)
  expect(total).toBe(expected.length)
}

describe('RunStore history.query on 2,000 seeded runs', () => {
  it('fills the key metric and data set of runs written before migration 3', () => {
    const byId = new Map(seeded.map((r) => [r.id, r]))
    const { runs } = store.history.query({ limit: 500 })
    for (const run of runs) {
      const seed = byId.get(run.id)!
      expect(run.dataset).toBe(seed.dataset)
      expect(run.keyMetric?.value ?? null).toBe(seed.key)
      expect(run.tags).toEqual([...seed.tags].sort())
    }
    const finetune = runs.find((r) => r.kind === 'finetune' && r.status === 'done')!
    expect(finetune.keyMetric).toMatchObject({ label: 'advantage at λ=2 after fine-tuning' })
    expect(finetune.keyMetric!.upper! - finetune.keyMetric!.lower!).toBeCloseTo(0.2)
  })

  it('with no filter returns every run, newest first, 100 to a page', () => {
    const page = store.history.query()
    expect(page.total).toBe(COUNT)
    expect(page.runs.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => COUNT - i))
    expect(page.tags).toEqual(['baseline', 'fig2', 'paper', 'sweep'])
  })

  it('filters by kind', () => {
    expectFilter({ kinds: ['finetune'] }, 100)
    expectFilter({ kinds: ['effectiveness', 'universality'] }, 100)
  })

  it('filters by status', () => {
    expectFilter({ statuses: ['failed'] }, 50)
    expectFilter({ statuses: ['cancelled', 'interrupted'] }, 100)
    expect(store.history.query({ filter: { statuses: ['running'] } }).total).toBe(0)
  })

  it('filters by tag: runs with any of the tags', () => {
    expectFilter({ tags: ['paper'] }, 100)
    expectFilter({ tags: ['fig2', 'sweep'] }, 100)
    expect(store.history.query({ filter: { tags: ['no such tag'] } }).total).toBe(0)
  })

  it('filters by free text in the name, notes, data set and config values, ASCII case-insensitively', () => {
    expectFilter({ text: 'beta' }, 50) // names "Beta run …"
    expectFilter({ text: 'DELTA RUN 1' }, 10)
    expectFilter({ text: 'needle' }, 50) // notes
    expectFilter({ text: 'iris' }, 50) // data set description and dataset.kind=iris
    expectFilter({ text: 'digits 0,1,7' }, 50)
    expectFilter({ text: 'm=2000' }, 50) // a config entry, as dotted key=value
    expectFilter({ text: 'positivedigit=3' }, 50)
    expectFilter({ text: 'train.optimizer=adam' }, 50)
    expectFilter({ text: '50%' }, 50) // % taken literally
    expectFilter({ text: 'zeta_' }, 50) // _ taken literally
    expect(store.history.query({ filter: { text: '%_%' } }).total).toBe(0)
    expect(store.history.query({ filter: { text: '   ' } }).total).toBe(COUNT)
  })

  it('filters by a date range, a bare end date including its whole day', () => {
    expectFilter({ createdFrom: '2025-02-01T00:00:00.000Z' }, 100)
    expectFilter({ createdTo: '2025-01-15' }, 100)
    expectFilter({ createdFrom: '2025-01-10', createdTo: '2025-01-20' }, 50)
    expectFilter({ createdFrom: '2025-02-03T12:30:00Z', createdTo: '2025-02-09T08:00:00Z' }, 10)
  })

  it('combines filters with AND', () => {
    expectFilter({ kinds: ['finetune'], statuses: ['done'], tags: ['paper'] }, 10)
    expectFilter({ kinds: ['effectiveness'], text: 'alpha', createdFrom: '2025-01-20' }, 5)
  })

  it.each(
    runSortColumns.flatMap((column) => [
      { column, direction: 'asc' as const },
      { column, direction: 'desc' as const }
    ])
  )('sorts by $column $direction, missing values last, in every page', (sort) => {
    const expected = sorted(seeded, sort).map((r) => r.id)
    const { ids } = allIds({}, sort)
    expect(ids).toEqual(expected)
    // A page from the middle is the same slice.
    const page = store.history.query({ sort, offset: 1234, limit: 77 })
    expect(page.runs.map((r) => r.id)).toEqual(expected.slice(1234, 1234 + 77))
  })

  it('sorts within a filter', () => {
    const filter: RunFilter = { kinds: ['universality'], tags: ['baseline'] }
    const sort: RunSort = { column: 'key', direction: 'asc' }
    const expected = sorted(
      seeded.filter((r) => matches(r, filter)),
      sort
    ).map((r) => r.id)
    expect(allIds(filter, sort).ids).toEqual(expected)
  })

  it('pages: offset past the end gives no runs and the same total', () => {
    const page = store.history.query({ offset: COUNT + 10, limit: 50 })
    expect(page.runs).toEqual([])
    expect(page.total).toBe(COUNT)
    const last = store.history.query({ offset: COUNT - 3, limit: 50 })
    expect(last.runs.map((r) => r.id)).toEqual([3, 2, 1])
  })
})

describe('RunStore: deleting seeded runs', () => {
  it('removes their metrics, series, points and tags, and nothing of the others', () => {
    const path = join(dir, 'delete.db')
    const runs = seedHistory(path, 300)
    const local = RunStore.open(path)
    const gone = runs.filter((r) => r.id % 3 === 0).map((r) => r.id)
    const counts = () => {
      const db = new Database(path, { readonly: true })
      const n = (sql: string, ids: number[]) =>
        (db.prepare(`${sql} (${ids.map(() => '?').join(',')})`).get(...ids) as { n: number }).n
      const kept = runs.map((r) => r.id).filter((id) => !gone.includes(id))
      const result = {
        metrics: [gone, kept].map((ids) =>
          n('SELECT COUNT(*) AS n FROM metrics WHERE run_id IN', ids)
        ),
        series: [gone, kept].map((ids) =>
          n('SELECT COUNT(*) AS n FROM series WHERE run_id IN', ids)
        ),
        points: [gone, kept].map((ids) =>
          n(
            'SELECT COUNT(*) AS n FROM series_points p JOIN series s ON s.id = p.series_id WHERE s.run_id IN',
            ids
          )
        ),
        orphanPoints: (
          db
            .prepare(
              'SELECT COUNT(*) AS n FROM series_points WHERE series_id NOT IN (SELECT id FROM series)'
            )
            .get() as { n: number }
        ).n,
        tags: [gone, kept].map((ids) =>
          n('SELECT COUNT(*) AS n FROM run_tags WHERE run_id IN', ids)
        )
      }
      db.close()
      return result
    }
    const before = counts()
    expect(before.metrics[0]).toBeGreaterThan(0)
    expect(before.series[0]).toBeGreaterThan(0)
    expect(local.runs.delete(gone)).toBe(gone.length)
    const after = counts()
    expect(after.metrics).toEqual([0, before.metrics[1]])
    expect(after.series).toEqual([0, before.series[1]])
    expect(after.points).toEqual([0, before.points[1]])
    expect(after.tags).toEqual([0, before.tags[1]])
    expect(after.orphanPoints).toBe(0)
    expect(local.history.query().total).toBe(300 - gone.length)
    local.close()
  })
})

describe('RunStore: history of live runs', () => {
  const config = effectivenessConfigSchema.parse({
    kind: 'effectiveness',
    m: 100,
    n: 50,
    nTest: 50
  })

  it('stores the key metric when a run finishes, the data set at creation and what it re-runs', () => {
    const path = join(dir, 'live.db')
    const local = RunStore.open(path)
    const run = local.runs.create({ name: 'first', config, appVersion: '1' })
    expect(run).toMatchObject({ dataset: 'synthetic, d=100', keyMetric: null, rerunOf: null })
    expect(local.history.query({ filter: { statuses: ['queued'] } }).runs.map((r) => r.id)).toEqual(
      [run.id]
    )
    local.runs.putMetric(run.id, { model: 'run', name: 'lambda50Ratio', value: 1.75 })
    local.runs.finish(run.id, 'done')
    expect(local.runs.summary(run.id).keyMetric).toEqual({ label: 'λ50 ratio', value: 1.75 })
    const again = local.runs.create({ name: 'again', config, appVersion: '1', rerunOf: run.id })
    expect(again.rerunOf).toBe(run.id)
    local.close()
  })

  it('an interrupted run keeps the key metric of what it finished and says how far it got', () => {
    const path = join(dir, 'interrupted.db')
    const local = RunStore.open(path)
    const run = local.runs.create({ name: 'x', config, appVersion: '1' })
    local.runs.markRunning(run.id, { backend: 'cpu', versions: {}, platform: 'linux', cpus: 1 })
    local.runs.setProgress(run.id, { phase: 'measuring ASR', step: 3, total: 17, etaSeconds: null })
    local.runs.putMetric(run.id, { model: 'run', name: 'lambda50Ratio', value: 2.5 })
    local.close()
    const reopened = RunStore.open(path)
    const summary = reopened.runs.summary(run.id)
    expect(summary.status).toBe('interrupted')
    expect(summary.keyMetric?.value).toBe(2.5)
    expect(summary.error).toContain(
      'stopped before this run finished (it was at measuring ASR, step 3 of 17)'
    )
    reopened.close()
  })

  it('saves, lists and deletes comparisons; deleted runs stay listed in them', () => {
    const path = join(dir, 'comparisons.db')
    const local = RunStore.open(path)
    const [a, b] = [1, 2].map((i) => local.runs.create({ name: `r${i}`, config, appVersion: '1' }))
    const saved = local.comparisons.save('seeds', [b.id, a.id])
    expect(saved).toMatchObject({ name: 'seeds', runIds: [b.id, a.id] })
    local.runs.delete([a.id])
    expect(local.comparisons.list()).toEqual([saved])
    expect(local.history.getMany([b.id, a.id]).map((r) => r.id)).toEqual([b.id])
    expect(local.comparisons.delete(saved.id)).toBe(1)
    expect(local.comparisons.list()).toEqual([])
    expect(() => local.comparisons.get(saved.id)).toThrow('No saved comparison with id')
    local.close()
  })

  it('keeps whether a comparison is by seed group; one saved before that compares runs', () => {
    const path = join(dir, 'grouped-comparisons.db')
    const local = RunStore.open(path)
    const [a, b] = [1, 2].map((i) => local.runs.create({ name: `r${i}`, config, appVersion: '1' }))
    const grouped = local.comparisons.save('by seed', [a.id, b.id], true)
    expect(grouped.grouped).toBe(true)
    expect(local.comparisons.save('by run', [a.id, b.id]).grouped).toBe(false)
    // A comparison saved by a version without the column reads as one of runs.
    const raw = new Database(path)
    raw
      .prepare('INSERT INTO comparisons (name, run_ids, created_at) VALUES (?, ?, ?)')
      .run('old', JSON.stringify([a.id, b.id]), new Date().toISOString())
    raw.close()
    expect(local.comparisons.list().map((c) => [c.name, c.grouped])).toEqual([
      ['old', false],
      ['by run', false],
      ['by seed', true]
    ])
    local.close()
  })
})
