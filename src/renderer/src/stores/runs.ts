/**
 * The Runs page's state: what the table shows (filters, sort, page, seed groups), the page of
 * entries the lab answered (runs, sweeps, seed groups) and those opened to their runs, live
 * progress, and which runs are selected. Kept for the session, so opening a run and coming back
 * finds the table as it was.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { ExperimentKind } from '@kinds/registry'
import type { LabEvent } from '@shared/api'
import type { HistoryEntry, RunFilter, RunSort, RunSortColumn } from '@shared/history'
import type { Progress, RunStatus, RunSummary } from '@shared/results'
import type { SweepSummary } from '@shared/sweepStatus'
import { MAX_SWEEP_RUNS } from '@shared/sweep'
import { errorMessage, getClient } from '../client'
import { coalesced } from '../composables'
import { compareChoice } from '../compareSelection'
import { filterOf, isFiltered } from '../runsQuery'

/** Numbers and times start newest or largest first; words start at A. */
const startsDescending: RunSortColumn[] = ['id', 'createdAt', 'duration', 'key', 'seed']

const GROUP_SEEDS_KEY = 'backdoor-lab.runs.groupSeeds'

/**
 * An opened entry: `sweep:3`, `group:<seed group>`, or a group within a sweep,
 * `sweep:3/group:<seed group>`. Its entries are a sweep's runs (or its points' groups) or a
 * group's runs.
 */
export interface Opened {
  loading: boolean
  error: string | null
  entries: HistoryEntry[]
}

export const sweepKey = (id: number) => `sweep:${id}`
export const groupKey = (id: string, sweepId?: number) =>
  sweepId === undefined ? `group:${id}` : `sweep:${sweepId}/group:${id}`

function parseKey(key: string): { sweepId?: number; group?: string } {
  const sweep = /^sweep:(\d+)/.exec(key)
  const group = /group:([0-9a-f]+)$/.exec(key)
  return { sweepId: sweep ? Number(sweep[1]) : undefined, group: group?.[1] }
}

function storedGroupSeeds(): boolean {
  try {
    return localStorage.getItem(GROUP_SEEDS_KEY) === 'true'
  } catch {
    return false
  }
}

/** Every run an entry list shows as a row, with the runs of those of its entries opened. */
function runsShown(
  entries: HistoryEntry[],
  opened: Map<string, Opened>,
  parent?: number
): RunSummary[] {
  return entries.flatMap((entry) => {
    if (entry.type === 'run') return [entry.run]
    const key = entry.type === 'sweep' ? sweepKey(entry.sweep.id) : groupKey(entry.group.id, parent)
    const inner = opened.get(key)
    if (!inner) return []
    return runsShown(inner.entries, opened, entry.type === 'sweep' ? entry.sweep.id : parent)
  })
}

export const useRunsStore = defineStore('runs', () => {
  const query = reactive({
    kinds: [] as ExperimentKind[],
    statuses: [] as RunStatus[],
    tag: '',
    text: '',
    /** `YYYY-MM-DD` from the date inputs, local days. */
    from: '',
    to: '',
    sort: { column: 'createdAt', direction: 'desc' } as RunSort,
    pageSize: 50 as number,
    page: 0,
    /** Runs that differ only in their seed as one row (kept for the next visit). */
    groupSeeds: storedGroupSeeds()
  })
  const entries = ref<HistoryEntry[]>([])
  /** Entries matching the filter on every page, and the runs in them. */
  const total = ref(0)
  const runCount = ref(0)
  const tags = ref<string[]>([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  /** Whether the database has any run at all (for the empty-table message). */
  const anyRuns = ref(true)
  const progress = ref(new Map<number, Progress>())
  const opened = ref(new Map<string, Opened>())
  /** Selected runs by id, with the summary they had when selected (for tags and names). */
  const selected = ref(new Map<number, RunSummary>())
  /** What the last action did, and what went wrong, for the page's notices. */
  const notice = ref<string | null>(null)
  const actionError = ref<string | null>(null)

  /** The runs shown as rows: on their own, and in opened sweeps and groups. */
  const runs = computed(() => runsShown(entries.value, opened.value))

  function setGroupSeeds(on: boolean): void {
    query.groupSeeds = on
    try {
      localStorage.setItem(GROUP_SEEDS_KEY, String(on))
    } catch {
      // Not kept for the next visit; this one still groups.
    }
  }

  /** A sweep's runs follow the table's sort, but by point where it sorts by date or id. */
  function sweepSort(): RunSort {
    return ['id', 'createdAt'].includes(query.sort.column)
      ? { column: 'point', direction: 'asc' }
      : { ...query.sort }
  }

  /** The entries inside an opened sweep or group, as the filter and sort ask. */
  async function childrenOf(key: string): Promise<HistoryEntry[]> {
    const { sweepId, group } = parseKey(key)
    const filter: RunFilter = filterOf(query)
    if (group === undefined) {
      const result = await getClient().call('queryHistory', {
        filter: { ...filter, sweepId },
        sort: sweepSort(),
        groupSeeds: query.groupSeeds,
        limit: MAX_SWEEP_RUNS
      })
      return result.entries
    }
    const scope = sweepId === undefined ? { inSweep: false } : { sweepId }
    const result = await getClient().call('queryRuns', {
      filter: { ...filter, ...scope, seedGroup: group },
      sort: { column: 'seed', direction: 'asc' },
      limit: MAX_SWEEP_RUNS
    })
    return result.runs.map((run) => ({ type: 'run', run }))
  }

  async function load(key: string): Promise<void> {
    const current = opened.value.get(key) ?? { loading: true, error: null, entries: [] }
    opened.value.set(key, { ...current, loading: true })
    opened.value = new Map(opened.value)
    let next: Opened
    try {
      next = { loading: false, error: null, entries: await childrenOf(key) }
    } catch (error) {
      next = { loading: false, error: errorMessage(error), entries: current.entries }
    }
    // Closed meanwhile: stays closed.
    if (!opened.value.has(key)) return
    opened.value.set(key, next)
    opened.value = new Map(opened.value)
    keepSelectionCurrent(runsShown(next.entries, opened.value, parseKey(key).sweepId))
  }

  function toggle(key: string): void {
    if (opened.value.has(key)) {
      for (const k of [...opened.value.keys()])
        if (k === key || k.startsWith(`${key}/`)) opened.value.delete(k)
      opened.value = new Map(opened.value)
    } else void load(key)
  }

  function keepSelectionCurrent(list: RunSummary[]): void {
    let changed = false
    for (const run of list)
      if (selected.value.has(run.id)) {
        selected.value.set(run.id, run)
        changed = true
      }
    if (changed) selected.value = new Map(selected.value)
  }

  const refresh = coalesced(async () => {
    try {
      const result = await getClient().call('queryHistory', {
        filter: filterOf(query),
        sort: { ...query.sort },
        offset: query.page * query.pageSize,
        limit: query.pageSize,
        groupSeeds: query.groupSeeds
      })
      // A page past the end (after deletes or a narrower filter): go to the last one.
      if (result.entries.length === 0 && result.total > 0 && query.page > 0) {
        query.page = Math.max(0, Math.ceil(result.total / query.pageSize) - 1)
        return
      }
      entries.value = result.entries
      total.value = result.total
      runCount.value = result.runs
      tags.value = result.tags
      anyRuns.value = result.total > 0 || isFiltered(query)
      loadError.value = null
      keepSelectionCurrent(runsShown(result.entries, new Map()))
      // What is open stays open, and is read again.
      await Promise.all([...opened.value.keys()].map(load))
    } catch (error) {
      loadError.value = errorMessage(error)
    } finally {
      loaded.value = true
    }
  })

  /** Closes every opened entry (the grouping or the filter changed what they hold). */
  function closeAll(): void {
    opened.value = new Map()
  }

  function sortBy(column: RunSortColumn): void {
    query.sort =
      query.sort.column === column
        ? { column, direction: query.sort.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: startsDescending.includes(column) ? 'desc' : 'asc' }
  }

  function clearFilters(): void {
    Object.assign(query, { kinds: [], statuses: [], tag: '', from: '', to: '', text: '' })
  }

  const pageCount = computed(() => Math.max(1, Math.ceil(total.value / query.pageSize)))

  // Selection.
  function select(list: RunSummary[], on: boolean): void {
    for (const run of list) {
      if (on) selected.value.set(run.id, run)
      else selected.value.delete(run.id)
    }
    selected.value = new Map(selected.value)
  }
  function selectOnly(run: RunSummary): void {
    selected.value = new Map([[run.id, run]])
  }
  function clearSelection(): void {
    selected.value = new Map()
  }
  /** Selects (or not) every run of a seed group that matches the filter. */
  async function selectGroup(key: string, on: boolean): Promise<void> {
    actionError.value = null
    try {
      const list = opened.value.get(key)?.entries ?? (await childrenOf(key))
      select(
        list.flatMap((e) => (e.type === 'run' ? [e.run] : [])),
        on
      )
    } catch (error) {
      actionError.value = errorMessage(error)
    }
  }
  const allShownSelected = computed(
    () => runs.value.length > 0 && runs.value.every((r) => selected.value.has(r.id))
  )
  /** How the selection compares (run by run, or by seed group while grouping), or why not. */
  const compare = computed(() => compareChoice([...selected.value.values()], query.groupSeeds))
  const compareReason = computed(() => compare.value.reason)

  /** Deletes a sweep with its runs; says how many went. */
  async function deleteSweep(sweep: SweepSummary): Promise<void> {
    actionError.value = null
    notice.value = null
    try {
      const { runs: gone } = await getClient().call('deleteSweep', { id: sweep.id })
      notice.value = `Deleted the sweep “${sweep.name}” and its ${gone} ${gone === 1 ? 'run' : 'runs'}.`
      toggleOff(sweepKey(sweep.id))
    } catch (error) {
      actionError.value = errorMessage(error)
    } finally {
      refresh()
    }
  }
  function toggleOff(key: string): void {
    if (opened.value.has(key)) toggle(key)
  }

  /**
   * Live events: a status change re-queries soon (order and filters may change), progress and
   * sweep states update in place, deleted runs leave the selection.
   */
  let eventTimer: ReturnType<typeof setTimeout> | undefined
  function refreshSoon(): void {
    clearTimeout(eventTimer)
    eventTimer = setTimeout(refresh, 150)
  }
  function replaceRun(list: HistoryEntry[], run: RunSummary): void {
    const i = list.findIndex((e) => e.type === 'run' && e.run.id === run.id)
    if (i >= 0) list[i] = { type: 'run', run }
  }
  function onEvent(event: LabEvent): void {
    if (event.type === 'run') {
      replaceRun(entries.value, event.run)
      for (const o of opened.value.values()) replaceRun(o.entries, event.run)
      if (!['queued', 'running'].includes(event.run.status)) progress.value.delete(event.run.id)
      refreshSoon()
    } else if (event.type === 'sweep') {
      const i = entries.value.findIndex((e) => e.type === 'sweep' && e.sweep.id === event.sweep.id)
      const entry = entries.value[i]
      if (entry?.type === 'sweep') entries.value[i] = { ...entry, sweep: event.sweep }
    } else if (event.type === 'sweepDeleted') {
      toggleOff(sweepKey(event.id))
      refreshSoon()
    } else if (event.type === 'deleted') {
      for (const id of event.ids) selected.value.delete(id)
      selected.value = new Map(selected.value)
      refreshSoon()
    } else if (event.type === 'progress' && runs.value.some((r) => r.id === event.runId)) {
      progress.value.set(event.runId, event.progress)
      progress.value = new Map(progress.value)
    }
  }

  return {
    query,
    entries,
    runs,
    total,
    runCount,
    tags,
    loaded,
    loadError,
    anyRuns,
    progress,
    opened,
    selected,
    notice,
    actionError,
    refresh,
    setGroupSeeds,
    toggle,
    closeAll,
    sortBy,
    clearFilters,
    pageCount,
    select,
    selectOnly,
    clearSelection,
    selectGroup,
    allShownSelected,
    compare,
    compareReason,
    deleteSweep,
    onEvent
  }
})
