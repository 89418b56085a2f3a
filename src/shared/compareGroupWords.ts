/**
 * What Compare says of a seed group's numbers (SCIENCE.md sections 5 and 12): how many seeds a
 * mean stands on, why a seed is not among them (a λ50 beyond the λ grid is not a missing value
 * like any other: it bounds the mean), and what a group column is made of. Pure; no DOM.
 */
import type { CompareColumn, GroupMetric } from './compareGroups'
import { listed } from './figureKey'
import { metricWords, modelWords } from './metricWords'

/** `n = 3`, or `n = 2 of 3` when some seeds have no value. */
export function nWords(agg: Pick<GroupMetric, 'n' | 'of'>): string {
  return agg.n === agg.of ? `n = ${agg.n}` : `n = ${agg.n} of ${agg.of}`
}

const seedsWord = (n: number) => `${n} ${n === 1 ? 'seed' : 'seeds'}`

/** Whether a metric is a λ50 of one network (`lambda50`, `lambda50.before`, …). */
function isLambda50(name: string): boolean {
  return name === 'lambda50' || name.startsWith('lambda50.')
}

/**
 * Why some seeds of a group are not in a metric's mean, in words backed by the counts; null when
 * every seed has a value. A λ50 without a value means the ASR never reached 0.5 on the λ grid:
 * that seed's λ50 lies above the grid's largest λ, which is above every λ50 that was reached, so
 * the mean over all seeds is larger than the mean shown.
 */
export function missingWords(name: string, agg: GroupMetric): string | null {
  const parts: string[] = []
  if (agg.undefinedIn > 0) {
    const k = agg.undefinedIn
    if (isLambda50(name))
      parts.push(
        `in ${seedsWord(k)} of ${agg.of} the ASR never reached 0.5 on the λ grid, so λ50 lies above the grid's largest λ there (if it is reached at all); the mean over all ${agg.of} seeds is larger than this mean over ${agg.n}`
      )
    else if (name === 'lambda50Ratio')
      parts.push(
        `in ${seedsWord(k)} of ${agg.of} the ratio is undefined (a λ50 beyond the λ grid, or a backdoored λ50 of 0); the mean is over the other ${agg.n}`
      )
    else
      parts.push(
        `in ${seedsWord(k)} of ${agg.of} it has no value (undefined for that run); the mean is over the other ${agg.n}`
      )
  }
  if (agg.absentIn > 0)
    parts.push(
      `${agg.absentIn} of the ${agg.of} runs ${agg.absentIn === 1 ? 'predates' : 'predate'} this metric`
    )
  return parts.length ? parts.join('; ') : null
}

/** `mean over 3 seeds (1, 2, 3)`: what a group column's numbers stand on. */
export function meanWords(column: CompareColumn): string {
  if (!column.group) return `seed ${column.run.seed}`
  const counted = column.group.counted
  if (counted.length === 0) return 'no run done yet'
  if (counted.length === 1) return `1 seed (${counted[0].seed}): no interval across seeds`
  return `mean over ${seedsWord(counted.length)} (${counted.map((r) => r.seed).join(', ')})`
}

/** The runs of a group that do not count, each with why. */
export function notCountedWords(column: CompareColumn): string[] {
  const counted = new Set((column.group?.counted ?? column.runs).map((r) => r.id))
  return column.runs
    .filter((r) => !counted.has(r.id))
    .map((r) =>
      r.status === 'done'
        ? `#${r.id} repeats seed ${r.seed} and is not counted twice`
        : `#${r.id} (seed ${r.seed}) is ${r.status} and not counted`
    )
}

/** `mean over 3 seeds (1, 2, 3): runs #4, #5, #6`, and the runs that do not count, with why. */
export function columnWords(column: CompareColumn): string {
  if (!column.group) return meanWords(column)
  const counted = column.group.counted
  const head = counted.length
    ? `${meanWords(column)}: runs ${counted.map((r) => `#${r.id}`).join(', ')}`
    : meanWords(column)
  return [head, ...notCountedWords(column)].join('; ')
}

/** A cell of the metrics table: the column's estimate and, for a group, its n and what is missing. */
export interface MetricCell {
  value: number | null
  lower?: number | null
  upper?: number | null
  /** `n = 3` for a group; null for a run alone. */
  n: string | null
  /** Why some seeds are not in the mean (missingWords), or null. */
  missing: string | null
}

/**
 * The cells of one metric row, a column each (`names`: each column's own name of the metric). A
 * value every seed of a group shares (a size, a setting) is shown once, without its zero-width
 * interval, and said to be the same in every seed.
 */
export function metricCells(
  columns: CompareColumn[],
  row: { model: string; names: string[]; values: Omit<MetricCell, 'n' | 'missing'>[] }
): MetricCell[] {
  return columns.map((column, i) => {
    const agg = column.group?.metrics.get(`${row.model}/${row.names[i]}`)
    if (!agg) return { ...row.values[i], n: null, missing: null }
    const same = agg.n > 1 && agg.sd === 0
    return {
      ...row.values[i],
      ...(same ? { lower: null, upper: null } : {}),
      n: same ? `${nWords(agg)}, the same in each` : nWords(agg),
      missing: missingWords(row.names[i], agg)
    }
  })
}

/** `No mean curve of ASR (clean network) and …: reason`, one line per reason, for a group. */
export function notAveragedWords(column: CompareColumn): string[] {
  const byReason = new Map<string, string[]>()
  for (const s of column.group?.notAveraged ?? []) {
    const model = modelWords(s.model)
    const words = model ? `${metricWords(s.name)} (${model})` : metricWords(s.name)
    byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), words])
  }
  return [...byReason].map(([reason, series]) => `No mean curve of ${listed(series)}: ${reason}`)
}
