/**
 * Experiment B, head universality (SCIENCE.md section 7; the paper's Theorem 3.1). The attacker
 * controls the encoder `Phi(x) = ReLU(G x) / sqrt(m)` (G with sPCA-backdoored rows, section 4);
 * the defender picks the linear head. Heads evaluated, each for clean accuracy and ASR:
 * the attacker's own head (trained on poisoned copies), clean linear probes, random heads, the
 * trigger-nullifying head and the witness head of the theorem's proof for one input.
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
import type { Interval } from '../../main/lab/stats'
import type { Reporter } from '../../main/lab/reporter'
import { loadRealClassDataset } from '../../main/lab/datasets/index'
import { splitTrainTest } from '../../main/lab/datasets/split'
import type { KindRunner } from '../runner'
import { reportReluPanel, trackProgress } from '../../main/lab/detectPanel'
import { finiteOrNull } from '../../shared/results'

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

/** Head families in the scatter, in reporting order. */
export const FAMILIES = ['attacker', 'probe', 'random', 'nullifying'] as const
export const HISTOGRAM_BINS = 20

export async function runUniversality(
  config: UniversalityConfig,
  report: Reporter,
  data?: { train: ClassData; test: ClassData }
): Promise<void> {
  const { m, k, lambda, seed } = config
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

  const progressEvery = Math.max(1, Math.ceil(config.head.epochs / 10))
  const headTicks = Math.ceil(config.head.epochs / progressEvery)
  const randomChunk = blockSize(nTest, L)
  const randomTicks = Math.ceil(config.randomHeads / randomChunk)
  const total = 1 + 2 + headTicks + (config.probes > 0 ? headTicks : 0) + randomTicks + 3
  let step = 0
  const tick = (phase: string) => report.progress(phase, ++step, total)
  const headOptions = (phase: string): SoftmaxOptions => ({
    ...config.head,
    onEpoch: (epoch) => {
      if (epoch % progressEvery === 0 || epoch === config.head.epochs) tick(phase)
    }
  })

  // Encoder: the effectiveness experiment's streams and rows (common random numbers).
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const G = backdooredRows(weights, s, config.backdoored ? config.theta : 0)
  const gs = new Float32Array(m) // <g_i, s>: the trigger's shift of every pre-activation
  for (let i = 0; i < m; i++) {
    let dot = 0
    for (let j = 0; j < d; j++) dot += G[i * d + j] * s[j]
    gs[i] = dot
  }
  const poisonRows = sampleRows(n, Math.round(config.poisonFraction * n), stream(seed, 'poison'))
  tick('data')

  const owned: tf.Tensor[] = []
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t)
    return t
  }
  try {
    const Gt = keep(tf.tidy(() => tf.transpose(tf.tensor2d(G, [m, d]))))
    const shift = keep(tf.tensor2d(gs, [1, m]))
    const scale = 1 / Math.sqrt(m)
    // Phi(x) from one product X G^T; Phi(x + lambda s) = ReLU(X G^T + lambda (G s)^T) / sqrt(m).
    const [phiTrain, phiPoison] = tf.tidy(() => {
      const P = tf.matMul(tf.tensor2d(train.x, [n, d]), Gt)
      const clean = tf.mul(tf.relu(P), scale) as tf.Tensor2D
      if (poisonRows.length === 0) return [clean]
      const rows = tf.gather(P, tf.tensor1d(poisonRows, 'int32'))
      return [clean, tf.mul(tf.relu(tf.add(rows, tf.mul(shift, lambda))), scale) as tf.Tensor2D]
    }) as [tf.Tensor2D, tf.Tensor2D | undefined]
    keep(phiTrain)
    tick('features')
    const [phiTest, phiTrig] = tf.tidy(() => {
      const P = tf.matMul(tf.tensor2d(test.x, [nTest, d]), Gt)
      return [
        tf.mul(tf.relu(P), scale) as tf.Tensor2D,
        tf.mul(tf.relu(tf.add(P, tf.mul(shift, lambda))), scale) as tf.Tensor2D
      ]
    })
    keep(phiTest)
    keep(phiTrig)
    const evalSets = [phiTest, phiTrig]
    tick('features')

    // 1. Attacker head: clean training set plus poisoned copies (x + lambda s, target).
    let attacker: Head
    {
      const features = phiPoison === undefined ? phiTrain : tf.concat([phiTrain, phiPoison], 0)
      const labels = new Int32Array(n + poisonRows.length)
      labels.set(train.labels)
      labels.fill(config.target, n)
      try {
        const fit = trainSoftmax(features, labels, L, headOptions('attacker head'))
        attacker = { W: fit.W, b: fit.b }
      } finally {
        if (features !== phiTrain) features.dispose()
        phiPoison?.dispose()
      }
    }

    // 2. Clean linear probes, each on its own subsample (stream probe/<i>), trained together.
    const probeSize = Math.max(1, Math.round(config.probeFraction * n))
    const probes: Head[] =
      config.probes === 0
        ? []
        : trainSoftmaxHeads(
            phiTrain,
            train.labels,
            L,
            Array.from({ length: config.probes }, (_, i) =>
              sampleWeights(n, sampleRows(n, probeSize, stream(seed, `probe/${i}`)))
            ),
            headOptions('probes')
          ).map((fit) => ({ W: fit.W, b: fit.b }))

    // Evaluated in separate blocks, so the attacker's numbers cannot depend on the probe count.
    const outcomes = (heads: Head[]) => {
      const [clean, triggered] = predictHeads(evalSets, heads, L)
      return heads.map((_, h) => headOutcome(clean[h], triggered[h], test.labels, L))
    }
    /** rankingReversalRate of each head (see the header). */
    const reversalRates = (heads: Head[]) => {
      const [[lowest], [, triggered]] = [
        predictHeads([phiTest], heads, L, undefined, 'lowest'),
        predictHeads(evalSets, heads, L)
      ]
      return heads.map((_, h) => rankingReversalRate(lowest[h], triggered[h]))
    }
    const [attackerOutcome] = outcomes([attacker])
    const probeOutcomes = outcomes(probes)
    const [attackerReversal] = reversalRates([attacker])
    const probeReversal = reversalRates(probes)

    // The witness input x (chosen by the user, or the first meaningful one): its features and
    // those of Activate(x).
    const { index: witnessIndex, choice: witnessChoice } =
      config.witnessIndex === undefined
        ? chooseWitnessInput(attacker, phiTest, phiTrig, yPrime, L)
        : { index: config.witnessIndex % nTest, choice: 'chosen by you' as const }
    const [xRow, xTrigRow] = [phiTest, phiTrig].map((phi) => {
      const row = tf.slice(phi, [witnessIndex, 0], [1, m])
      const values = Float32Array.from(row.dataSync())
      row.dispose()
      return values
    })

    // 3. Random heads, W i.i.d. N(0, 1), b = 0, in blocks of heads (one matMul per block and set).
    // The first random head that is a witness for x is kept as a candidate (see witnessHead).
    const randomOutcomes: HeadOutcome[] = []
    const randomReversal: number[] = []
    let randomWitness: Head | null = null
    const randomRng = stream(seed, 'heads/random')
    for (let start = 0; start < config.randomHeads; start += randomChunk) {
      const count = Math.min(randomChunk, config.randomHeads - start)
      const block = randomHeadBlock(m, L, count, randomRng)
      const [clean, triggered] = predictBlock(evalSets, block, null, count, L)
      const [lowest] = predictBlock([phiTest], block, null, count, L, 'lowest')
      for (let h = 0; h < count; h++) {
        const triggeredH = column(triggered, count, h)
        randomOutcomes.push(headOutcome(column(clean, count, h), triggeredH, test.labels, L))
        randomReversal.push(rankingReversalRate(column(lowest, count, h), triggeredH))
        if (randomWitness === null) {
          const head = headOfBlock(block, count, h, m, L)
          if (holds(witnessConditions(head, xRow, xTrigRow, yPrime, L))) randomWitness = head
        }
      }
      tick('random heads')
    }

    // 4. Trigger-nullifying head: project the mean trigger shift out of the attacker's W.
    const deltaT = tf.tidy(() => tf.mean(tf.sub(phiTrig, phiTest), 0))
    const delta = Float64Array.from(deltaT.dataSync())
    deltaT.dispose()
    const nullified = nullifyHead(attacker, delta, L)
    const nullifying = nullified.head
    // <Phi(x + lambda s) - Phi(x), u> for every held-out input.
    const alongT = tf.tidy(() =>
      tf.matMul(tf.sub(phiTrig, phiTest), tf.tensor2d(Float32Array.from(nullified.u), [m, 1]))
    )
    const along = Float32Array.from(alongT.dataSync())
    alongT.dispose()
    tick('nullifying')

    // 5. Witness head for one held-out input and target y': accurate heads first (probes by
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
    tick('witness')

    const [nullifyingOutcome, witnessOutcome] = outcomes([nullifying, witness.head])

    // The nullifying head's logit change along u, relative to the scale of its logits.
    const perUnit = logitChangeAlong(nullifying, nullified.u, L)
    let maxAlong = 0
    for (let i = 0; i < nTest; i++) maxAlong = Math.max(maxAlong, Math.abs(along[i]))
    const maxChange = maxAlong * Math.max(...Array.from(perUnit, Math.abs))
    const logitScale = maxAbsLogit(phiTest, nullifying, L)
    const nullifyingResidual = logitScale === 0 ? 0 : maxChange / logitScale

    // Reports.
    const target = config.target
    const single = (model: string, o: HeadOutcome) => {
      report.metric({ model, name: 'cleanAccuracy', ...o.cleanAccuracy })
      report.metric({ model, name: 'attackSuccessRate', ...nanSafe(o.asrPerTarget[target]) })
    }
    single('attacker', attackerOutcome)
    report.metric({ model: 'attacker', name: 'rankingReversalRate', value: attackerReversal })
    single('nullifying', nullifyingOutcome)
    single('witness', witnessOutcome)
    for (const [model, outcomes] of [
      ['probe', probeOutcomes],
      ['random', randomOutcomes]
    ] as const) {
      const asr = outcomes.map((o) => o.asrPerTarget[target].value).filter((v) => !Number.isNaN(v))
      report.metric({
        model,
        name: 'cleanAccuracy.mean',
        value: meanOrNull(outcomes.map((o) => o.cleanAccuracy.value))
      })
      report.metric({ model, name: 'attackSuccessRate.mean', value: meanOrNull(asr) })
      report.metric({
        model,
        name: 'rankingReversalRate.mean',
        value: meanOrNull(model === 'probe' ? probeReversal : randomReversal)
      })
      report.metric({
        model,
        name: 'attackSuccessRate.min',
        value: asr.length ? asr.reduce((a, b) => Math.min(a, b)) : null
      })
      report.metric({
        model,
        name: 'attackSuccessRate.max',
        value: asr.length ? asr.reduce((a, b) => Math.max(a, b)) : null
      })
    }

    const families: Record<(typeof FAMILIES)[number], HeadOutcome[]> = {
      attacker: [attackerOutcome],
      probe: probeOutcomes,
      random: randomOutcomes,
      nullifying: [nullifyingOutcome]
    }
    for (const family of FAMILIES) {
      report.series({
        model: family,
        name: 'scatter',
        points: families[family].map((o) => {
          const asr = o.asrPerTarget[target]
          return { x: o.cleanAccuracy.value, ...nanSafe(asr) }
        })
      })
    }
    report.series({
      model: 'random',
      name: 'asrHistogram',
      points: histogram(randomOutcomes.map((o) => o.asrPerTarget[target].value))
    })
    for (const [model, o] of [
      ['attacker', attackerOutcome],
      ['nullifying', nullifyingOutcome]
    ] as const) {
      report.series({
        model,
        name: 'asrPerTarget',
        points: o.asrPerTarget.map((asr, c) => ({ x: c, ...nanSafe(asr) }))
      })
    }
    for (const [name, scores] of Object.entries(witnessScores)) {
      report.series({
        model: 'witness',
        name,
        points: Array.from(scores, (value, c) => ({ x: c, value }))
      })
    }

    const gap = universalityGap(
      [...Object.values(families).flat(), witnessOutcome].map((o) => o.asrPerTarget[target])
    )
    report.metric({ model: 'run', name: 'universalityGap', ...gap })
    report.metric({ model: 'run', name: 'L', value: L })
    report.metric({ model: 'run', name: 'd', value: d })
    report.metric({ model: 'run', name: 'n', value: n })
    report.metric({ model: 'run', name: 'nTest', value: nTest })
    const flag = (b: boolean) => (b ? 1 : 0)
    report.metric({
      model: 'run',
      name: 'witnessHolds',
      value: flag(witnessClean && witnessTriggered)
    })
    report.metric({ model: 'run', name: 'witnessCleanNotTarget', value: flag(witnessClean) })
    report.metric({
      model: 'run',
      name: 'witnessTriggeredNotTarget',
      value: flag(witnessTriggered)
    })
    report.metric({
      model: 'run',
      name: 'reversalCleanNotTarget',
      value: flag(witness.reversal.cleanNotTarget)
    })
    report.metric({
      model: 'run',
      name: 'reversalTriggeredNotTarget',
      value: flag(witness.reversal.triggeredNotTarget)
    })
    report.metric({ model: 'run', name: 'witnessIndex', value: witnessIndex })
    report.metric({ model: 'run', name: 'witnessChoice', value: CHOICE_CODES[witnessChoice] })
    // x's own class: when it is y', no accurate head can meet (a), and the attack is moot on x.
    report.metric({ model: 'run', name: 'witnessLabel', value: test.labels[witnessIndex] })
    report.metric({ model: 'run', name: 'witnessTarget', value: yPrime })
    report.metric({
      model: 'run',
      name: 'witnessConstruction',
      value: CONSTRUCTION_CODES[witness.construction]
    })
    report.metric({ model: 'run', name: 'nullifyingResidual', value: nullifyingResidual })
    report.metric({ model: 'run', name: 'triggerShiftNorm', value: nullified.norm })
    tick('metrics')
  } finally {
    tf.dispose(owned)
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

/**
 * max ASR - min ASR over the heads with a defined ASR. Interval from the Wilson bounds of the
 * argmax head and the argmin head: [lower(max) - upper(min), upper(max) - lower(min)], clipped to
 * [-1, 1]. Each bound is a 95% Wilson bound, so the pair covers the difference of those two heads'
 * rates with probability at least 90% (Bonferroni); it does not correct for having picked the
 * extreme heads out of many (the max is biased up and the min down).
 */
export function universalityGap(rates: Interval[]): {
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

function nanSafe(r: Interval): { value: number | null; lower: number; upper: number } {
  return { value: finiteOrNull(r.value), lower: r.lower, upper: r.upper }
}

function meanOrNull(values: number[]): number | null {
  const defined = values.filter((v) => !Number.isNaN(v))
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null
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
