/**
 * What the runs table shows (filters, sort, page) and which runs are selected: kept for the
 * session, so opening a run and coming back finds the table as it was.
 */
import { reactive, ref } from 'vue'
import type { ExperimentKind } from '@kinds/registry'
import type { RunFilter, RunSort } from '@shared/history'
import type { RunStatus, RunSummary } from '@shared/results'

export const pageSizes = [50, 100, 200] as const

export const runsQuery = reactive({
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

/** Selected runs by id, with the summary they had when selected (for tags and names). */
export const selectedRuns = ref(new Map<number, RunSummary>())

/** A local calendar day as the instant it starts, or ends, in ISO form. */
export function localDayBound(day: string, end: boolean): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return undefined
  const [y, m, d] = match.slice(1).map(Number)
  const date = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d)
  return date.toISOString()
}

/** The filter queryRuns takes, from the table's controls. */
export function filterOf(q: typeof runsQuery): RunFilter {
  const filter: RunFilter = {}
  if (q.kinds.length) filter.kinds = [...q.kinds]
  if (q.statuses.length) filter.statuses = [...q.statuses]
  if (q.tag) filter.tags = [q.tag]
  if (q.text.trim()) filter.text = q.text.trim()
  const from = localDayBound(q.from, false)
  const to = localDayBound(q.to, true)
  if (from) filter.createdFrom = from
  if (to) filter.createdTo = to
  return filter
}

export function isFiltered(q: typeof runsQuery): boolean {
  return Object.keys(filterOf(q)).length > 0
}
