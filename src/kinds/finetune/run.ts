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
import { backdooredRows, rowScoreGrid, sampleReluWeights } from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import { NULL_DIRECTIONS, nullDirections } from '../../main/lab/spike'
import { fitThreshold, majorityRate, medianThreshold } from '../../main/lab/stats'
import { relabelWithTeacher } from '../../main/lab/teacher'
import type { Reporter } from '../../main/lab/reporter'
import { loadRealDataset } from '../../main/lab/datasets/index'
import { splitTrainTest } from '../../main/lab/datasets/split'
import type { Elsewhere, KindRunner } from '../runner'
import {
  reportFinetunePanel,
  startPanelNull,
  trackProgress,
  withDetection
} from '../../main/lab/detectPanel'
import type { NullCache } from '../../main/lab/nullCache'
import {
  epochCombiner,
  estimate,
  FINETUNE_MODELS,
  reportMeasurement,
  type Model
} from './compute/report'

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
  // epoch and the last measurement as MEASUREMENT_EPOCHS (compute/report.ts).
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
    ? await options.elsewhere.handOver(inputs.clean, hear(handlers('clean')))
    : null
  await Promise.all(
    FINETUNE_MODELS.map((model) =>
      remote && model === 'clean' ? remote.finished : runModelHere(inputs[model], handlers(model))
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

/** What the process training the clean model for another says (KindRunner.help). */
type HelperMessage =
  | { type: 'measure'; when: 'before' | 'after'; measurement: Measurement }
  | { type: 'epoch'; record: EpochRecord }

/** Trains a model handed over by a run in another process, saying what it measures. */
function trainHandedOver(input: unknown, say: (message: HelperMessage) => void): Promise<void> {
  return runModelHere(input as FineTuneInput, {
    onMeasure: (when, measurement) => say({ type: 'measure', when, measurement }),
    onEpoch: (record) => say({ type: 'epoch', record })
  })
}

function hear(handlers: ModelHandlers): (message: unknown) => void {
  return (message) => {
    const m = message as HelperMessage
    if (m.type === 'measure') handlers.onMeasure(m.when, m.measurement)
    else handlers.onEpoch(m.record)
  }
}

export interface FinetuneOptions {
  /** Where the clean model may train: a second process. */
  elsewhere?: Elsewhere
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
  },
  help: trainHandedOver
}
