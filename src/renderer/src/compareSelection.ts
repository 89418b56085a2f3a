/**
 * Whether the runs selected on the Runs page can be compared, and how: run by run (2 to 8 runs),
 * or, while the table groups seeds, group by group (2 to 8 seed groups of at most 50 runs).
 */
import { MAX_COMPARED_RUNS, MAX_GROUPED_RUNS } from '@shared/history'
import type { RunSummary } from '@shared/results'

export interface CompareChoice {
  /** Why the selection cannot be compared, or null when it can. */
  reason: string | null
  /** Whether Compare opens with the runs grouped by seed. */
  grouped: boolean
  /** How many columns Compare shows: runs, or seed groups. */
  columns: number
}

/** The seed group a run counts in (a run without one is a group of its own). */
export function groupOf(run: Pick<RunSummary, 'id' | 'seedGroup'>): string {
  return run.seedGroup ?? `run ${run.id}`
}

export function compareChoice(
  selected: Pick<RunSummary, 'id' | 'seedGroup'>[],
  groupSeeds: boolean
): CompareChoice {
  const n = selected.length
  if (!groupSeeds) {
    if (n < 2)
      return {
        reason: `Select at least 2 runs to compare (${n} selected).`,
        grouped: false,
        columns: n
      }
    if (n > MAX_COMPARED_RUNS)
      return {
        reason: `Compare takes at most ${MAX_COMPARED_RUNS} runs (${n} selected).`,
        grouped: false,
        columns: n
      }
    return { reason: null, grouped: false, columns: n }
  }
  const groups = new Set(selected.map(groupOf)).size
  const choice = (reason: string | null) => ({ reason, grouped: true, columns: groups })
  if (n < 2) return choice(`Select at least 2 runs to compare (${n} selected).`)
  if (groups < 2)
    return choice(
      `These ${n} runs are one seed group: select runs of 2 or more groups to compare groups, or turn off Group seeds to compare the runs.`
    )
  if (groups > MAX_COMPARED_RUNS)
    return choice(`Compare takes at most ${MAX_COMPARED_RUNS} seed groups (${groups} selected).`)
  if (n > MAX_GROUPED_RUNS)
    return choice(`Compare takes at most ${MAX_GROUPED_RUNS} runs in its groups (${n} selected).`)
  return choice(null)
}
