import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HistoryEntry, RunFilter, RunSort, RunSortColumn } from '../../shared/history'
import { runStatuses, type RunStatus } from '../../shared/results'
import { keyAggregate, seedGroupId } from '../../shared/seedGroups'
import { sweepCounts, sweepStatus, type SweepSummary } from '../../shared/sweepStatus'
import { fold, matches } from '../testing/historyFilter'
import {
  seedHistoryWithSweeps,
  SWEEP_SEEDS,
  SWEPT_THETAS,
  type SeededRun,
  type SeededSweep
} from '../testing/historySeed'
import { derivedStatusSql, type EntryQuery } from './entries'
import { RunStore } from './store'

const COUNT = 1200
const SWEEPS = 10
let dir: string
let store: RunStore
let runs: SeededRun[]
let sweeps: SeededSweep[]

beforeAll(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-entries-'))
  const file = join(dir, 'lab.db')
  ;({ runs, sweeps } = seedHistoryWithSweeps(file, COUNT, { sweeps: SWEEPS, configs: 40 }))
  store = RunStore.open(file)
})
afterAll(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A sweep's summary as far as these tests read it (the service gives the whole one). */
const summaries = (ids: number[]) =>
  ids.map((id) => ({ id, name: sweeps.find((s) => s.id === id)!.name }) as SweepSummary)

/** An entry as the reference below computes it: its identity and the values it sorts by. */
interface Expected {
  id: string
  order: number
  values: Record<RunSortColumn, string | number | null>
}

/** The least (or greatest) of the values that are not null, as SQL's MIN and MAX. */
function minOf<T extends string | number>(xs: (T | null)[]): T | null {
  let least: T | null = null
  for (const x of xs) if (x !== null && (least === null || x < least)) least = x
  return least
}
function maxOf<T extends string | number>(xs: (T | null)[]): T | null {
  let most: T | null = null
  for (const x of xs) if (x !== null && (most === null || x > most)) most = x
  return most
}

function ownValues(run: SeededRun): Expected['values'] {
  return {
    id: run.id,
    name: fold(run.name),
    kind: run.kind,
    status: run.status,
    seed: run.seed,
    backend: run.backend,
    createdAt: run.createdAt,
    duration: run.duration,
    key: run.key,
    dataset: run.dataset,
    point: run.sweep?.point ?? null
  }
}

function countsOf(list: SeededRun[]) {
  return sweepCounts(list, list.length)
}

/** The key result over a group's seeds: done runs, the lowest id of each seed, their mean. */
function groupMean(list: SeededRun[]): number | null {
  const bySeed = new Map<number, SeededRun>()
  for (const r of [...list].sort((a, b) => a.id - b.id))
    if (r.status === 'done' && !bySeed.has(r.seed)) bySeed.set(r.seed, r)
  const keys = [...bySeed.values()].map((r) => r.key).filter((k): k is number => k !== null)
  return keys.length ? keys.reduce((a, b) => a + b, 0) / keys.length : null
}

/** The entries of a query, computed from the seeded runs in plain JavaScript. */
function expectedEntries(filter: RunFilter, groupSeeds: boolean): Expected[] {
  const matching = runs.filter((r) => matches(r, filter))
  const within = filter.sweepId !== undefined
  const loose = matching.filter((r) => within || r.sweep === undefined)
  const out: Expected[] = []
  if (!groupSeeds) {
    for (const r of loose) out.push({ id: `run ${r.id}`, order: r.id, values: ownValues(r) })
  } else {
    const groups = new Map<string, SeededRun[]>()
    for (const r of loose) {
      const key = seedGroupId(r.config)
      groups.set(key, [...(groups.get(key) ?? []), r])
    }
    for (const [key, list] of groups) {
      const order = Math.max(...list.map((r) => r.id))
      if (list.length === 1) {
        out.push({ id: `run ${list[0].id}`, order, values: ownValues(list[0]) })
        continue
      }
      out.push({
        id: `group ${key}`,
        order,
        values: {
          id: order,
          name: minOf(list.map((r) => fold(r.name))),
          kind: list[0].kind,
          status: sweepStatus(countsOf(list)),
          seed: null,
          backend: minOf(list.map((r) => r.backend)),
          createdAt: maxOf(list.map((r) => r.createdAt)),
          duration: maxOf(list.map((r) => r.duration)),
          key: groupMean(list),
          dataset: minOf(list.map((r) => r.dataset)),
          point: minOf(list.map((r) => r.sweep?.point ?? null))
        }
      })
    }
  }
  if (!within) {
    for (const sweep of sweeps) {
      const all = runs.filter((r) => r.sweep?.id === sweep.id)
      const hits = all.filter((r) => matches(r, filter))
      if (hits.length === 0) continue
      const order = Math.max(...hits.map((r) => r.id))
      const started = minOf(all.map((r) => r.startedAt))
      const finished = maxOf(all.map((r) => r.finishedAt))
      out.push({
        id: `sweep ${sweep.id}`,
        order,
        values: {
          id: order,
          name: fold(sweep.name),
          kind: 'effectiveness',
          status: sweepStatus(sweepCounts(all, SWEPT_THETAS.length * SWEEP_SEEDS)),
          seed: null,
          backend: minOf(hits.map((r) => r.backend)),
          createdAt: sweep.createdAt,
          duration:
            started && finished ? (Date.parse(finished) - Date.parse(started)) / 1000 : null,
          key: null,
          dataset: minOf(hits.map((r) => r.dataset)),
          point: null
        }
      })
    }
  }
  return out
}

/** Missing values last either way, ties by the newest run id; key results within each kind. */
function sortEntries(entries: Expected[], sort: RunSort): string[] {
  const sign = sort.direction === 'asc' ? 1 : -1
  return [...entries]
    .sort((a, b) => {
      if (sort.column === 'key' && a.values.kind !== b.values.kind)
        return String(a.values.kind) < String(b.values.kind) ? -1 : 1
      const [x, y] = [a.values[sort.column], b.values[sort.column]]
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1
      } else if (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) > 1e-6) {
        return (x - y) * sign
      } else if (typeof x !== 'number' && x !== y) return (x < y! ? -1 : 1) * sign
      return (a.order - b.order) * sign
    })
    .map((e) => e.id)
}

function idOf(entry: HistoryEntry): string {
  if (entry.type === 'run') return `run ${entry.run.id}`
  if (entry.type === 'sweep') return `sweep ${entry.sweep.id}`
  return `group ${entry.group.id}`
}

/** Every entry of a query, page by page, and the totals the store reports. */
function allEntries(query: EntryQuery, pageSize = 97) {
  const entries: HistoryEntry[] = []
  let total = 0
  let matched = 0
  for (let offset = 0; ; offset += pageSize) {
    const page = store.entries.query({ ...query, offset, limit: pageSize }, summaries)
    total = page.total
    matched = page.runs
    entries.push(...page.entries)
    if (page.entries.length < pageSize) break
  }
  return { entries, total, matched }
}

const sorts: RunSort[] = [
  ...(['id', 'name', 'status', 'createdAt', 'duration', 'key'] as const).flatMap((column) => [
    { column, direction: 'asc' as const },
    { column, direction: 'desc' as const }
  ]),
  { column: 'backend', direction: 'asc' },
  { column: 'dataset', direction: 'desc' }
]

describe('the Runs history as entries: runs, sweeps and seed groups', () => {
  it('gives every run its seed group, filled at open for runs written without one', () => {
    const page = store.history.query({ limit: 500 })
    const byId = new Map(runs.map((r) => [r.id, r]))
    for (const run of page.runs) expect(run.seedGroup).toBe(seedGroupId(byId.get(run.id)!.config))
  })

  it.each(sorts)(
    'pages runs and sweeps together, sorted by $column $direction',
    ({ column, direction }) => {
      const sort = { column, direction }
      const { entries, total, matched } = allEntries({ sort })
      const expected = sortEntries(expectedEntries({}, false), sort)
      expect(entries.map(idOf)).toEqual(expected)
      expect(total).toBe(COUNT - SWEEPS * 12 + SWEEPS)
      expect(matched).toBe(COUNT)
    }
  )

  it.each(sorts)(
    'pages seed groups, runs alone and sweeps together, sorted by $column $direction',
    ({ column, direction }) => {
      const sort = { column, direction }
      const { entries, total } = allEntries({ sort, groupSeeds: true })
      const expected = sortEntries(expectedEntries({}, true), sort)
      expect(entries.map(idOf)).toEqual(expected)
      expect(total).toBe(expected.length)
      // Groups are not all of one run: the seeded configs repeat.
      expect(entries.filter((e) => e.type === 'group').length).toBeGreaterThan(50)
    }
  )

  const filters: RunFilter[] = [
    { statuses: ['done'] },
    { statuses: ['failed', 'interrupted'] },
    { kinds: ['effectiveness'], tags: ['paper'] },
    { text: 'needle' },
    { text: 'theta=2' },
    { createdFrom: '2025-02-01', createdTo: '2025-02-20' }
  ]

  it.each(filters)('keeps a sweep whose runs match %o, counting only those', (filter) => {
    for (const groupSeeds of [false, true]) {
      const sort: RunSort = { column: 'createdAt', direction: 'desc' }
      const { entries, total, matched } = allEntries({ filter, sort, groupSeeds })
      const expected = sortEntries(expectedEntries(filter, groupSeeds), sort)
      expect(entries.map(idOf)).toEqual(expected)
      expect(total).toBe(expected.length)
      expect(matched).toBe(runs.filter((r) => matches(r, filter)).length)
      for (const entry of entries) {
        if (entry.type !== 'sweep') continue
        const hits = runs.filter((r) => r.sweep?.id === entry.sweep.id && matches(r, filter))
        expect(entry.matched).toBe(hits.length)
      }
    }
  })

  it('describes each seed group from its matching runs: counts, seeds, and the key over seeds', () => {
    const filter: RunFilter = { tags: ['baseline', 'fig2'] }
    const { entries } = allEntries({ filter, groupSeeds: true })
    const groups = entries.flatMap((e) => (e.type === 'group' ? [e.group] : []))
    expect(groups.length).toBeGreaterThan(10)
    const candidates = runs
      .filter((r) => !r.sweep && matches(r, filter))
      .map((r) => ({ run: r, group: seedGroupId(r.config) }))
    for (const group of groups) {
      const members = candidates.filter((c) => c.group === group.id).map((c) => c.run)
      expect(group.runs).toBe(members.length)
      expect(group.seeds).toEqual([...new Set(members.map((r) => r.seed))].sort((a, b) => a - b))
      const counts = Object.fromEntries(
        runStatuses.map((s) => [s, members.filter((r) => r.status === s).length])
      )
      expect(group.counts).toEqual(counts)
      const key = keyAggregate(
        members.map((r) => ({
          ...r,
          keyMetric: r.key === null ? null : { label: 'k', value: r.key }
        }))
      )
      expect(group.key?.mean ?? null).toBe(key?.mean ?? null)
      expect(group.key?.n).toBe(key?.n)
      expect(group.key?.lower ?? null).toBe(key?.lower ?? null)
      expect(group.createdAt).toBe(maxOf(members.map((r) => r.createdAt)))
    }
  })

  it("lists a sweep's runs by point, and groups them by point, each point a group of its seeds", () => {
    const sweep = sweeps[3]
    const sort: RunSort = { column: 'point', direction: 'asc' }
    const plain = allEntries({ filter: { sweepId: sweep.id }, sort })
    const expected = runs
      .filter((r) => r.sweep?.id === sweep.id)
      .sort((a, b) => a.sweep!.point - b.sweep!.point || a.id - b.id)
    expect(plain.entries.map(idOf)).toEqual(expected.map((r) => `run ${r.id}`))
    expect(plain.total).toBe(SWEPT_THETAS.length * SWEEP_SEEDS)

    const grouped = allEntries({ filter: { sweepId: sweep.id }, sort, groupSeeds: true })
    expect(grouped.total).toBe(SWEPT_THETAS.length)
    expect(grouped.entries.every((e) => e.type === 'group')).toBe(true)
    grouped.entries.forEach((entry, point) => {
      if (entry.type !== 'group') return
      const members = expected.filter((r) => r.sweep!.point === point)
      expect(entry.group.runs).toBe(SWEEP_SEEDS)
      expect(entry.group.id).toBe(seedGroupId(members[0].config))
    })
    // The runs of one group, as the table lists them when a group row opens.
    const group = grouped.entries[0]
    if (group.type !== 'group') throw new Error('expected a group')
    const page = store.history.query({
      filter: { sweepId: sweep.id, seedGroup: group.group.id },
      sort: { column: 'seed', direction: 'asc' }
    })
    expect(page.runs.map((r) => r.point)).toEqual([0, 0, 0])
  })

  it('a page past the end has no entries and the same totals', () => {
    const all = store.entries.query({ groupSeeds: true, limit: 1 }, summaries)
    const past = store.entries.query({ groupSeeds: true, offset: all.total + 5 }, summaries)
    expect(past.entries).toEqual([])
    expect(past.total).toBe(all.total)
    expect(past.runs).toBe(COUNT)
  })
})

describe('the state of a group of runs in SQL', () => {
  it('is sweepStatus of its counts, for every mix of up to two runs of each status', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE r (g INTEGER, status TEXT)')
    const insert = db.prepare('INSERT INTO r (g, status) VALUES (?, ?)')
    const mixes: Record<RunStatus, number>[] = []
    const statuses = [...runStatuses]
    const visit = (i: number, mix: Record<string, number>) => {
      if (i === statuses.length) {
        if (Object.values(mix).some((n) => n > 0))
          mixes.push({ ...mix } as Record<RunStatus, number>)
        return
      }
      for (let n = 0; n <= 2; n++) visit(i + 1, { ...mix, [statuses[i]]: n })
    }
    visit(0, {})
    db.transaction(() => {
      mixes.forEach((mix, g) => {
        for (const status of statuses) for (let k = 0; k < mix[status]; k++) insert.run(g, status)
      })
    })()
    const rows = db
      .prepare(`SELECT g, ${derivedStatusSql('status')} AS status FROM r GROUP BY g ORDER BY g`)
      .all() as { g: number; status: RunStatus }[]
    expect(rows).toHaveLength(3 ** 6 - 1)
    for (const row of rows) {
      expect(row.status).toBe(sweepStatus({ ...mixes[row.g], missing: 0 }))
    }
    db.close()
  })
})
