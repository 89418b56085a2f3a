/** Tick labels of the log θ axes. No Node, no DOM. */
import { formatTick } from '../../shared/chartAxes'

/** Tick labels at 1, 2 and 5 times a power of ten only; the log scale's other ticks stay unlabelled. */
export function logTick(value: number | string): string {
  const v = Number(value)
  if (!(v > 0)) return ''
  const significand = v / 10 ** Math.floor(Math.log10(v))
  return [1, 2, 5, 10].some((s) => Math.abs(significand - s) < 1e-6) ? formatTick(v) : ''
}
