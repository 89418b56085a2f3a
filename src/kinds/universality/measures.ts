/**
 * What a universality run reports about the heads on one encoder (SCIENCE.md section 7), from the
 * heads' outcomes: plain numbers in, metric and series records out. The run reports these once
 * for the encoder of the config and once for its clean-encoder twin (theta = 0, the same draws),
 * under the model prefix `cleanEncoder.`.
 *
 * - Accuracy-matched heads: the attacker's head, and every clean probe, random head and the
 *   nullifying head whose clean accuracy is within `margin` of the attacker head's. The attacker's
 *   head is always one of them (its distance to itself is 0).
 * - matchedGap: max ASR - min ASR over the accuracy-matched heads (universalityGap's interval).
 * - Per family: cleanAccuracy and attackSuccessRate (one head) or their mean, min and max (many),
 *   matchedHeads (how many of the family are matched), the scatter (x clean accuracy, ASR with
 *   its Wilson interval) and ASR per target class c (as if c were the target): the head's Wilson
 *   interval, or for many heads the mean, min and max over them.
 */
import type { MetricRecord, SeriesPoint, SeriesRecord } from '../../shared/results'
import { finiteOrNull } from '../../shared/results'

/** A rate with its 95% interval; value NaN when the rate has no trials. */
export interface Rate {
  value: number
  lower: number
  upper: number
}

/** One head's clean accuracy and ASR for each target class (the lab's HeadOutcome). */
export interface Outcome {
  cleanAccuracy: Rate
  asrPerTarget: Rate[]
}

/** Head families in the scatter, in reporting order. */
export const FAMILIES = ['attacker', 'probe', 'random', 'nullifying'] as const
export type Family = (typeof FAMILIES)[number]

/** The outcomes of every head of one encoder, by family. */
export type EncoderOutcomes = Record<Family, Outcome[]>

export const HISTOGRAM_BINS = 20

/** Whether a head's clean accuracy is within `margin` of the attacker head's. */
export function accuracyMatches(accuracy: number, attackerAccuracy: number, margin: number) {
  return Math.abs(accuracy - attackerAccuracy) <= margin
}

/** The accuracy-matched heads of each family (see the header); the attacker's head always. */
export function accuracyMatched(outcomes: EncoderOutcomes, margin: number): EncoderOutcomes {
  if (!(margin >= 0)) throw new Error(`'margin' must be at least 0 (got ${margin})`)
  const [attacker] = outcomes.attacker
  if (!attacker) throw new Error('the attacker head is missing')
  const reference = attacker.cleanAccuracy.value
  const matched = (family: Family) =>
    family === 'attacker'
      ? [attacker]
      : outcomes[family].filter((o) => accuracyMatches(o.cleanAccuracy.value, reference, margin))
  return Object.fromEntries(FAMILIES.map((f) => [f, matched(f)])) as EncoderOutcomes
}

/**
 * max ASR - min ASR over the heads with a defined ASR. Interval from the Wilson bounds of the
 * argmax head and the argmin head: [lower(max) - upper(min), upper(max) - lower(min)], clipped to
 * [-1, 1]. Each bound is a 95% Wilson bound, so the pair covers the difference of those two heads'
 * rates with probability at least 90% (Bonferroni); it does not correct for having picked the
 * extreme heads out of many (the max is biased up and the min down).
 */
export function universalityGap(rates: Rate[]): {
  value: number | null
  lower: number | null
  upper: number | null
} {
  const defined = rates.filter((r) => !Number.isNaN(r.value))
  if (defined.length === 0) return { value: null, lower: null, upper: null }
  let hi = defined[0]
  let lo = defined[0]
  for (const r of defined) {
    if (r.value > hi.value) hi = r
    if (r.value < lo.value) lo = r
  }
  const clip = (v: number) => Math.min(1, Math.max(-1, v))
  return {
    value: hi.value - lo.value,
    lower: clip(hi.lower - lo.upper),
    upper: clip(hi.upper - lo.lower)
  }
}

/** Counts of the defined values in HISTOGRAM_BINS equal bins over [0, 1] (1 goes in the last). */
export function histogram(values: number[]): { x: number; value: number }[] {
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0)
  for (const v of values) {
    if (Number.isNaN(v)) continue
    counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(v * HISTOGRAM_BINS))]++
  }
  return counts.map((value, b) => ({ x: (b + 0.5) / HISTOGRAM_BINS, value }))
}

/** The share of the most common label: what a head that always answers one class reaches. */
export function majorityRate(labels: ArrayLike<number>): number {
  if (labels.length === 0) throw new Error("'labels' must not be empty")
  const counts = new Map<number, number>()
  let top = 0
  for (let i = 0; i < labels.length; i++) {
    const count = (counts.get(labels[i]) ?? 0) + 1
    counts.set(labels[i], count)
    top = Math.max(top, count)
  }
  return top / labels.length
}

export function meanOrNull(values: number[]): number | null {
  const defined = values.filter((v) => !Number.isNaN(v))
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null
}

const minOrNull = (values: number[]) => {
  const defined = values.filter((v) => !Number.isNaN(v))
  return defined.length ? defined.reduce((a, b) => Math.min(a, b)) : null
}
const maxOrNull = (values: number[]) => {
  const defined = values.filter((v) => !Number.isNaN(v))
  return defined.length ? defined.reduce((a, b) => Math.max(a, b)) : null
}

/** A rate as a record's estimate: an undefined rate (NaN) has no value. */
export function estimate(r: Rate): { value: number | null; lower: number; upper: number } {
  return { value: finiteOrNull(r.value), lower: r.lower, upper: r.upper }
}

/**
 * The metric and series records of every head family on one encoder (see the header), with model
 * names `${prefix}attacker` etc. and the run-wide ones under `${prefix}run`.
 */
export function encoderRecords(
  prefix: '' | 'cleanEncoder.',
  outcomes: EncoderOutcomes,
  target: number,
  margin: number
): { metrics: MetricRecord[]; series: SeriesRecord[] } {
  const metrics: MetricRecord[] = []
  const series: SeriesRecord[] = []
  const matched = accuracyMatched(outcomes, margin)
  const L = outcomes.attacker[0].asrPerTarget.length
  if (!(target >= 0 && target < L)) throw new Error(`'target' must be a class below L = ${L}`)
  for (const family of FAMILIES) {
    const model = `${prefix}${family}`
    const heads = outcomes[family]
    if (family === 'attacker' || family === 'nullifying') {
      const [o] = heads
      metrics.push(
        { model, name: 'cleanAccuracy', ...o.cleanAccuracy },
        { model, name: 'attackSuccessRate', ...estimate(o.asrPerTarget[target]) }
      )
      series.push({
        model,
        name: 'asrPerTarget',
        points: o.asrPerTarget.map((asr, c) => ({ x: c, ...estimate(asr) }))
      })
    } else {
      const asr = heads.map((o) => o.asrPerTarget[target].value)
      metrics.push(
        {
          model,
          name: 'cleanAccuracy.mean',
          value: meanOrNull(heads.map((o) => o.cleanAccuracy.value))
        },
        { model, name: 'attackSuccessRate.mean', value: meanOrNull(asr) },
        { model, name: 'attackSuccessRate.min', value: minOrNull(asr) },
        { model, name: 'attackSuccessRate.max', value: maxOrNull(asr) }
      )
      const perTarget = (summary: (values: number[]) => number | null): SeriesPoint[] =>
        Array.from({ length: L }, (_, c) => ({
          x: c,
          value: summary(heads.map((o) => o.asrPerTarget[c].value))
        }))
      series.push(
        { model, name: 'asrPerTarget.mean', points: perTarget(meanOrNull) },
        { model, name: 'asrPerTarget.min', points: perTarget(minOrNull) },
        { model, name: 'asrPerTarget.max', points: perTarget(maxOrNull) }
      )
    }
    metrics.push({ model, name: 'matchedHeads', value: matched[family].length })
    series.push({
      model,
      name: 'scatter',
      points: heads.map((o) => ({ x: o.cleanAccuracy.value, ...estimate(o.asrPerTarget[target]) }))
    })
  }
  series.push({
    model: `${prefix}random`,
    name: 'asrHistogram',
    points: histogram(outcomes.random.map((o) => o.asrPerTarget[target].value))
  })
  const matchedRates = FAMILIES.flatMap((f) => matched[f].map((o) => o.asrPerTarget[target]))
  metrics.push(
    { model: `${prefix}run`, name: 'matchedGap', ...universalityGap(matchedRates) },
    { model: `${prefix}run`, name: 'matchedHeads', value: matchedRates.length }
  )
  return { metrics, series }
}
