/**
 * What a run's numbers allow it to say (SCIENCE.md section 5), in the same words on every page:
 * whether a classifier learned anything (the chance flag), whether an interval excludes 0, what
 * the backdoor costs, and what a within-run interval covers. Pure code: no Node, no DOM.
 */
import { known } from './format'
import type { Estimate } from './results'

/**
 * Whether a model is at chance: its clean accuracy's 95% interval reaches the majority-class
 * rate of the held-out labels (or lies below it). Null when either number is unknown, as for
 * runs made before the rate was measured.
 */
export function atChance(
  accuracy: Estimate | undefined,
  majority: Estimate | undefined
): boolean | null {
  if (!known(accuracy) || !known(majority)) return null
  return (accuracy.lower ?? accuracy.value) <= majority.value
}

/** "85.2%": a rate as a percentage with one decimal. */
export function percentText(value: number): string {
  return `${(value * 100).toFixed(1)}%`
}

/** "47.8% [43.8%, 51.9%]" */
export function rateWithInterval(e: Estimate & { value: number }): string {
  return e.lower != null && e.upper != null
    ? `${percentText(e.value)} [${percentText(e.lower)}, ${percentText(e.upper)}]`
    : percentText(e.value)
}

/** A difference of rates in percentage points, "−3.2", with a true minus sign. */
export function pointsText(value: number): string {
  const text = (value * 100).toFixed(1)
  return text === '-0.0' ? '0.0' : text.replace('-', '−')
}

/** "[−5.5, −0.9]", or null without both ends. */
export function pointsInterval(e: Estimate): string | null {
  return e.lower != null && e.upper != null
    ? `[${pointsText(e.lower)}, ${pointsText(e.upper)}]`
    : null
}

/** Where a difference's 95% interval lies against 0. */
export type ZeroVerdict = 'above' | 'below' | 'includes'

export function againstZero(e: Estimate | undefined): ZeroVerdict | null {
  if (!known(e) || e.lower == null || e.upper == null) return null
  if (e.lower > 0) return 'above'
  if (e.upper < 0) return 'below'
  return 'includes'
}

/**
 * What every within-run interval covers (SCIENCE.md section 5), with the number of held-out
 * inputs when known.
 */
export function intervalsCover(nTest?: number | null): string {
  const inputs =
    nTest != null && Number.isFinite(nTest)
      ? `the ${nTest.toLocaleString('en-US')} held-out inputs`
      : 'the held-out inputs'
  return `95% intervals cover the draw of ${inputs} of this one pair of networks, not the key, the weights or the training data: runs with other seeds show how much those move the numbers.`
}

/** Said instead of an advantage when θ = 0: the backdoored network is the clean one. */
export const ZERO_THETA_ADVANTAGE =
  'At θ = 0 the backdoored network is the clean one, so the advantage is 0 by construction: there is no interval to show.'
