/**
 * The runs table's columns and which of them are shown. The default set fits a 1280 px window;
 * Seed and Backend start hidden (the seed is in each default name, the backend rarely differs).
 * The choice is kept in the browser's storage for the next visit.
 */
import { ref } from 'vue'
import type { RunSortColumn } from '@shared/history'

export type RunColumnId =
  | 'id'
  | 'name'
  | 'kind'
  | 'status'
  | 'key'
  | 'dataset'
  | 'seed'
  | 'backend'
  | 'createdAt'
  | 'duration'
  | 'tags'
  | 'actions'

export interface RunColumn {
  id: RunColumnId
  title: string
  sort?: RunSortColumn
  class?: string
  /** Whether the column chooser offers it (the id, name and actions always show). */
  optional: boolean
  shownByDefault: boolean
}

export const runColumns: RunColumn[] = [
  { id: 'id', title: '#', sort: 'id', class: 'col-id', optional: false, shownByDefault: true },
  {
    id: 'name',
    title: 'Name',
    sort: 'name',
    class: 'col-name',
    optional: false,
    shownByDefault: true
  },
  { id: 'kind', title: 'Kind', sort: 'kind', optional: true, shownByDefault: true },
  { id: 'status', title: 'Status', sort: 'status', optional: true, shownByDefault: true },
  {
    id: 'key',
    title: 'Key result',
    sort: 'key',
    class: 'col-key',
    optional: true,
    shownByDefault: true
  },
  { id: 'dataset', title: 'Data', sort: 'dataset', optional: true, shownByDefault: true },
  { id: 'seed', title: 'Seed', sort: 'seed', class: 'num', optional: true, shownByDefault: false },
  { id: 'backend', title: 'Backend', sort: 'backend', optional: true, shownByDefault: false },
  { id: 'createdAt', title: 'Created', sort: 'createdAt', optional: true, shownByDefault: true },
  {
    id: 'duration',
    title: 'Duration',
    sort: 'duration',
    class: 'num',
    optional: true,
    shownByDefault: true
  },
  { id: 'tags', title: 'Tags', optional: true, shownByDefault: true },
  { id: 'actions', title: 'Actions', class: 'col-actions', optional: false, shownByDefault: true }
]

const STORAGE_KEY = 'backdoor-lab.runs.columns'

function defaults(): Set<RunColumnId> {
  return new Set(runColumns.filter((c) => c.shownByDefault).map((c) => c.id))
}

function load(): Set<RunColumnId> {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as unknown
    if (!Array.isArray(saved)) return defaults()
    const known = new Set(runColumns.map((c) => c.id))
    const shown = new Set(saved.filter((id): id is RunColumnId => known.has(id as RunColumnId)))
    for (const c of runColumns) if (!c.optional) shown.add(c.id)
    return shown
  } catch {
    // Storage can be unavailable or hold something else: start from the defaults.
    return defaults()
  }
}

/** The ids of the shown columns. */
export const shownColumns = ref<Set<RunColumnId>>(load())

export function showColumn(id: RunColumnId, on: boolean): void {
  const column = runColumns.find((c) => c.id === id)
  if (!column?.optional) return
  const next = new Set(shownColumns.value)
  if (on) next.add(id)
  else next.delete(id)
  shownColumns.value = next
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...next]))
  } catch {
    // Not kept for the next visit; this one still shows the choice.
  }
}

export function resetColumns(): void {
  shownColumns.value = defaults()
  try {
    localStorage.removeItem(STORAGE_KEY)
  } catch {
    // Nothing saved to remove.
  }
}
