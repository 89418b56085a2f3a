/**
 * Numbers and estimates in words, the same on every page, in captions and in exports. No Node, no
 * DOM.
 */
import type { Estimate, RunDetail, SeriesPoint } from './results'
import { findMetric } from './results'

const significantFormats = new Map<number, Intl.NumberFormat>()

/**
 * Up to `digits` significant digits, trailing zeros trimmed, no grouping: "0.123", "12300". The
 * plain form ticks and captions print.
 */
export function significant(value: number, digits = 3): string {
  let format = significantFormats.get(digits)
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      maximumSignificantDigits: digits,
      useGrouping: false
    })
    significantFormats.set(digits, format)
  }
  return value === 0 ? '0' : format.format(value)
}

/**
 * A number for people: up to `digits` significant digits, whole numbers past them grouped
 * ("12,346"), tiny and huge ones in exponent form ("1.2e-5").
 */
export function sig(value: number, digits = 3): string {
  if (value === 0) return '0'
  const abs = Math.abs(value)
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 1)
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString('en-US')
  return significant(value, digits)
}

/** Two decimals for rates, advantages and energies of ordinary size ("0.41", "1.20"). */
export function fixed(value: number): string {
  return Math.abs(value) < 1000 ? value.toFixed(2) : sig(value)
}

/** A share as a percentage: "38%", "4.2%", "0.03%". */
export function sharePercent(value: number): string {
  const p = value * 100
  if (p === 0) return '0%'
  if (Math.abs(p) >= 10) return `${p.toFixed(0)}%`
  if (Math.abs(p) >= 1) return `${p.toFixed(1)}%`
  return `${significant(p, 1)}%`
}

/** "0.41 [0.37, 0.45]", or "0.41" when the interval is not known. */
export function withInterval(e: Estimate, format: (v: number) => string = fixed): string {
  if (e.value == null) return '—'
  const interval =
    e.lower != null && e.upper != null ? ` [${format(e.lower)}, ${format(e.upper)}]` : ''
  return `${format(e.value)}${interval}`
}

export const known = (e: Estimate | undefined): e is Estimate & { value: number } =>
  e != null && typeof e.value === 'number' && Number.isFinite(e.value)

export function pointEstimate(point: SeriesPoint | undefined): Estimate | undefined {
  return point ? { value: point.value, lower: point.lower, upper: point.upper } : undefined
}

/** How a run that stopped early is introduced in a sentence. */
export const stoppedWord: Partial<Record<RunDetail['status'], string>> = {
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  failed: 'Failed'
}

/** The estimate of `model`/`name` when the run has a finite value for it. */
export function measured(run: Pick<RunDetail, 'metrics'>, model: string, name: string) {
  const metric = findMetric(run, model, name)
  return known(metric) ? metric : undefined
}

/** A sentence's first letter in capitals, a Latin one only: λ and θ are symbols, not words. */
export function capitalised(text: string): string {
  return /^[a-z]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text
}
