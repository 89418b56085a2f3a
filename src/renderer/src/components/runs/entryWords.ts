/**
 * What the Runs table says of its entries: a name as its row shows it, and of a sweep or a seed
 * group its runs per status, its swept fields, its seeds, and a key result over seeds with its n.
 * No DOM.
 */
import { symbolOf } from '@kinds/sweepWords'
import type { RunStatus } from '@shared/results'
import type { KeyAggregate } from '@shared/seedGroups'
import type { SweptField } from '@shared/sweepStatus'
import { num } from '../../format'
import { shortKindTitle } from '../../kinds'

const order: (RunStatus | 'missing')[] = [
  'done',
  'running',
  'queued',
  'failed',
  'cancelled',
  'interrupted',
  'missing'
]
const words: Record<RunStatus | 'missing', string> = {
  done: 'done',
  running: 'running',
  queued: 'queued',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  missing: 'deleted'
}

/**
 * An entry's name as its row shows it: inside a sweep or group (`parentName`), what follows the
 * parent's name (the point and the seed); else without the kind's title while the Kind column
 * says it (the tooltip has the whole name).
 */
export function shownName(
  name: string,
  kind: string,
  kindShown: boolean,
  parentName?: string
): string {
  if (parentName && name.startsWith(parentName) && name !== parentName) {
    return name.slice(parentName.length).replace(/^[\s:,]+/, '')
  }
  const prefix = `${shortKindTitle(kind)}: `
  return kindShown && name.startsWith(prefix) ? name.slice(prefix.length) : name
}

/** "8 done · 2 running · 1 queued": the statuses that some runs have, in a fixed order. */
export function countsWords(counts: Partial<Record<RunStatus | 'missing', number>>): string {
  return order
    .filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${words[s]}`)
    .join(' · ')
}

function valueWords(value: number | string | boolean): string {
  return typeof value === 'number' ? num(value, 4) : String(value)
}

/** "θ ∈ {1, 2, 3}" per swept field (a long list by its ends and count), joined by " × ". */
export function sweptWords(kind: string, fields: SweptField[]): string {
  return fields
    .map((f) => {
      const symbol = symbolOf(kind, f.path)
      const values =
        f.values.length <= 5
          ? f.values.map(valueWords).join(', ')
          : `${valueWords(f.values[0])}, …, ${valueWords(f.values[f.values.length - 1])} (${f.values.length} values)`
      return `${symbol} ∈ {${values}}`
    })
    .join(' × ')
}

/** "seeds 1, 2, 3", or the first few and how many in all. */
export function seedsWords(seeds: number[]): string {
  const shown = seeds.slice(0, 5).join(', ')
  return seeds.length <= 5
    ? `${seeds.length === 1 ? 'seed' : 'seeds'} ${shown}`
    : `seeds ${shown}, … (${seeds.length} in all)`
}

/** A key result over seeds as the table prints it: the mean, its t-interval, and n. */
export function aggregateWords(key: KeyAggregate | null): {
  value: string
  interval: string
  n: string
  title: string
} | null {
  if (!key || key.mean === null) return null
  const interval =
    key.lower !== null && key.upper !== null ? `[${num(key.lower)}, ${num(key.upper)}]` : ''
  const n = key.n === key.of ? `n = ${key.n}` : `n = ${key.n} of ${key.of}`
  const missing = key.of - key.n
  const title = [
    `${key.label}: the mean over the group's ${key.n} ${key.n === 1 ? 'seed' : 'seeds'} (done runs, one per seed)`,
    interval
      ? `with the 95% t-interval mean ± t(0.975, ${key.n - 1}) · sd / √${key.n}, which covers the seeds`
      : 'one seed: no interval across seeds',
    missing > 0
      ? `${missing} done ${missing === 1 ? 'run has' : 'runs have'} no value${key.label === 'λ50 ratio' ? ' (a λ50 beyond the λ grid, or a backdoored λ50 of 0, leaves the ratio undefined)' : ''}`
      : ''
  ]
    .filter(Boolean)
    .join('; ')
  return { value: num(key.mean), interval, n, title: `${title}.` }
}
