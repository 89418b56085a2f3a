/**
 * What a fine-tuning run reports (run.ts, SCIENCE.md sections 5 and 6): each epoch's series
 * points, the advantage and the progress once both models' records of that epoch are in, and the
 * measurements before and after fine-tuning with their intervals. Main bundle only.
 */
import type { FinetuneConfig } from '../config'
import { EPOCH_SERIES } from '../outputs'
import type { EpochRecord, Measurement } from '../../../main/lab/finetune'
import {
  BOOTSTRAP_RESAMPLES,
  lambda50Bootstrap,
  type AttackOutcomes
} from '../../../main/lab/lambda50Bootstrap'
import { spikeEnergyStdError } from '../../../main/lab/relu'
import type { Reporter } from '../../../main/lab/reporter'
import { stream } from '../../../main/lab/rng'
import type { NullBand } from '../../../main/lab/spike'
import {
  Z95,
  differenceInterval,
  lambda50,
  wilsonInterval,
  type Interval
} from '../../../main/lab/stats'
import { finiteOrNull } from '../../../shared/results'

/** The two models of a run: the same network without and with the backdoor. */
export const FINETUNE_MODELS = ['clean', 'backdoored'] as const
/** A measurement with the whole ASR curve takes about this many epochs (defaults, wasm). */
const MEASUREMENT_EPOCHS = 0.7
export type Model = (typeof FINETUNE_MODELS)[number]

/**
 * Collects the per-epoch records of both models (in any order) and reports an epoch's series
 * points, the advantage and the progress as soon as both models' records of that epoch are in.
 */
export function epochCombiner(report: Reporter, totalEpochs: number) {
  const pending = new Map<number, Partial<Record<Model, EpochRecord>>>()
  return {
    add(model: Model, record: EpochRecord): void {
      const x = record.epoch
      const entry = pending.get(x) ?? {}
      entry[model] = record
      pending.set(x, entry)
      if (!entry.clean || !entry.backdoored) return
      pending.delete(x)
      const asr = {} as Record<Model, Interval>
      for (const m of FINETUNE_MODELS) {
        const r = entry[m]!
        const accuracy = wilsonInterval(r.correct, r.total)
        asr[m] = wilsonInterval(r.flipped, r.candidates)
        const point = (name: (typeof EPOCH_SERIES)[number], value: number | Interval) =>
          report.series({
            model: m,
            name,
            points: [
              typeof value === 'number'
                ? { x, value: finiteOrNull(value) }
                : { x, ...estimate(value) }
            ]
          })
        point('epoch.loss', r.loss)
        point('epoch.cleanAccuracy', accuracy)
        point('epoch.attackSuccessRate', asr[m])
        point('epoch.spikeEnergy', r.spikeEnergy)
        point('epoch.weightDrift', r.weightDrift)
        point('epoch.tau', r.tau)
        point('epoch.a', r.a)
        point('epoch.traceOverD', r.traceOverD)
        point('epoch.normalisedSpikeEnergy', r.normalisedSpikeEnergy)
        if (r.nullSpikeEnergy) point('epoch.nullSpikeEnergy', bandEstimate(r.nullSpikeEnergy))
        point('epoch.robustAccuracy', wilsonInterval(r.robustCorrect, r.robustTotal))
      }
      report.series({
        model: 'run',
        name: 'epoch.advantage',
        points: [{ x, ...estimate(differenceInterval(asr.backdoored, asr.clean)) }]
      })
      report.metric({ model: 'run', name: 'epochsCompleted', value: x })
      const work = (x + 1) / (totalEpochs + 1 + MEASUREMENT_EPOCHS)
      if (x > 0) report.progress('fine-tuning', x, totalEpochs, work)
    }
  }
}

/** The before or after measurement of both models, with the comparisons between them. */
export function reportMeasurement(
  report: Reporter,
  when: 'before' | 'after',
  measured: Record<Model, Measurement>,
  config: FinetuneConfig,
  lambdas: number[]
): void {
  const tracked = {} as Record<Model, Interval>
  const accuracy = {} as Record<Model, Interval>
  // λ50 with its bootstrap interval over the held-out inputs (SCIENCE.md section 5), both networks
  // resampled together; the same resamples before and after, so the two are compared on them.
  const n = measured.clean.outcomes.candidate.length
  const outcomesOf = (model: Model): AttackOutcomes => {
    const { candidate, inTarget } = measured[model].outcomes
    return { candidate, inTarget: (j, i) => inTarget[j * n + i] === 1 }
  }
  const l50 = lambda50Bootstrap(
    lambdas,
    { clean: outcomesOf('clean'), backdoored: outcomesOf('backdoored') },
    stream(config.seed, 'bootstrap/lambda50'),
    BOOTSTRAP_RESAMPLES
  )
  for (const model of FINETUNE_MODELS) {
    const r = measured[model]
    const curve = r.curve.map((p) => wilsonInterval(p.flipped, p.candidates))
    tracked[model] = wilsonInterval(r.flipped, r.candidates)
    report.series({
      model,
      name: `attackSuccessRate.${when}`,
      points: curve.map((rate, i) => ({ x: lambdas[i], ...estimate(rate) }))
    })
    const metric = (name: string, value: number | null | Interval) =>
      report.metric({
        model,
        name: `${name}.${when}`,
        ...(value === null || typeof value === 'number'
          ? { value: finiteOrNull(value) }
          : estimate(value))
      })
    accuracy[model] = wilsonInterval(r.correct, r.total)
    metric('cleanAccuracy', accuracy[model])
    metric('attackSuccessRate', tracked[model])
    const point = lambda50(
      lambdas,
      curve.map((rate) => (Number.isNaN(rate.value) ? 0 : rate.value))
    )
    report.metric({
      model,
      name: `lambda50.${when}`,
      value: point,
      lower: l50[model].lower,
      upper: l50[model].upper
    })
    metric('lambda50Undefined', l50[model].undefinedShare)
    // The interval is the sampling error of the spike energy of freshly drawn rows (section 5).
    const half = Z95 * spikeEnergyStdError(model === 'clean' ? 0 : config.theta, config.m)
    metric('spikeEnergy', {
      value: r.spikeEnergy,
      lower: r.spikeEnergy - half,
      upper: r.spikeEnergy + half
    })
    metric('loss', r.loss)
    metric('tau', r.tau)
    metric('a', r.a)
    metric('robustAccuracy', wilsonInterval(r.robustCorrect, r.robustTotal))
    metric('traceOverD', r.traceOverD)
    metric('normalisedSpikeEnergy', r.normalisedSpikeEnergy)
    if (r.nullSpikeEnergy) metric('nullSpikeEnergy', bandEstimate(r.nullSpikeEnergy))
  }
  report.metric({
    model: 'run',
    name: `advantage.${when}`,
    ...estimate(differenceInterval(tracked.backdoored, tracked.clean))
  })
  // What the backdoor costs in clean accuracy (SCIENCE.md section 5), with Newcombe's interval.
  report.metric({
    model: 'run',
    name: `backdoorCost.${when}`,
    ...estimate(differenceInterval(accuracy.backdoored, accuracy.clean))
  })
}

/** A null band as an estimate: its mean, and its 95% range as the bounds. */
function bandEstimate(band: NullBand): Interval {
  return { value: band.mean, lower: band.lower, upper: band.upper }
}

/** An interval as a record's value and bounds, non-finite numbers as null. */
export function estimate(i: Interval): {
  value: number | null
  lower: number | null
  upper: number | null
} {
  return {
    value: finiteOrNull(i.value),
    lower: finiteOrNull(i.lower),
    upper: finiteOrNull(i.upper)
  }
}
