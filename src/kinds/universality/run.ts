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
 */
import * as tf from '@tensorflow/tfjs-core'
import type { UniversalityConfig } from './config'
import {
  beatenBySomeOtherClass,
  blockSize,
  column,
  MAX_BLOCK_FLOATS,
  headOutcome,
  headScores,
  logitChangeAlong,
  rankingReversalRate,
  witnessConditions,
  witnessHolds as holds,
  nullifyHead,
  predictBlock,
  predictHeads,
  randomHeadBlock,
  witnessHead,
  type Head,
  type HeadOutcome,
  type WitnessConstruction
} from '../../main/lab/heads'
import { checkClassData, gaussianMixture, type ClassData } from '../../main/lab/mixture'
import { backdooredRows, sampleReluWeights } from '../../main/lab/relu'
import { stream, type Rng } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import {
  sampleWeights,
  trainSoftmax,
  trainSoftmaxHeads,
  type SoftmaxOptions
} from '../../main/lab/softmax'
import { differenceInterval } from '../../main/lab/stats'
import type { Reporter } from '../../main/lab/reporter'
import { loadRealClassDataset } from '../../main/lab/datasets/index'
import { splitTrainTest } from '../../main/lab/datasets/split'
import type { KindRunner } from '../runner'
import {
  encoderRecords,
  estimate,
  majorityRate,
  meanOrNull,
  universalityGap,
  type EncoderOutcomes
} from './measures'
import { reportReluPanel, trackProgress } from '../../main/lab/detectPanel'

export type { ClassData } from '../../main/lab/mixture'

/** witnessConstruction as reported (a metric is a number). */
export const CONSTRUCTION_CODES: Record<WitnessConstruction, number> = {
  'reversed attacker head': 1,
  'constant head': 2,
  'clean probe': 3,
  'nullifying head': 4,
  'random head': 5
}

/**
 * How the witness input was chosen: by the user (an explicit witnessIndex), or automatically as
 * the first held-out input, in held-out order, that passes the first of these rules it can:
 * the attacker's head does not classify x as y' but does classify Activate(x) as y' (the backdoor
 * works on x, so defeating it means something); else x is not classified y'; else input 0.
 */
export type WitnessChoice =
  'chosen by you' | 'first input the backdoor flips' | 'first input not classified y′' | 'input 0'

/** witnessChoice as reported (a metric is a number). */
export const CHOICE_CODES: Record<WitnessChoice, number> = {
  'chosen by you': 1,
  'first input the backdoor flips': 2,
  'first input not classified y′': 3,
  'input 0': 4
}

export { FAMILIES, HISTOGRAM_BINS, histogram, universalityGap } from './measures'

/** What both encoders share: the data, the poisoned rows, the head training and progress. */
interface Context {
  config: UniversalityConfig
  train: ClassData
  test: ClassData
  s: Float32Array
  poisonRows: Int32Array
  tick: (phase: string) => void
  headOptions: (phase: string) => SoftmaxOptions
}

/** The encoder's features of every input set; the caller disposes them. */
interface Features {
  phiTrain: tf.Tensor2D
  /** Phi(x + lambda s) of the poisoned training rows; undefined without poison. */
  phiPoison: tf.Tensor2D | undefined
  phiTest: tf.Tensor2D
  phiTrig: tf.Tensor2D
}

/** A head family's outcomes on one encoder, the heads themselves and the nullifying projection. */
interface HeadsOnEncoder {
  attacker: Head
  probes: Head[]
  nullified: ReturnType<typeof nullifyHead>
  outcomes: EncoderOutcomes
  /** rankingReversalRate of the attacker, each probe and each random head, when asked for. */
  reversal: { attacker: number; probe: number[]; random: number[] } | null
}

export async function runUniversality(
  config: UniversalityConfig,
  report: Reporter,
  data?: { train: ClassData; test: ClassData }
): Promise<void> {
  const { m, k, seed } = config
  const { train, test } = resolveData(config, data)
  const { d, L } = train
  const n = train.n
  const nTest = test.n
  if (k > d) throw new Error(`'k' must be at most d (got k=${k}, d=${d})`)
  if (config.target >= L) {
    throw new Error(`'target' must be a class below L (got target=${config.target}, L=${L})`)
  }
  const yPrime = config.witnessTarget ?? config.target
  if (yPrime >= L) {
    throw new Error(`'witnessTarget' must be a class below L (got ${yPrime}, L=${L})`)
  }

  // Progress: the data, then per encoder its features, head training, random heads and the
  // nullifying head; the witness and the reports once. A clean config has no separate twin.
  const progressEvery = Math.max(1, Math.ceil(config.head.epochs / 10))
  const headTicks = Math.ceil(config.head.epochs / progressEvery)
  const randomTicks = Math.ceil(config.randomHeads / blockSize(nTest, L))
  const perEncoder = 2 + headTicks + (config.probes > 0 ? headTicks : 0) + randomTicks + 1
  const total = 1 + perEncoder * (config.backdoored ? 2 : 1) + 2
  let step = 0
  const tick = (phase: string) => report.progress(phase, ++step, total)
  const headOptions = (phase: string): SoftmaxOptions => ({
    ...config.head,
    onEpoch: (epoch) => {
      if (epoch % progressEvery === 0 || epoch === config.head.epochs) tick(phase)
    }
  })

  // Encoder: the effectiveness experiment's streams and rows (common random numbers). The
  // clean-encoder twin is the same Z with theta = 0 (SCIENCE.md section 10).
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const poisonRows = sampleRows(n, Math.round(config.poisonFraction * n), stream(seed, 'poison'))
  const ctx: Context = { config, train, test, s, poisonRows, tick, headOptions }
  tick('data')

  const G = backdooredRows(weights, s, config.backdoored ? config.theta : 0)
  const main = measureWithWitness(G, ctx, yPrime)
  // A clean config's encoder is its own twin: the same rows, heads and numbers, computed once.
  const twin = config.backdoored
    ? measureCleanEncoder(backdooredRows(weights, s, 0), ctx)
    : main.heads.outcomes

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
  tick('metrics')
}

/**
 * Phi(x) of the training and held-out sets from one product X G^T each, and
 * Phi(x + lambda s) = ReLU(X G^T + lambda (G s)^T) / sqrt(m) of the poisoned rows and held-out set.
 */
function encode(G: Float32Array, ctx: Context, phase: string): Features {
  const { config, train, test, s, poisonRows } = ctx
  const { m, lambda } = config
  const { d } = train
  const gs = new Float32Array(m) // <g_i, s>: the trigger's shift of every pre-activation
  for (let i = 0; i < m; i++) {
    let dot = 0
    for (let j = 0; j < d; j++) dot += G[i * d + j] * s[j]
    gs[i] = dot
  }
  const scale = 1 / Math.sqrt(m)
  const [Gt, shift] = tf.tidy(() => [tf.transpose(tf.tensor2d(G, [m, d])), tf.tensor2d(gs, [1, m])])
  try {
    const [phiTrain, phiPoison] = tf.tidy(() => {
      const P = tf.matMul(tf.tensor2d(train.x, [train.n, d]), Gt)
      const clean = tf.mul(tf.relu(P), scale) as tf.Tensor2D
      if (poisonRows.length === 0) return [clean]
      const rows = tf.gather(P, tf.tensor1d(poisonRows, 'int32'))
      return [clean, tf.mul(tf.relu(tf.add(rows, tf.mul(shift, lambda))), scale) as tf.Tensor2D]
    }) as [tf.Tensor2D, tf.Tensor2D | undefined]
    ctx.tick(phase)
    const [phiTest, phiTrig] = tf.tidy(() => {
      const P = tf.matMul(tf.tensor2d(test.x, [test.n, d]), Gt)
      return [
        tf.mul(tf.relu(P), scale) as tf.Tensor2D,
        tf.mul(tf.relu(tf.add(P, tf.mul(shift, lambda))), scale) as tf.Tensor2D
      ]
    })
    ctx.tick(phase)
    return { phiTrain, phiPoison, phiTest, phiTrig }
  } finally {
    tf.dispose([Gt, shift])
  }
}

/**
 * 1. The attacker head: the clean training set plus poisoned copies (x + lambda s, target).
 * 2. Clean linear probes, each on its own subsample (stream probe/<i>), trained together.
 * Consumes the poisoned features.
 */
function trainHeads(f: Features, ctx: Context, phase = ''): { attacker: Head; probes: Head[] } {
  const { config, train } = ctx
  const { n, L } = train
  const labels = new Int32Array(n + ctx.poisonRows.length)
  labels.set(train.labels)
  labels.fill(config.target, n)
  const features = f.phiPoison === undefined ? f.phiTrain : tf.concat([f.phiTrain, f.phiPoison], 0)
  let attacker: Head
  try {
    const fit = trainSoftmax(features, labels, L, ctx.headOptions(`${phase}attacker head`))
    attacker = { W: fit.W, b: fit.b }
  } finally {
    if (features !== f.phiTrain) features.dispose()
    f.phiPoison?.dispose()
    f.phiPoison = undefined
  }
  const probeSize = Math.max(1, Math.round(config.probeFraction * n))
  const probes: Head[] =
    config.probes === 0
      ? []
      : trainSoftmaxHeads(
          f.phiTrain,
          train.labels,
          L,
          Array.from({ length: config.probes }, (_, i) =>
            sampleWeights(n, sampleRows(n, probeSize, stream(config.seed, `probe/${i}`)))
          ),
          ctx.headOptions(`${phase}probes`)
        ).map((fit) => ({ W: fit.W, b: fit.b }))
  return { attacker, probes }
}

/**
 * Every head's clean accuracy and ASR per target on the held-out set: the trained heads, the
 * random heads (W i.i.d. N(0, 1), b = 0, stream heads/random, in blocks: one matMul per block and
 * set; `visitRandom` sees each) and the trigger-nullifying head (the attacker's W with the mean
 * trigger shift projected out). Each family is evaluated in its own blocks, so no head's numbers
 * depend on how many heads another family has.
 */
function evaluateHeads(
  f: Features,
  trained: { attacker: Head; probes: Head[] },
  ctx: Context,
  options: { phase?: string; rankings: boolean; visitRandom?: (head: () => Head) => void }
): HeadsOnEncoder {
  const { config, test } = ctx
  const { m } = config
  const { L } = test
  const phase = options.phase ?? ''
  const evalSets = [f.phiTest, f.phiTrig]
  const outcomes = (heads: Head[]) => {
    const [clean, triggered] = predictHeads(evalSets, heads, L)
    return heads.map((_, h) => headOutcome(clean[h], triggered[h], test.labels, L))
  }
  /** rankingReversalRate of each head (see the header). */
  const reversalRates = (heads: Head[]) => {
    const [[lowest], [, triggered]] = [
      predictHeads([f.phiTest], heads, L, undefined, 'lowest'),
      predictHeads(evalSets, heads, L)
    ]
    return heads.map((_, h) => rankingReversalRate(lowest[h], triggered[h]))
  }
  const { attacker, probes } = trained
  const attackerOutcome = outcomes([attacker])
  const probeOutcomes = outcomes(probes)

  const randomOutcomes: HeadOutcome[] = []
  const randomReversal: number[] = []
  const randomRng = stream(config.seed, 'heads/random')
  const chunk = blockSize(test.n, L)
  for (let start = 0; start < config.randomHeads; start += chunk) {
    const count = Math.min(chunk, config.randomHeads - start)
    const block = randomHeadBlock(m, L, count, randomRng)
    const [clean, triggered] = predictBlock(evalSets, block, null, count, L)
    const [lowest] = options.rankings
      ? predictBlock([f.phiTest], block, null, count, L, 'lowest')
      : [null]
    for (let h = 0; h < count; h++) {
      const triggeredH = column(triggered, count, h)
      randomOutcomes.push(headOutcome(column(clean, count, h), triggeredH, test.labels, L))
      if (lowest) randomReversal.push(rankingReversalRate(column(lowest, count, h), triggeredH))
      options.visitRandom?.(() => headOfBlock(block, count, h, m, L))
    }
    ctx.tick(`${phase}random heads`)
  }

  const deltaT = tf.tidy(() => tf.mean(tf.sub(f.phiTrig, f.phiTest), 0))
  const delta = Float64Array.from(deltaT.dataSync())
  deltaT.dispose()
  const nullified = nullifyHead(attacker, delta, L)
  const nullifyingOutcome = outcomes([nullified.head])
  ctx.tick(`${phase}nullifying`)
  return {
    attacker,
    probes,
    nullified,
    outcomes: {
      attacker: attackerOutcome,
      probe: probeOutcomes,
      random: randomOutcomes,
      nullifying: nullifyingOutcome
    },
    reversal: options.rankings
      ? {
          attacker: reversalRates([attacker])[0],
          probe: reversalRates(probes),
          random: randomReversal
        }
      : null
  }
}

/** The clean-encoder twin: the same heads trained and measured on G = Z (theta = 0). */
function measureCleanEncoder(Z: Float32Array, ctx: Context): EncoderOutcomes {
  const phase = 'clean encoder: '
  const f = encode(Z, ctx, `${phase}features`)
  try {
    return evaluateHeads(f, trainHeads(f, ctx, phase), ctx, { phase, rankings: false }).outcomes
  } finally {
    tf.dispose([f.phiTrain, f.phiPoison, f.phiTest, f.phiTrig].filter((t) => t !== undefined))
  }
}

/**
 * The encoder of the config with every head, the rankings, the nullifying residual and the
 * witness head for one held-out input and target y' (see the header).
 */
function measureWithWitness(G: Float32Array, ctx: Context, yPrime: number) {
  const { config, test } = ctx
  const { m } = config
  const { L } = test
  const nTest = test.n
  const f = encode(G, ctx, 'features')
  try {
    const trained = trainHeads(f, ctx)
    const { attacker } = trained

    // The witness input x (chosen by the user, or the first meaningful one): its features and
    // those of Activate(x).
    const { index: witnessIndex, choice: witnessChoice } =
      config.witnessIndex === undefined
        ? chooseWitnessInput(attacker, f.phiTest, f.phiTrig, yPrime, L)
        : { index: config.witnessIndex % nTest, choice: 'chosen by you' as const }
    const [xRow, xTrigRow] = [f.phiTest, f.phiTrig].map((phi) => {
      const row = tf.slice(phi, [witnessIndex, 0], [1, m])
      const values = Float32Array.from(row.dataSync())
      row.dispose()
      return values
    })

    // The first random head that is a witness for x is kept as a candidate (see witnessHead).
    let randomWitness: Head | null = null
    const heads = evaluateHeads(f, trained, ctx, {
      rankings: true,
      visitRandom: (head) => {
        if (randomWitness !== null) return
        const candidate = head()
        if (holds(witnessConditions(candidate, xRow, xTrigRow, yPrime, L))) {
          randomWitness = candidate
        }
      }
    })
    const { nullified, probes } = heads
    const nullifying = nullified.head
    const probeOutcomes = heads.outcomes.probe

    // Witness head for one held-out input and target y': accurate heads first (probes by
    // clean accuracy, then the nullifying head), then the proof's constructions (witnessHead).
    const candidates: { construction: WitnessConstruction; head: Head }[] = [
      ...probes
        .map((head, i) => ({ head, accuracy: probeOutcomes[i].cleanAccuracy.value }))
        .sort((a, b) => b.accuracy - a.accuracy)
        .map(({ head }) => ({ construction: 'clean probe' as const, head })),
      { construction: 'nullifying head', head: nullifying },
      ...(randomWitness ? [{ construction: 'random head' as const, head: randomWitness }] : [])
    ]
    const witness = witnessHead(attacker, xRow, xTrigRow, yPrime, L, candidates)
    const witnessScores = {
      'scores.attacker.clean': headScores(attacker, xRow, L),
      'scores.attacker.triggered': headScores(attacker, xTrigRow, L),
      'scores.witness.clean': headScores(witness.head, xRow, L),
      'scores.witness.triggered': headScores(witness.head, xTrigRow, L)
    }
    // Computed from the reported scores, not from the construction: (a) some class other than y'
    // strictly outscores y' on x, (b) and on Activate(x), under the witness head.
    const witnessClean = beatenBySomeOtherClass(witnessScores['scores.witness.clean'], yPrime)
    const witnessTriggered = beatenBySomeOtherClass(
      witnessScores['scores.witness.triggered'],
      yPrime
    )
    const [witnessPredictions] = [predictHeads([f.phiTest, f.phiTrig], [witness.head], L)]
    const witnessOutcome = headOutcome(
      witnessPredictions[0][0],
      witnessPredictions[1][0],
      test.labels,
      L
    )
    ctx.tick('witness')

    // The nullifying head's logit change along u, relative to the scale of its logits:
    // <Phi(x + lambda s) - Phi(x), u> for every held-out input, times max_c |(u^T W')_c|.
    const alongT = tf.tidy(() =>
      tf.max(
        tf.abs(
          tf.matMul(
            tf.sub(f.phiTrig, f.phiTest),
            tf.tensor2d(Float32Array.from(nullified.u), [m, 1])
          )
        )
      )
    )
    const maxAlong = alongT.dataSync()[0]
    alongT.dispose()
    const perUnit = logitChangeAlong(nullifying, nullified.u, L)
    const maxChange = maxAlong * Math.max(...Array.from(perUnit, Math.abs))
    const logitScale = maxAbsLogit(f.phiTest, nullifying, L)

    const flag = (b: boolean) => (b ? 1 : 0)
    const runValues = {
      witnessHolds: flag(witnessClean && witnessTriggered),
      witnessCleanNotTarget: flag(witnessClean),
      witnessTriggeredNotTarget: flag(witnessTriggered),
      reversalCleanNotTarget: flag(witness.reversal.cleanNotTarget),
      reversalTriggeredNotTarget: flag(witness.reversal.triggeredNotTarget),
      witnessIndex,
      witnessChoice: CHOICE_CODES[witnessChoice],
      // x's own class: when it is y', no accurate head can meet (a), and the attack is moot on x.
      witnessLabel: test.labels[witnessIndex],
      witnessTarget: yPrime,
      witnessConstruction: CONSTRUCTION_CODES[witness.construction],
      nullifyingResidual: logitScale === 0 ? 0 : maxChange / logitScale,
      triggerShiftNorm: nullified.norm
    }
    return { heads, witnessOutcome, witnessScores, runValues }
  } finally {
    tf.dispose([f.phiTrain, f.phiPoison, f.phiTest, f.phiTrig].filter((t) => t !== undefined))
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

/** `count` distinct rows of 0..n-1 in random order (partial Fisher-Yates). */
export function sampleRows(n: number, count: number, rng: Rng): Int32Array {
  if (count > n) throw new Error(`cannot choose ${count} rows out of ${n}`)
  const order = Int32Array.from({ length: n }, (_, i) => i)
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  return order.slice(0, count)
}

/**
 * The automatic witness input (see WitnessChoice), judged from the attacker's float64 scores as
 * the witness panel shows them ("not classified y'": some other class strictly outscores y').
 * Rows are read in blocks, so the scan stops early without copying every feature row at once.
 */
export function chooseWitnessInput(
  attacker: Head,
  phiTest: tf.Tensor2D,
  phiTrig: tf.Tensor2D,
  yPrime: number,
  L: number
): { index: number; choice: Exclude<WitnessChoice, 'chosen by you'> } {
  const [nTest, m] = phiTest.shape
  const rowsPerBlock = Math.max(1, Math.floor(MAX_BLOCK_FLOATS / 2 / m))
  let firstNotTarget: number | null = null
  for (let start = 0; start < nTest; start += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, nTest - start)
    const [clean, triggered] = [phiTest, phiTrig].map((phi) => {
      const block = tf.slice(phi, [start, 0], [rows, m])
      const values = block.dataSync() as Float32Array
      block.dispose()
      return values
    })
    for (let r = 0; r < rows; r++) {
      const x = headScores(attacker, clean.subarray(r * m, (r + 1) * m), L)
      if (!beatenBySomeOtherClass(x, yPrime)) continue
      const activated = headScores(attacker, triggered.subarray(r * m, (r + 1) * m), L)
      if (!beatenBySomeOtherClass(activated, yPrime)) {
        return { index: start + r, choice: 'first input the backdoor flips' }
      }
      firstNotTarget ??= start + r
    }
  }
  return firstNotTarget === null
    ? { index: 0, choice: 'input 0' }
    : { index: firstNotTarget, choice: 'first input not classified y′' }
}

/** Head h of a random-head block (m x count*L, no bias) as a head of its own. */
function headOfBlock(block: Float32Array, count: number, h: number, m: number, L: number): Head {
  const W = new Float32Array(m * L)
  for (let j = 0; j < m; j++)
    for (let c = 0; c < L; c++) W[j * L + c] = block[j * count * L + h * L + c]
  return { W, b: new Float32Array(L) }
}

function maxAbsLogit(phi: tf.Tensor2D, head: Head, L: number): number {
  const t = tf.tidy(() =>
    tf.max(
      tf.abs(tf.add(tf.matMul(phi, tf.tensor2d(head.W, [phi.shape[1], L])), tf.tensor1d(head.b)))
    )
  )
  const value = t.dataSync()[0]
  t.dispose()
  return value
}

export const universalityRunner: KindRunner<UniversalityConfig> = {
  run: async (config, reporter, { csv, nulls }) => {
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
    await runUniversality(config, report, data)
    const d = data ? data.train.d : config.d
    const encoder = [{ who: 'encoder', theta: config.backdoored ? config.theta : 0 }]
    reportReluPanel(report, { seed: config.seed, m: config.m, k: config.k, d }, encoder, nulls)
  }
}
