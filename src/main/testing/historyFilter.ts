/**
 * The history's filter written independently of the SQL, in plain JavaScript, for checking the
 * store's queries against it (tests only).
 */
import { configSearchEntries, type RunFilter } from '../../shared/history'
import { seedGroupId } from '../../shared/seedGroups'
import type { SeededRun } from './historySeed'

/** ASCII-only case folding, as SQLite's LIKE and NOCASE do it. */
export const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

/** Whether a seeded run matches the filter (sweep and seed-group filters included). */
export function matches(run: SeededRun, filter: RunFilter): boolean {
  if (filter.kinds?.length && !filter.kinds.includes(run.kind)) return false
  if (filter.statuses?.length && !filter.statuses.includes(run.status)) return false
  if (filter.tags?.length && !filter.tags.some((t) => run.tags.includes(t))) return false
  const text = filter.text?.trim()
  if (text) {
    const q = fold(text)
    const lower = text.toLowerCase()
    const hit =
      fold(run.name).includes(q) ||
      fold(run.notes).includes(q) ||
      run.dataset.toLowerCase().includes(lower) ||
      configSearchEntries(run.config).some((e) => e.toLowerCase().includes(lower))
    if (!hit) return false
  }
  const created = Date.parse(run.createdAt)
  if (filter.createdFrom && created < Date.parse(filter.createdFrom)) return false
  if (filter.createdTo) {
    const bareDate = /^\d{4}-\d{2}-\d{2}$/.test(filter.createdTo)
    const to = Date.parse(filter.createdTo) + (bareDate ? 86_400_000 - 1 : 0)
    if (created > to) return false
  }
  if (filter.sweepId !== undefined && run.sweep?.id !== filter.sweepId) return false
  if (filter.inSweep !== undefined && filter.inSweep !== (run.sweep !== undefined)) return false
  if (filter.seedGroup !== undefined && seedGroupId(run.config) !== filter.seedGroup) return false
  return true
}
