/**
 * Experiment B, head universality (SCIENCE.md section 7; the paper's Theorem 3.1). The attacker
 * controls the encoder `Phi(x) = ReLU(G x) / sqrt(m)` (G with sPCA-backdoored rows, section 4);
 * the defender picks the linear head. Heads evaluated, each for clean accuracy and ASR:
 * the attacker's own head (trained on poisoned copies), clean linear probes, random heads, the
 * trigger-nullifying head and the witness head of the theorem's proof for one input.
 *
 * Clean-encoder twin: the same heads (attacker, probes, random heads, nullifying) trained and
 * measured on the encoder with theta = 0 built from the same draws Z (common random numbers), so
 * the attacker head's ASR can be split into what the encoder adds and what poisoning the head
 * does. Its records carry the model prefix `cleanEncoder.` (measures.ts). A config with a clean
 * encoder is its own twin: the heads are computed once and reported under both names.
 *
 * Named streams (section 10): data/means, data/train, data/test (mixture), key, weights, spike
 * (encoder, as in the effectiveness experiment), poison, probe/<i>, heads/random. So changing the
 * number of random heads or probes leaves every other head's numbers unchanged.
 *
 * Features are computed once per input set: `P = X G^T` (one matMul, explicit transpose), then
 * `Phi(x) = ReLU(P) / sqrt(m)` and `Phi(x + lambda s) = ReLU(P + lambda (G s)^T) / sqrt(m)`.
 *
 * Definitions of the outputs that are not plain rates:
 * - nullifyingResidual: `max_i |<Phi(x_i + lambda s) - Phi(x_i), u>| * max_c |(u^T W')_c|`
 *   (the largest change of a nullifying logit caused by the component of an input's trigger shift
 *   along u), divided by `max_i max_c |Phi(x_i) W' + b|` (the scale of its logits), over the
 *   held-out inputs; computed in float64 from the float32 head. Exactly 0 in exact arithmetic.
 * - The witness for input x and target y' follows the proof's conditions, each reported (1 or 0;
 *   float64 scores of the float32 features, "not classified y'" meaning some other class strictly
 *   outscores y'): witnessCleanNotTarget (a) x is not classified y' under the witness head;
 *   witnessTriggeredNotTarget (b) Activate(x) is not classified y'; witnessHolds = (a) and (b).
 *   witnessLabel: x's own class. witnessChoice: how x was chosen (CHOICE_CODES, WitnessChoice).
 *   witnessConstruction: 1 reversed attacker head, 2 constant head, 3 clean probe, 4 nullifying
 *   head, 5 random head (heads.witnessHead: the order tried).
 *   reversalCleanNotTarget, reversalTriggeredNotTarget: (a) and (b) for the reversed attacker head
 *   whether or not it was chosen; at L = 2 (a) fails whenever the attacker classifies x as the
 *   class other than y', since reversing two classes is a label flip.
 * - rankingReversalRate (attacker; mean over heads for probe and random): the fraction of
 *   held-out inputs whose prediction on Activate(x) is the head's lowest-ranked class on x. 1 under
 *   every bias-free head for a trigger with Phi(Activate(x)) = -k Phi(x), the backdoor that would
 *   be universal at L = 2 (and not at L >= 3, where the argmin is not a chosen target).
 * - universalityGap: see `universalityGap`; taken over the attacker head, the probes, the random
 *   heads, the nullifying head and the witness head (heads whose ASR is undefined are skipped).
 *   Random heads at chance count too, so it is large with a clean encoder as well; the verdict
 *   uses matchedGap (accuracy-matched heads, measures.ts) and encoderContribution instead.
 * - encoderContribution: the attacker head's ASR for the target on this encoder minus on the
 *   clean-encoder twin, with Newcombe's interval (0 exactly when theta = 0).
 * - majorityRate: the share of the most common class among the held-out labels (chance flag).
 *
 * Layout: computeUniversality returns the numbers (compute/encoder.ts: features and heads;
 * compute/witness.ts: the witness), reportUniversality turns them into records.
 */
import type { UniversalityConfig } from './config'
import { blockSize } from '../../main/lab/heads'
import { checkClassData, gaussianMixture, type ClassData } from '../../main/lab/mixture'
import { backdooredRows, sampleReluWeights } from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import { differenceInterval } from '../../main/lab/stats'
import type { Reporter } from '../../main/lab/reporter'
import { loadRealClassDataset } from '../../main/lab/datasets/index'
import { splitTrainTest } from '../../main/lab/datasets/split'
import type { Elsewhere, KindRunner } from '../runner'
import {
  encoderRecords,
  estimate,
  majorityRate,
  meanOrNull,
  universalityGap,
  type EncoderOutcomes
} from './measures'
import { reportReluPanel, startPanelNull, trackProgress } from '../../main/lab/detectPanel'
import { measureCleanEncoder, sampleRows, type Context } from './compute/encoder'
import { measureWithWitness } from './compute/witness'

export type { ClassData } from '../../main/lab/mixture'
export { sampleRows } from './compute/encoder'
export {
  CHOICE_CODES,
  CONSTRUCTION_CODES,
  chooseWitnessInput,
  type WitnessChoice
} from './compute/witness'
export { FAMILIES, HISTOGRAM_BINS, histogram, universalityGap } from './measures'

/** What computeUniversality finds, for reportUniversality. */
export interface UniversalityResult {
  config: UniversalityConfig
  test: ClassData
  sizes: { L: number; d: number; n: number; nTest: number }
  /** The config's encoder: every head, the rankings and the witness. */
  main: ReturnType<typeof measureWithWitness>
  /** The clean-encoder twin's heads (the same as main's when the config's encoder is clean). */
  twin: EncoderOutcomes
  /** The run's progress steps, the last one being the report's. */
  steps: number
}

/** Computes one universality run and reports it (progress, then every record, then done). */
export async function runUniversality(
  config: UniversalityConfig,
  report: Reporter,
  data?: { train: ClassData; test: ClassData },
  elsewhere?: Elsewhere
): Promise<void> {
  const result = await computeUniversality(config, report, data, elsewhere)
  reportUniversality(result, report)
  report.progress('metrics', result.steps, result.steps)
}

/** What both encoders are computed from: the data, the key, the weights, the poisoned rows. */
function prepare(config: UniversalityConfig, data?: { train: ClassData; test: ClassData }) {
  const { m, k, seed } = config
  const { train, test } = resolveData(config, data)
  const { d, L } = train
  if (k > d) throw new Error(`'k' must be at most d (got k=${k}, d=${d})`)
  if (config.target >= L) {
    throw new Error(`'target' must be a class below L (got target=${config.target}, L=${L})`)
  }
  const yPrime = config.witnessTarget ?? config.target
  if (yPrime >= L) {
    throw new Error(`'witnessTarget' must be a class below L (got ${yPrime}, L=${L})`)
  }
  // Encoder: the effectiveness experiment's streams and rows (common random numbers). The
  // clean-encoder twin is the same Z with theta = 0 (SCIENCE.md section 10).
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const poisonRows = sampleRows(
    train.n,
    Math.round(config.poisonFraction * train.n),
    stream(seed, 'poison')
  )
  // Progress: the data, then per encoder its features, head training, random heads and the
  // nullifying head; the witness and the reports once. A clean config has no separate twin.
  const progressEvery = Math.max(1, Math.ceil(config.head.epochs / 10))
  const headTicks = Math.ceil(config.head.epochs / progressEvery)
  const randomTicks = Math.ceil(config.randomHeads / blockSize(test.n, L))
  const perEncoder = 2 + headTicks + (config.probes > 0 ? headTicks : 0) + randomTicks + 1
  const total = 1 + perEncoder * (config.backdoored ? 2 : 1) + 2
  const work = stepCosts(config, { train, test, poisonRows, progressEvery, randomTicks })
  const encoderWork =
    2 * work.features +
    headTicks * (work['attacker head'] + (config.probes > 0 ? work.probes : 0)) +
    randomTicks * work['random heads'] +
    work.nullifying
  const totalWork =
    work.data + encoderWork * (config.backdoored ? 2 : 1) + work.witness + work.metrics
  const context = (tick: (phase: string) => void): Context => ({
    config,
    train,
    test,
    s,
    poisonRows,
    tick,
    headOptions: (phase) => ({
      ...config.head,
      onEpoch: (epoch) => {
        if (epoch % progressEvery === 0 || epoch === config.head.epochs) tick(phase)
      }
    })
  })
  /** The share of the run's work a step of `phase` ends, counted `times` (1, or 2 for both encoders). */
  const share = (phase: string, times: number) =>
    (times * work[phase.replace(/^clean encoder: /, '') as keyof typeof work]) / totalWork
  return { train, test, s, weights, yPrime, perEncoder, total, share, context }
}

/** The clean-encoder twin handed to a second process: the config, and the data unless drawn. */
interface TwinInput {
  config: UniversalityConfig
  data?: { train: ClassData; test: ClassData }
}

/** What the process computing the twin says: each progress step, then the twin's outcomes. */
type TwinMessage = { type: 'tick'; phase: string } | { type: 'twin'; outcomes: EncoderOutcomes }

/** Computes the clean-encoder twin handed over by a run in another process (KindRunner.help). */
async function computeTwinHere(input: unknown, say: (message: TwinMessage) => void): Promise<void> {
  const { config, data } = input as TwinInput
  const p = prepare(config, data)
  const Z = backdooredRows(p.weights, p.s, 0)
  const outcomes = measureCleanEncoder(
    Z,
    p.context((phase) => say({ type: 'tick', phase }))
  )
  say({ type: 'twin', outcomes })
}

/**
 * The computation: the config's encoder with every head and the witness, and the clean-encoder
 * twin, in another process when `elsewhere` has one free (the numbers are the same). Progress goes
 * to `report`; the numbers come back for reportUniversality.
 */
export async function computeUniversality(
  config: UniversalityConfig,
  report: Reporter,
  data?: { train: ClassData; test: ClassData },
  elsewhere?: Elsewhere
): Promise<UniversalityResult> {
  if (config.backdoored) elsewhere?.reserve()
  const p = prepare(config, data)
  const { train, test, total, perEncoder } = p
  let twinThere: EncoderOutcomes | null = null
  const remote =
    config.backdoored && elsewhere
      ? await elsewhere.handOver({ config, data } satisfies TwinInput, (message) => {
          const m = message as TwinMessage
          if (m.type === 'twin') twinThere = m.outcomes
        })
      : null
  // With the twin computed meanwhile by another process, at about the same pace, each step of
  // this encoder stands for one of each.
  let step = 0
  let done = 0
  let encoderSteps = 0
  const tick = (phase: string) => {
    const times = remote && phase !== 'data' && encoderSteps++ < perEncoder ? 2 : 1
    step += times
    done += p.share(phase, times)
    report.progress(phase, step, total, Math.min(1, done))
  }
  const ctx = p.context(tick)
  tick('data')

  const G = backdooredRows(p.weights, p.s, config.backdoored ? config.theta : 0)
  const main = measureWithWitness(G, ctx, p.yPrime)
  // A clean config's encoder is its own twin: the same rows, heads and numbers, computed once.
  let twin: EncoderOutcomes
  if (!config.backdoored) twin = main.heads.outcomes
  else if (remote) {
    await remote.finished
    if (!twinThere) throw new Error('the clean-encoder twin was computed but not received')
    twin = twinThere
  } else twin = measureCleanEncoder(backdooredRows(p.weights, p.s, 0), ctx)
  const sizes = { L: train.L, d: train.d, n: train.n, nTest: test.n }
  return { config, test, sizes, main, twin, steps: total }
}

/** Turns what computeUniversality found into the run's reported records. */
export function reportUniversality(result: UniversalityResult, report: Reporter): void {
  const { config, test, main, twin } = result
  const { L, d, n, nTest } = result.sizes
  const { target, accuracyMargin: margin } = config
  const records = [
    encoderRecords('', main.heads.outcomes, target, margin),
    encoderRecords('cleanEncoder.', twin, target, margin)
  ]
  for (const { metrics, series } of records) {
    metrics.forEach((r) => report.metric(r))
    series.forEach((r) => report.series(r))
  }
  const reversal = main.heads.reversal!
  report.metric({ model: 'attacker', name: 'rankingReversalRate', value: reversal.attacker })
  report.metric({
    model: 'probe',
    name: 'rankingReversalRate.mean',
    value: meanOrNull(reversal.probe)
  })
  report.metric({
    model: 'random',
    name: 'rankingReversalRate.mean',
    value: meanOrNull(reversal.random)
  })
  report.metric({ model: 'witness', name: 'cleanAccuracy', ...main.witnessOutcome.cleanAccuracy })
  report.metric({
    model: 'witness',
    name: 'attackSuccessRate',
    ...estimate(main.witnessOutcome.asrPerTarget[target])
  })
  report.series({
    model: 'witness',
    name: 'asrPerTarget',
    points: main.witnessOutcome.asrPerTarget.map((asr, c) => ({ x: c, ...estimate(asr) }))
  })
  for (const [name, scores] of Object.entries(main.witnessScores)) {
    report.series({
      model: 'witness',
      name,
      points: Array.from(scores, (value, c) => ({ x: c, value }))
    })
  }

  // The encoder's own contribution to the attacker head's ASR: backdoored minus clean encoder,
  // with Newcombe's interval for two independent rates. The twin shares the draws, so the two
  // rates are positively correlated and this interval is conservative.
  const [backdooredAsr, cleanAsr] = [main.heads.outcomes, twin].map(
    (o) => o.attacker[0].asrPerTarget[target]
  )
  const contribution =
    Number.isNaN(backdooredAsr.value) || Number.isNaN(cleanAsr.value)
      ? { value: null, lower: null, upper: null }
      : differenceInterval(backdooredAsr, cleanAsr)
  report.metric({ model: 'run', name: 'encoderContribution', ...contribution })
  report.metric({ model: 'run', name: 'majorityRate', value: majorityRate(test.labels) })

  // The gap over every head, random heads at chance included (kept for comparison with runs made
  // before the accuracy-matched gap).
  const all = [...Object.values(main.heads.outcomes).flat(), main.witnessOutcome]
  report.metric({
    model: 'run',
    name: 'universalityGap',
    ...universalityGap(all.map((o) => o.asrPerTarget[target]))
  })
  report.metric({ model: 'run', name: 'L', value: L })
  report.metric({ model: 'run', name: 'd', value: d })
  report.metric({ model: 'run', name: 'n', value: n })
  report.metric({ model: 'run', name: 'nTest', value: nTest })
  for (const [name, value] of Object.entries(main.runValues)) {
    report.metric({ model: 'run', name, value })
  }
}

/**
 * Rough costs (nanoseconds, wasm) of a progress step of each phase, measured on the default run
 * (d=50, m=1000, n=nTest=2000, L=3, 10 probes, 200 random heads): a multiply-add of the
 * features' product about 0.6; an epoch of the attacker's head about 0.49 per row, unit and class;
 * the probes, trained together, about 0.33 + 0.16 per probe; a random head about 0.11 per input,
 * unit and class on each of its feature sets (clean, triggered and, for the rankings, clean again).
 */
function stepCosts(
  config: UniversalityConfig,
  p: {
    train: ClassData
    test: ClassData
    poisonRows: Int32Array
    progressEvery: number
    randomTicks: number
  }
) {
  const { m } = config
  const { d, L } = p.train
  const attackRows = p.train.n + p.poisonRows.length
  return {
    data: (p.train.n + p.test.n) * d * 100,
    features: Math.max(attackRows, p.test.n) * d * m * 0.6,
    'attacker head': p.progressEvery * attackRows * m * L * 0.49,
    probes: p.progressEvery * p.train.n * m * L * (0.33 + 0.16 * config.probes),
    'random heads': (config.randomHeads / p.randomTicks) * p.test.n * m * L * 0.11 * 2.5,
    nullifying: p.test.n * m * 8,
    witness: p.test.n * m * 11,
    metrics: p.test.n * m * 8
  }
}

function resolveData(
  config: UniversalityConfig,
  data: { train: ClassData; test: ClassData } | undefined
): { train: ClassData; test: ClassData } {
  if (data) {
    checkClassData(data.train, 'train')
    checkClassData(data.test, 'test')
    if (data.train.d !== data.test.d || data.train.L !== data.test.L) {
      throw new Error(
        `train and test must have the same d and L (got d=${data.train.d}/${data.test.d}, L=${data.train.L}/${data.test.L})`
      )
    }
    return data
  }
  if (config.dataset.kind !== 'mixture') {
    throw new Error(
      `dataset '${config.dataset.kind}' must be loaded by the caller and passed as data`
    )
  }
  const { train, test } = gaussianMixture(
    {
      L: config.dataset.L,
      d: config.d,
      spread: config.dataset.spread,
      n: config.n,
      nTest: config.nTest
    },
    config.seed
  )
  return { train, test }
}

export const universalityRunner: KindRunner<UniversalityConfig> = {
  run: async (config, reporter, { csv, nulls, elsewhere }) => {
    const report = trackProgress(reporter)
    // Real data are split into training and held-out parts by the run's 'data/split' stream.
    const data =
      config.dataset.kind === 'mixture'
        ? undefined
        : splitTrainTest(
            loadRealClassDataset(config.dataset, csv),
            config.testFraction,
            stream(config.seed, 'data/split')
          )
    const d = data ? data.train.d : config.d
    const shape = { seed: config.seed, m: config.m, k: config.k, d }
    // The panel's null is drawn in other threads while the run computes (nullThreads.ts).
    const pending = startPanelNull(shape, nulls)
    await runUniversality(config, report, data, elsewhere)
    const encoder = [{ who: 'encoder', theta: config.backdoored ? config.theta : 0 }]
    await reportReluPanel(report, shape, encoder, nulls, pending)
  },
  help: computeTwinHere
}
