/**
 * λ50 and the λ50 ratio in words (SCIENCE.md section 5), with their 95% bootstrap intervals over
 * the held-out inputs: the run page's sentence, the intervals of its cards and table. A bound the
 * bootstrap left open (it fell on resamples where ASR never reached ½ on the grid) reads "open",
 * never a number. Runs made before the bootstrap show their point values alone. No Node, no DOM.
 */
import { metricOf } from './outputs'
import { known, sharePercent, sig } from '../../shared/format'
import type { Estimate, RunDetail } from '../../shared/results'
import { lambdaValues, type LambdaGrid } from '../../shared/schema'

type Lambda50Run = Pick<RunDetail, 'metrics'> & { config: object }
type Network = 'clean' | 'backdoored'
const NETWORKS: Network[] = ['backdoored', 'clean']

/** A λ50-type number as the run page prints it. */
export const lambdaText = (v: number) => sig(v)

/** What the run measured of one λ50 quantity: the estimate and the bootstrap's undefined share. */
export interface Lambda50Fact {
  estimate: Estimate | undefined
  /** Share of resamples where it was undefined; null for runs made before the bootstrap. */
  undefinedShare: number | null
}

export function lambda50Fact(run: Lambda50Run, who: Network | 'ratio'): Lambda50Fact {
  const estimate =
    who === 'ratio' ? metricOf(run, 'run', 'lambda50Ratio') : metricOf(run, who, 'lambda50')
  const share =
    who === 'ratio'
      ? metricOf(run, 'run', 'lambda50RatioUndefined')
      : metricOf(run, who, 'lambda50Undefined')
  return { estimate, undefinedShare: known(share) ? share.value : null }
}

/**
 * "[1.39, 1.53]", "[2.96, open]"; null when the run has no bootstrap interval (made before it),
 * or when both bounds are open (nothing to show but the share).
 */
export function bootstrapInterval(fact: Lambda50Fact): string | null {
  if (fact.undefinedShare == null || !fact.estimate) return null
  const { lower, upper } = fact.estimate
  if (lower == null && upper == null) return null
  const bound = (v: number | null | undefined) => (v == null ? 'open' : lambdaText(v))
  return `[${bound(lower)}, ${bound(upper)}]`
}

/** "1.46 [1.39, 1.53]", or "1.46" without an interval; null when undefined. */
function withBootstrap(fact: Lambda50Fact): string | null {
  if (!known(fact.estimate)) return null
  const interval = bootstrapInterval(fact)
  return `${lambdaText(fact.estimate.value)}${interval ? ` ${interval}` : ''}`
}

/** The largest λ of the run's grid, when the config has one. */
function gridTop(run: { config: object }): number | null {
  const grid = (run.config as { lambdas?: LambdaGrid }).lambdas
  if (!grid) return null
  const values = lambdaValues(grid)
  return values[values.length - 1]
}

/**
 * "not reached on the grid in 4.1% of the resamples, so its upper bound is open"; null when it
 * was reached in every resample (or the run has no bootstrap).
 */
export function openBoundNote(fact: Lambda50Fact, what: 'λ50' | 'ratio'): string | null {
  const share = fact.undefinedShare
  if (share == null || share === 0 || !fact.estimate) return null
  const { lower, upper } = fact.estimate
  const open = [lower == null ? 'lower' : null, upper == null ? 'upper' : null].filter(Boolean)
  const consequence =
    open.length === 2
      ? 'so both its bounds are open'
      : open.length === 1
        ? `so its ${open[0]} bound is open`
        : 'too few to open a bound'
  const undefinedWord =
    what === 'λ50' ? 'not reached on the grid' : 'undefined (a λ50 not reached on the grid)'
  return `${undefinedWord} in ${sharePercent(share)} of the resamples, ${consequence}`
}

/** The same for a table cell: "missed ½ in 39% of resamples: upper bound open". */
export function openBoundHint(fact: Lambda50Fact): string | null {
  const share = fact.undefinedShare
  if (share == null || share === 0 || !fact.estimate) return null
  const { lower, upper } = fact.estimate
  const open = [lower == null ? 'lower' : null, upper == null ? 'upper' : null].filter(Boolean)
  const consequence = open.length === 0 ? 'no bound open' : `${open.join(' and ')} bound open`
  return `undefined in ${sharePercent(share)} of resamples: ${consequence}`
}

/** What every λ50 interval covers, with the resamples and the held-out inputs when known. */
export function bootstrapCoverage(run: Lambda50Run): string | null {
  const resamples = metricOf(run, 'run', 'bootstrapResamples')
  if (!known(resamples)) return null
  const nTest = (run.config as { nTest?: number }).nTest
  const inputs =
    nTest != null ? `the ${nTest.toLocaleString('en-US')} held-out inputs` : 'the held-out inputs'
  return `95% percentile bootstrap over ${inputs} of this one pair of networks (B = ${resamples.value.toLocaleString('en-US')} resamples, both networks resampled together), not over the key, the weights or the training data`
}

/**
 * The run in one or two sentences: where each network's ASR reaches ½, how much smaller a
 * trigger the backdoor needs, and what the intervals cover. Null until λ50 has been measured.
 */
export function effectivenessSentence(run: Lambda50Run): string | null {
  const facts = {
    clean: lambda50Fact(run, 'clean'),
    backdoored: lambda50Fact(run, 'backdoored'),
    ratio: lambda50Fact(run, 'ratio')
  }
  if (!facts.clean.estimate || !facts.backdoored.estimate) return null
  const top = gridTop(run)
  const grid = top == null ? 'on the grid' : `on the grid (λ ≤ ${lambdaText(top)})`
  const theta = (run.config as { theta?: number }).theta
  const sentences: string[] = []

  if (theta === 0) {
    const both = withBootstrap(facts.clean)
    sentences.push(
      both
        ? `At θ = 0 the two networks are the same: both reach ASR ½ at λ50 = ${both}, a λ50 ratio of 1 by construction.`
        : `At θ = 0 the two networks are the same, and neither reaches ASR ½ ${grid}.`
    )
  } else {
    const backdoored = withBootstrap(facts.backdoored)
    const clean = withBootstrap(facts.clean)
    sentences.push(
      backdoored && clean
        ? `ASR reaches ½ for the backdoored network at λ50 = ${backdoored} and for the clean one at λ50 = ${clean}.`
        : backdoored
          ? `ASR reaches ½ for the backdoored network at λ50 = ${backdoored}; for the clean one it does not ${grid}.`
          : clean
            ? `ASR reaches ½ for the clean network at λ50 = ${clean}; for the backdoored one it does not ${grid}.`
            : `ASR does not reach ½ ${grid} for either network.`
    )
    const ratio = withBootstrap(facts.ratio)
    sentences.push(
      ratio
        ? `The backdoor needs a trigger ${ratio} times smaller (the λ50 ratio, clean ÷ backdoored).`
        : 'The λ50 ratio is undefined: a network that does not reach ½ on the grid has no λ50.'
    )
  }

  // Where resamples did not reach ½, say how often and which bound that leaves open.
  const shown = theta === 0 ? (['clean'] as const) : NETWORKS
  for (const network of shown) {
    if (!known(facts[network].estimate)) continue
    const note = openBoundNote(facts[network], 'λ50')
    const who = theta === 0 ? 'λ50' : `The ${network} network's λ50`
    if (note) sentences.push(`${who} is ${note}.`)
  }
  if (theta !== 0 && known(facts.ratio.estimate)) {
    const note = openBoundNote(facts.ratio, 'ratio')
    if (note) sentences.push(`The ratio is ${note}.`)
  }

  const coverage = bootstrapCoverage(run)
  if (coverage) sentences.push(`Intervals: ${coverage}.`)
  return sentences.join(' ')
}
