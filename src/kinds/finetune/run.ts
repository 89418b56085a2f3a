/**
 * Experiment A: does the random-ReLU backdoor survive fine-tuning? (SCIENCE.md section 6)
 *
 * A clean and a backdoored network from common random numbers (section 10), tau fitted on the
 * training data and the logit scale a = 1/std(f), are fine-tuned by the same procedure on the
 * same mini-batches. Before, after every epoch and after training both are measured; the
 * comparison (advantage) is formed once both models' records of an epoch are in, so the two
 * models could as well be trained in two processes (`fineTuneModel`).
 */
import { type FinetuneConfig } from './config'
import { lambdaValues } from '../../shared/schema'
import { normTask, type Dataset } from '../../main/lab/data'
import {
  calibrate,
  createFineTuner,
  type EpochRecord,
  type FineTuneInput,
  type Measurement
} from '../../main/lab/finetune'
import {
  backdooredRows,
  rowScoreGrid,
  sampleReluWeights,
  spikeEnergyStdError
} from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import { NULL_DIRECTIONS, nullDirections, type NullBand } from '../../main/lab/spike'
import {
  Z95,
  differenceInterval,
  fitThreshold,
  lambda50,
  majorityRate,
  medianThreshold,
  wilsonInterval,
  type Interval
} from '../../main/lab/stats'
import { relabelWithTeacher } from '../../main/lab/teacher'
import { finiteOrNull } from '../../shared/results'
import type { Reporter } from '../../main/lab/reporter'
import {
  BOOTSTRAP_RESAMPLES,
  lambda50Bootstrap,
  type AttackOutcomes
} from '../../main/lab/lambda50Bootstrap'
import { loadRealDataset } from '../../main/lab/datasets/index'
import { splitTrainTest } from '../../main/lab/datasets/split'
import type { KindRunner } from '../runner'
import {
  reportFinetunePanel,
  startPanelNull,
  trackProgress,
  withDetection
} from '../../main/lab/detectPanel'
import type { NullCache } from '../../main/lab/nullCache'

export const FINETUNE_MODELS = ['clean', 'backdoored'] as const
/** A measurement with the whole ASR curve takes about this many epochs (defaults, wasm). */
const MEASUREMENT_EPOCHS = 0.7
type Model = (typeof FINETUNE_MODELS)[number]

/** The per-epoch series of each model (x = epoch). */
export const EPOCH_SERIES = [
  'epoch.loss',
  'epoch.cleanAccuracy',
  'epoch.attackSuccessRate',
  'epoch.spikeEnergy',
  'epoch.weightDrift',
  // The trainable scalars, so a run stopped early still says where tau and a had moved.
  'epoch.tau',
  'epoch.a',
  // Additions of SCIENCE.md section 5: the spike energy next to the rows' scale and its null band,
  // and the robust accuracy that completes BackdoorBench's triple.
  'epoch.traceOverD',
  'epoch.normalisedSpikeEnergy',
  'epoch.nullSpikeEnergy',
  'epoch.robustAccuracy'
] as const

export async function runFinetune(
  config: FinetuneConfig,
  report: Reporter,
  data?: { train: Dataset; test: Dataset },
  options: FinetuneOptions = {}
): Promise<void> {
  const { m, k, theta, seed, target, trackLambda } = config
  const epochs = config.train.epochs
  const lambdas = lambdaValues(config.lambdas)
  // Work (for the time left): epochs, with the inputs and the first measurement counted as one
  // epoch and the last measurement as MEASUREMENT_EPOCHS.
  report.progress('measuring', 0, epochs, 0)
  // A second process gets ready while this one computes the inputs.
  options.elsewhere?.reserve()

  const { train, test } = data ? checkData(data, k) : syntheticData(config)
  const d = train.d
  // The panel's null is drawn in other threads while the models train (nullThreads.ts).
  const pending = startPanelNull({ seed, m, d, k }, options.nulls)
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  // Drawn like the key from their own stream, so no other draw changes; the same for both models.
  const directions = nullDirections(d, k, NULL_DIRECTIONS, stream(seed, 'null-directions'))
  const thetas: Record<Model, number> = { clean: 0, backdoored: theta }
  const fitTau =
    config.tauRule === 'median'
      ? medianThreshold
      : (scores: ArrayLike<number>) => fitThreshold(scores, train.y)

  report.metric({ model: 'data', name: 'n', value: train.n })
  report.metric({ model: 'data', name: 'nTest', value: test.n })
  report.metric({ model: 'data', name: 'd', value: d })
  report.metric({ model: 'run', name: 'trackLambda', value: trackLambda })
  report.metric({ model: 'run', name: 'meanInputNorm', value: meanRowNorm(test) })
  report.metric({ model: 'data', name: 'majorityRate', ...estimate(majorityRate(test.y)) })
  report.metric({ model: 'run', name: 'nullDirections', value: NULL_DIRECTIONS })

  const inputs = {} as Record<Model, FineTuneInput>
  for (const model of FINETUNE_MODELS) {
    const rows = backdooredRows(weights, s, thetas[model])
    const scores = rowScoreGrid(train.x, train.n, rows, m, d, s, [0])[0]
    const { tau, a } = calibrate(scores, fitTau)
    inputs[model] = {
      train,
      test,
      rows,
      m,
      s,
      tau0: tau,
      a0: a,
      training: config.train,
      batchSeed: seed,
      trackLambda,
      target,
      lambdas,
      nullDirections: directions
    }
  }

  const combiner = epochCombiner(report, epochs)
  const measured: Record<'before' | 'after', Partial<Record<Model, Measurement>>> = {
    before: {},
    after: {}
  }
  const handlers = (model: Model): ModelHandlers => ({
    onMeasure(when, measurement) {
      measured[when][model] = measurement
      if (when === 'before') combiner.add(model, withoutCurve(measurement))
      const both = measured[when]
      if (both.clean && both.backdoored) {
        reportMeasurement(report, when, both as Record<Model, Measurement>, config, lambdas)
      }
    },
    onEpoch: (record) => combiner.add(model, record)
  })
  // The two models are independent until they are compared: the clean one may train in another
  // process (options.elsewhere) while this one trains the backdoored model. This process starts
  // computing only once the other has its inputs.
  const remote = options.elsewhere
    ? await options.elsewhere.handOver(inputs.clean, handlers('clean'))
    : null
  await Promise.all(
    FINETUNE_MODELS.map((model) =>
      remote && model === 'clean' ? remote.trained : runModelHere(inputs[model], handlers(model))
    )
  )
  for (const model of FINETUNE_MODELS) {
    report.metric({
      model,
      name: 'weightDrift.after',
      value: measured.after[model]!.weightDrift
    })
  }
  report.progress('measuring', epochs, epochs, 1)
  await reportFinetunePanel(
    trackProgress(report, { step: epochs, total: epochs }),
    { seed, m, d, k, theta },
    measured,
    options.nulls,
    pending
  )
}

/** What a model's fine-tuning reports as it goes: measurements before and after, and epochs. */
export interface ModelHandlers {
  onMeasure(when: 'before' | 'after', measurement: Measurement): void
  onEpoch(record: EpochRecord): void
}

/** Fine-tunes one model somewhere (this process or another) and reports through `handlers`. */
export type ModelRunner = (input: FineTuneInput, handlers: ModelHandlers) => Promise<void>

/** A second process that may fine-tune one of the two models. */
export interface ModelElsewhere {
  /** Called first thing, so that the other process can get ready while the inputs are computed. */
  reserve(): void
  /**
   * Hands a model over. Resolves once the other process has its input, with `trained`, which
   * settles at the end of its training (its reports arrive through `handlers`), or with null
   * when no process could take it: then it trains here. (`trained` is wrapped: a promise
   * resolved with a promise would wait for the training.)
   */
  handOver(
    input: FineTuneInput,
    handlers: ModelHandlers
  ): Promise<{ trained: Promise<void> } | null>
}

export interface FinetuneOptions {
  /** Where the clean model may train: a second process. */
  elsewhere?: ModelElsewhere
  /** Cached Monte Carlo nulls for the Detectability panel. */
  nulls?: NullCache | null
}

/** Fine-tunes one model in this process, yielding between epochs so messages get through. */
export const runModelHere: ModelRunner = async (input, handlers) => {
  const tuner = createFineTuner(input)
  try {
    handlers.onMeasure('before', withDetection(tuner.measure(true), tuner.rows(), input))
    for (let e = 0; e < input.training.epochs; e++) {
      tuner.trainEpoch()
      handlers.onEpoch(tuner.measure())
      // Let IPC carry this epoch's records (and another process's) before the next epoch.
      await new Promise((resolve) => setImmediate(resolve))
    }
    handlers.onMeasure('after', withDetection(tuner.measure(true), tuner.rows(), input))
  } finally {
    tuner.dispose()
  }
}

function withoutCurve(measurement: Measurement): EpochRecord {
  const { curve: _curve, outcomes: _outcomes, ...record } = measurement
  return record
}

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

function reportMeasurement(
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

function syntheticData(config: FinetuneConfig): { train: Dataset; test: Dataset } {
  if (config.dataset.kind !== 'synthetic') {
    throw new Error(
      `dataset '${config.dataset.kind}' must be loaded by the caller and passed to runFinetune`
    )
  }
  const train = normTask(config.n, config.d, stream(config.seed, 'data/train'))
  const test = normTask(config.nTest, config.d, stream(config.seed, 'data/test'))
  if (config.dataset.labels === 'teacher') relabelWithTeacher([train, test], config)
  return { train, test }
}

function checkData(data: { train: Dataset; test: Dataset }, k: number) {
  const { train, test } = data
  for (const [name, set] of [
    ['train', train],
    ['test', test]
  ] as const) {
    if (set.n < 1) throw new Error(`the ${name} data must hold at least one row`)
    if (set.x.length !== set.n * set.d || set.y.length !== set.n) {
      throw new Error(`the ${name} data must hold n*d features and n labels`)
    }
  }
  if (test.d !== train.d) {
    throw new Error(
      `the test data must have d = ${train.d} columns like the training data (got ${test.d})`
    )
  }
  if (k > train.d) throw new Error(`k must be at most the data's d (got k=${k}, d=${train.d})`)
  return data
}

function meanRowNorm({ x, n, d }: Dataset): number {
  let total = 0
  for (let i = 0; i < n; i++) {
    let sq = 0
    for (let j = 0; j < d; j++) sq += x[i * d + j] ** 2
    total += Math.sqrt(sq)
  }
  return total / n
}

function estimate(i: Interval): {
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

export const finetuneRunner: KindRunner<FinetuneConfig> = {
  run: (config, report, { csv, elsewhere, nulls }) => {
    // Real data are split into training and held-out parts by the run's 'data/split' stream.
    const data =
      config.dataset.kind === 'synthetic'
        ? undefined
        : splitTrainTest(
            loadRealDataset(config.dataset, csv),
            config.testFraction,
            stream(config.seed, 'data/split')
          )
    return runFinetune(config, report, data, { elsewhere, nulls })
  }
}
