import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RunSummary } from '@shared/results'
import { useRunsStore } from './runs'

const run = (id: number): RunSummary => ({
  id,
  name: `run ${id}`,
  kind: 'effectiveness',
  status: 'done',
  seed: 1,
  backend: 'wasm',
  appVersion: '0.1.0',
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  error: null,
  notes: '',
  tags: [],
  progress: null
})

describe('the runs store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('sorts numbers and times largest first, words from A, and flips on a second click', () => {
    const store = useRunsStore()
    store.sortBy('name')
    expect(store.query.sort).toEqual({ column: 'name', direction: 'asc' })
    store.sortBy('name')
    expect(store.query.sort).toEqual({ column: 'name', direction: 'desc' })
    store.sortBy('duration')
    expect(store.query.sort).toEqual({ column: 'duration', direction: 'desc' })
  })

  it('says why a selection cannot be compared: too few or too many runs', () => {
    const store = useRunsStore()
    store.select([run(1)], true)
    expect(store.compareReason).toBe('Select at least 2 runs to compare (1 selected).')
    store.select([run(2)], true)
    expect(store.compareReason).toBeNull()
    store.select([3, 4, 5, 6, 7, 8, 9].map(run), true)
    expect(store.compareReason).toBe('Compare takes at most 8 runs (9 selected).')
    store.selectOnly(run(5))
    expect([...store.selected.keys()]).toEqual([5])
  })

  it('while grouping seeds, compares 2 to 8 seed groups of at most 50 runs', () => {
    const store = useRunsStore()
    store.setGroupSeeds(true)
    const inGroup = (id: number, group: string): RunSummary => ({ ...run(id), seedGroup: group })
    store.select([inGroup(1, 'a'), inGroup(2, 'a'), inGroup(3, 'a')], true)
    expect(store.compareReason).toContain('one seed group')
    store.select([inGroup(4, 'b')], true)
    expect(store.compare).toEqual({ reason: null, grouped: true, columns: 2 })
    // Nine groups of one run each are too many columns, though nine runs alone are not many.
    store.clearSelection()
    store.select(
      Array.from({ length: 9 }, (_, i) => inGroup(i + 1, `g${i}`)),
      true
    )
    expect(store.compareReason).toBe('Compare takes at most 8 seed groups (9 selected).')
    store.clearSelection()
    store.select(
      Array.from({ length: 51 }, (_, i) => inGroup(i + 1, i % 2 ? 'a' : 'b')),
      true
    )
    expect(store.compareReason).toBe('Compare takes at most 50 runs in its groups (51 selected).')
    store.setGroupSeeds(false)
    expect(store.compareReason).toBe('Compare takes at most 8 runs (51 selected).')
  })

  it('drops deleted runs from the selection when the lab says so', () => {
    const store = useRunsStore()
    store.select([run(1), run(2)], true)
    store.onEvent({ type: 'deleted', ids: [1] })
    expect([...store.selected.keys()]).toEqual([2])
  })

  it('clears every filter at once', () => {
    const store = useRunsStore()
    Object.assign(store.query, {
      kinds: ['finetune'],
      tag: 'paper',
      text: 'm=2000',
      from: '2026-01-01'
    })
    store.clearFilters()
    expect(store.query).toMatchObject({ kinds: [], tag: '', text: '', from: '', to: '' })
  })
})
