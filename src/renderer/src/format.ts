/** Number, time and interval formatting for the views. */
import { sig } from '@shared/format'
import type { Estimate } from '@shared/results'

const isNumber = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v)

/** A number with `digits` significant digits (shared `sig`); '—' when missing. */
export function num(value: number | null | undefined, digits = 3): string {
  return isNumber(value) ? sig(value, digits) : '—'
}

export function percent(value: number | null | undefined, decimals = 1): string {
  if (!isNumber(value)) return '—'
  return `${(value * 100).toFixed(decimals)}%`
}

/** `value [lower, upper]` in the given format; the interval only when both ends are known. */
export function estimate(
  e: Estimate | undefined,
  format: (v: number | null | undefined) => string = num
): { value: string; interval: string | null } {
  if (!e) return { value: '—', interval: null }
  const interval =
    isNumber(e.lower) && isNumber(e.upper) ? `[${format(e.lower)}, ${format(e.upper)}]` : null
  return { value: format(e.value), interval }
}

export function duration(seconds: number | null | undefined): string {
  if (!isNumber(seconds)) return '—'
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds % 60)
  if (m < 60) return `${m} min ${s} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit'
  })
}

/** "3 min ago" style, for recent times; the full date otherwise. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—'
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return iso
  const seconds = Math.round((now - then) / 1000)
  if (seconds < 45) return 'just now'
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`
  return dateTime(iso)
}
