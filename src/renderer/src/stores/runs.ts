/**
 * The Runs page's state: what the table shows (filters, sort, page), the page of runs the lab
 * answered, live progress, and which runs are selected. Kept for the session, so opening a run
 * and coming back finds the table as it was.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { ExperimentKind } from '@kinds/registry'
import type { LabEvent } from '@shared/api'
import { MAX_COMPARED_RUNS, type RunSort, type RunSortColumn } from '@shared/history'
import type { Progress, RunStatus, RunSummary } from '@shared/results'
import { errorMessage, getClient } from '../client'
import { coalesced } from '../composables'
import { filterOf, isFiltered } from '../runsQuery'

/** Numbers and times start newest or largest first; words start at A. */
const startsDescending: RunSortColumn[] = ['id', 'createdAt', 'duration', 'key', 'seed']

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
    page: 0
  })
  const runs = ref<RunSummary[]>([])
  const total = ref(0)
  const tags = ref<string[]>([])
  const loaded = ref(false)
  const loadError = ref<string | null>(null)
  /** Whether the database has any run at all (for the empty-table message). */
  const anyRuns = ref(true)
  const progress = ref(new Map<number, Progress>())
  /** Selected runs by id, with the summary they had when selected (for tags and names). */
  const selected = ref(new Map<number, RunSummary>())
  /** What the last action did, and what went wrong, for the page's notices. */
  const notice = ref<string | null>(null)
  const actionError = ref<string | null>(null)

  const refresh = coalesced(async () => {
    try {
      const result = await getClient().call('queryRuns', {
        filter: filterOf(query),
        sort: { ...query.sort },
        offset: query.page * query.pageSize,
        limit: query.pageSize
      })
      // A page past the end (after deletes or a narrower filter): go to the last one.
      if (result.runs.length === 0 && result.total > 0 && query.page > 0) {
        query.page = Math.max(0, Math.ceil(result.total / query.pageSize) - 1)
        return
      }
      runs.value = result.runs
      total.value = result.total
      tags.value = result.tags
      anyRuns.value = result.total > 0 || isFiltered(query)
      loadError.value = null
      // Keep the selection's summaries current (names and tags change).
      for (const run of result.runs) if (selected.value.has(run.id)) selected.value.set(run.id, run)
    } catch (error) {
      loadError.value = errorMessage(error)
    } finally {
      loaded.value = true
    }
  })

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
  const allShownSelected = computed(
    () => runs.value.length > 0 && runs.value.every((r) => selected.value.has(r.id))
  )
  /** Why the selection cannot be compared, or null when it can. */
  const compareReason = computed(() => {
    const n = selected.value.size
    if (n < 2) return `Select at least 2 runs to compare (${n} selected).`
    if (n > MAX_COMPARED_RUNS)
      return `Compare takes at most ${MAX_COMPARED_RUNS} runs (${n} selected).`
    return null
  })

  /**
   * Live events: a status change re-queries soon (order and filters may change), progress
   * updates in place, deleted runs leave the selection.
   */
  let eventTimer: ReturnType<typeof setTimeout> | undefined
  function refreshSoon(): void {
    clearTimeout(eventTimer)
    eventTimer = setTimeout(refresh, 150)
  }
  function onEvent(event: LabEvent): void {
    if (event.type === 'run') {
      const index = runs.value.findIndex((r) => r.id === event.run.id)
      if (index >= 0) runs.value[index] = event.run
      if (!['queued', 'running'].includes(event.run.status)) progress.value.delete(event.run.id)
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
    runs,
    total,
    tags,
    loaded,
    loadError,
    anyRuns,
    progress,
    selected,
    notice,
    actionError,
    refresh,
    sortBy,
    clearFilters,
    pageCount,
    select,
    selectOnly,
    clearSelection,
    allShownSelected,
    compareReason,
    onEvent
  }
})
