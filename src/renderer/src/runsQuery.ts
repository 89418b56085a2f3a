/** The runs table's controls as the filter queryRuns takes (the state is the runs store's). */
import type { RunFilter } from '@shared/history'

/** The table's controls that filter. */
export interface RunsControls {
  kinds: string[]
  statuses: string[]
  tag: string
  text: string
  /** `YYYY-MM-DD` from the date inputs, local days. */
  from: string
  to: string
}

export const pageSizes = [50, 100, 200] as const

/** A local calendar day as the instant it starts, or ends, in ISO form. */
export function localDayBound(day: string, end: boolean): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return undefined
  const [y, m, d] = match.slice(1).map(Number)
  const date = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d)
  return date.toISOString()
}

/** The filter queryRuns takes, from the table's controls. */
export function filterOf(q: RunsControls): RunFilter {
  const filter: RunFilter = {}
  if (q.kinds.length) filter.kinds = [...q.kinds] as RunFilter['kinds']
  if (q.statuses.length) filter.statuses = [...q.statuses] as RunFilter['statuses']
  if (q.tag) filter.tags = [q.tag]
  if (q.text.trim()) filter.text = q.text.trim()
  const from = localDayBound(q.from, false)
  const to = localDayBound(q.to, true)
  if (from) filter.createdFrom = from
  if (to) filter.createdTo = to
  return filter
}

export function isFiltered(q: RunsControls): boolean {
  return Object.keys(filterOf(q)).length > 0
}
