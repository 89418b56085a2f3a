/**
 * Fine-tuning of one random-ReLU network (SCIENCE.md section 6): the pure training core; the loss
 * and its gradients are in finetuneLoss.ts.
 *
 * Model: `f(x) = (1/m) sum_i ReLU(<g_i, x>)`, logit `z = a (f(x) - tau)`, prediction
 * `sgn(z)` (that is `sgn(f - tau)` while a > 0, as in section 3). Loss: the mean over a
 * mini-batch of `softplus(-y z)`. Trainable: any of G, tau, a.
 *
 * Gradients are written by hand (tfjs-core registers no autodiff gradients here, and the autodiff
 * of a matMul would emit the slow transpose-flagged product on wasm). With `P = X_b G^T` (B x m),
 * `M = 1[P > 0]`, `dL/dz_b = -y_b sigmoid(-y_b z_b) / B` and `c_b = a dL/dz_b`:
 *   dG = (1/m) (M . c[:, None])^T X_b,   dtau = -sum_b c_b,   da = sum_b dL/dz_b (f_b - tau).
 * G is kept transposed, `Gt = G^T` (d x m), for the whole run: the forward product is `X_b Gt`
 * and the gradient `dGt = (1/m) X_b^T (M . c)` needs only the small B x d transpose of X_b, never
 * a transpose flag (ARCHITECTURE.md, Computation).
 *
 * Parallelism seam: `fineTuneModel` is a pure function of plain arrays and numbers (it could run
 * in another process); `createFineTuner` exposes the same computation epoch by epoch so that one
 * process can interleave the clean and the backdoored model. Both models get the same batch order
 * by drawing it from the same named stream (common random numbers).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { TrainingConfig } from '../../kinds/finetune/config'
import type { Dataset } from './data'
import { rowScoreGridT } from './relu'
import { stream, type Rng } from './rng'
import { directionMomentsT, normalisedEnergy, nullBandOf, type NullBand } from './spike'
import { robustCounts } from './stats'
import { batchGradients, logisticLoss, predict } from './finetuneLoss'

export { logisticLoss, lossGradients, softplus } from './finetuneLoss'

export const ADAM_BETA1 = 0.9
export const ADAM_BETA2 = 0.999
export const ADAM_EPSILON = 1e-8

export interface FineTuneInput {
  /** Training data (x n x d row-major, labels +-1). */
  train: Dataset
  /** Held-out data for accuracy and ASR. */
  test: Dataset
  /** First-layer rows before fine-tuning, G0, m x d row-major. */
  rows: Float32Array
  m: number
  /** The trigger direction s (length d). */
  s: Float32Array
  /** Threshold and logit scale before fine-tuning. */
  tau0: number
  a0: number
  training: TrainingConfig
  /** Mini-batch order: stream(batchSeed, 'batches'), reshuffled every epoch. */
  batchSeed: number
  /** The lambda at which ASR is tracked every epoch. */
  trackLambda: number
  target: 1 | -1
  /** The lambda grid of the full ASR curves before and after fine-tuning. */
  lambdas: readonly number[]
  /**
   * Random k-sparse unit directions (count x d, from `nullDirections`) for the null band of the
   * normalised spike energy; without them the band is not measured.
   */
  nullDirections?: Float32Array
}

/** What is measured after every epoch (epoch 0: before training). Counts, not rates: plain data. */
export interface EpochRecord {
  epoch: number
  /** Mean logistic loss over the whole training set at the current parameters. */
  loss: number
  /** Held-out inputs classified correctly, out of `total`. */
  correct: number
  total: number
  /** ASR at trackLambda: candidates put in the target class by Activate, out of `candidates`. */
  flipped: number
  candidates: number
  spikeEnergy: number
  /** tr(C)/d of the current rows, and the spike energy normalised by it (SCIENCE.md section 5). */
  traceOverD: number
  normalisedSpikeEnergy: number
  /** The normalised statistic along the null directions; null without them. */
  nullSpikeEnergy: NullBand | null
  /**
   * Robust accuracy at trackLambda: held-out inputs whose true label is not the target that keep
   * their true label under Activate, out of `robustTotal`.
   */
  robustCorrect: number
  robustTotal: number
  weightDrift: number
  tau: number
  a: number
}

export interface CurvePoint {
  lambda: number
  flipped: number
  candidates: number
}

/**
 * Each held-out input's outcome on the lambda grid, for the bootstrap of lambda50 (SCIENCE.md
 * section 5): 1 where it is an attack candidate, and, row-major one row per lambda, 1 where it is
 * put in the target class at that lambda.
 */
export interface InputOutcomes {
  candidate: Uint8Array
  inTarget: Uint8Array
}

/** An epoch record with the full ASR(lambda) curve: the measurements before and after. */
export interface Measurement extends EpochRecord {
  curve: CurvePoint[]
  outcomes: InputOutcomes
}

export interface FineTuneResult {
  before: Measurement
  after: Measurement
  /** Records of epochs 0..E (epoch 0 is `before` without its curve). */
  epochs: EpochRecord[]
  /** The fine-tuned rows G, m x d row-major. */
  rows: Float32Array
}

export interface FineTuner {
  readonly epochsDone: number
  /** Measures the current model; with `curve`, also the ASR over the whole lambda grid. */
  measure(curve?: false): EpochRecord
  measure(curve: true): Measurement
  /** One pass over the training set in mini-batches. */
  trainEpoch(): void
  /** The current rows G, m x d row-major. */
  rows(): Float32Array
  /** Releases the tensors. The tuner cannot be used afterwards. */
  dispose(): void
}

/** A uniformly random order of 0..n-1 (Fisher-Yates). */
export function shuffledOrder(n: number, rng: Rng): Int32Array {
  return rng.permutation(n)
}

/** One scalar parameter (tau or a) with its optimiser state, updated in float64. */
class ScalarParameter {
  private first = 0
  private second = 0
  constructor(
    public value: number,
    private readonly training: TrainingConfig
  ) {}

  update(gradient: number, step: number): void {
    const { optimizer, learningRate: lr } = this.training
    if (optimizer === 'sgd') {
      this.value -= lr * gradient
    } else if (optimizer === 'momentum') {
      this.first = this.training.momentum * this.first + gradient
      this.value -= lr * this.first
    } else {
      this.first = ADAM_BETA1 * this.first + (1 - ADAM_BETA1) * gradient
      this.second = ADAM_BETA2 * this.second + (1 - ADAM_BETA2) * gradient * gradient
      const firstHat = this.first / (1 - ADAM_BETA1 ** step)
      const secondHat = this.second / (1 - ADAM_BETA2 ** step)
      this.value -= (lr * firstHat) / (Math.sqrt(secondHat) + ADAM_EPSILON)
    }
  }
}

/**
 * The fine-tuning of one model, epoch by epoch. Everything it draws comes from
 * stream(input.batchSeed, 'batches'); two tuners with the same seed and n see the same batches.
 */
export function createFineTuner(input: FineTuneInput): FineTuner {
  const { train, test, m, s, training, trackLambda, target } = input
  const d = train.d
  if (test.d !== d) throw new Error(`'test' must have d = ${d} columns (got ${test.d})`)
  if (input.rows.length !== m * d) {
    throw new Error(`'rows' must hold m*d = ${m * d} values (got ${input.rows.length})`)
  }
  if (s.length !== d) throw new Error(`'s' must hold d = ${d} values (got ${s.length})`)
  if (train.n < 1) throw new Error("'train' must hold at least one row")
  const trainG = training.parameters.includes('G')
  const trainTau = training.parameters.includes('tau')
  const trainA = training.parameters.includes('a')
  const learningRateG = training.learningRate * (training.scaleGByM ? m : 1)
  const shuffles = stream(input.batchSeed, 'batches')
  const support: number[] = []
  for (let j = 0; j < d; j++) if (s[j] !== 0) support.push(j)

  const X = tf.tensor2d(train.x, [train.n, d])
  const testX = tf.tensor2d(test.x, [test.n, d])
  const sRow = tf.tensor2d(s, [1, d])
  const directions = input.nullDirections
  if (directions && (directions.length === 0 || directions.length % d !== 0)) {
    throw new Error(`'nullDirections' must hold a positive multiple of d = ${d} values`)
  }
  const nullV = directions ? tf.tensor2d(directions, [directions.length / d, d]) : null
  let Gt = tf.tidy(() => tf.transpose(tf.tensor2d(input.rows, [m, d]))) as tf.Tensor2D
  const G0t = Float32Array.from(Gt.dataSync())
  let G0NormSq = 0
  for (let i = 0; i < G0t.length; i++) G0NormSq += G0t[i] * G0t[i]
  // Optimiser state of G (first and second moment, or the momentum buffer).
  let first: tf.Tensor2D | null = trainG && training.optimizer !== 'sgd' ? tf.zerosLike(Gt) : null
  let second: tf.Tensor2D | null = trainG && training.optimizer === 'adam' ? tf.zerosLike(Gt) : null
  const tau = new ScalarParameter(input.tau0, training)
  const a = new ScalarParameter(input.a0, training)
  let step = 0
  let epochsDone = 0
  let disposed = false

  const check = () => {
    if (disposed) throw new Error('the fine-tuner has been disposed')
  }

  /** The optimiser step on Gt: the new [Gt, first, second] (absent moments omitted). */
  function updateG(dGt: tf.Tensor2D): tf.Tensor2D[] {
    const gradient = training.weightDecay > 0 ? tf.add(dGt, tf.mul(Gt, training.weightDecay)) : dGt
    if (training.optimizer === 'sgd') {
      return [tf.sub(Gt, tf.mul(gradient, learningRateG))]
    }
    if (training.optimizer === 'momentum') {
      // Heavy ball: v <- mu v + grad, theta <- theta - lr v.
      const velocity = tf.add(tf.mul(first!, training.momentum), gradient) as tf.Tensor2D
      return [tf.sub(Gt, tf.mul(velocity, learningRateG)), velocity]
    }
    const m1 = tf.add(tf.mul(first!, ADAM_BETA1), tf.mul(gradient, 1 - ADAM_BETA1)) as tf.Tensor2D
    const m2 = tf.add(
      tf.mul(second!, ADAM_BETA2),
      tf.mul(tf.square(gradient), 1 - ADAM_BETA2)
    ) as tf.Tensor2D
    // theta -= lr * (m1 / (1 - b1^t)) / (sqrt(m2 / (1 - b2^t)) + eps)
    const correction1 = 1 - ADAM_BETA1 ** step
    const correction2 = 1 - ADAM_BETA2 ** step
    const denominator = tf.add(tf.div(tf.sqrt(m2), Math.sqrt(correction2)), ADAM_EPSILON)
    const update = tf.div(tf.mul(m1, learningRateG / correction1), denominator)
    return [tf.sub(Gt, update), m1, m2]
  }

  function trainStep(indices: Int32Array): void {
    step++
    const yb = new Float64Array(indices.length)
    for (let b = 0; b < indices.length; b++) yb[b] = train.y[indices[b]]
    const next = tf.tidy(() => {
      const Xb = tf.gather(X, tf.tensor1d(indices, 'int32')) as tf.Tensor2D
      const grads = batchGradients(Xb, yb, Gt, tau.value, a.value, trainG)
      // tau and a are updated with the gradients at the parameters before this step.
      if (trainTau) tau.update(grads.dTau, step)
      if (trainA) a.update(grads.dA, step)
      return grads.dGt ? updateG(grads.dGt) : []
    })
    if (next.length > 0) {
      tf.dispose(liveOptimiserTensors())
      Gt = next[0]
      first = next[1] ?? null
      second = next[2] ?? null
    }
  }

  function liveOptimiserTensors(): tf.Tensor[] {
    return [Gt, first, second].filter((t): t is tf.Tensor2D => t !== null)
  }

  function trainEpoch(): void {
    check()
    const order = shuffledOrder(train.n, shuffles)
    const B = Math.max(1, Math.min(training.batchSize, train.n))
    for (let start = 0; start < train.n; start += B) {
      trainStep(order.subarray(start, Math.min(start + B, train.n)))
    }
    epochsDone++
  }

  function measure(curve = false): EpochRecord | Measurement {
    check()
    const gs = tf.tidy(() => tf.matMul(sRow, Gt)) as tf.Tensor2D
    let trainScores: Float32Array
    let testScores: Float32Array[]
    try {
      trainScores = rowScoreGridT(X, Gt, gs, [0])[0]
      testScores = rowScoreGridT(testX, Gt, gs, [0, trackLambda, ...(curve ? input.lambdas : [])])
    } finally {
      gs.dispose()
    }
    const t = tau.value
    const scale = a.value
    let correct = 0
    const candidates: number[] = []
    for (let i = 0; i < test.n; i++) {
      const label = predict(testScores[0][i], t, scale)
      if (label === test.y[i]) correct++
      if (label !== target) candidates.push(i)
    }
    const flippedAt = (values: Float32Array) => {
      let flipped = 0
      for (const i of candidates) if (predict(values[i], t, scale) === target) flipped++
      return flipped
    }
    const triggered = new Int8Array(test.n)
    for (let i = 0; i < test.n; i++) triggered[i] = predict(testScores[1][i], t, scale)
    const robust = robustCounts(test.y, triggered, target)
    // Spike energy ||G s||^2 / m - 1 and drift ||G - G0||_F / ||G0||_F, in float64 on Gt (d x m).
    const gt = Gt.dataSync()
    let energy = 0
    for (let i = 0; i < m; i++) {
      let dot = 0
      for (const j of support) dot += gt[j * m + i] * s[j]
      energy += dot * dot
    }
    let driftSq = 0
    let squares = 0
    for (let i = 0; i < gt.length; i++) {
      driftSq += (gt[i] - G0t[i]) ** 2
      squares += gt[i] * gt[i]
    }
    const traceOverD = squares / (m * d)
    const nullMoments = nullV ? directionMomentsT(Gt, nullV) : null
    const record: EpochRecord = {
      epoch: epochsDone,
      loss: logisticLoss(trainScores, train.y, t, scale),
      correct,
      total: test.n,
      flipped: flippedAt(testScores[1]),
      candidates: candidates.length,
      spikeEnergy: energy / m - 1,
      traceOverD,
      normalisedSpikeEnergy: normalisedEnergy(energy / m, traceOverD),
      nullSpikeEnergy: nullMoments
        ? nullBandOf(Array.from(nullMoments, (v) => normalisedEnergy(v, traceOverD)))
        : null,
      robustCorrect: robust.correct,
      robustTotal: robust.total,
      weightDrift: G0NormSq > 0 ? Math.sqrt(driftSq / G0NormSq) : 0,
      tau: t,
      a: scale
    }
    if (!curve) return record
    const candidate = new Uint8Array(test.n)
    for (const i of candidates) candidate[i] = 1
    const inTarget = new Uint8Array(input.lambdas.length * test.n)
    input.lambdas.forEach((_, index) => {
      const values = testScores[2 + index]
      for (let i = 0; i < test.n; i++)
        inTarget[index * test.n + i] = predict(values[i], t, scale) === target ? 1 : 0
    })
    return {
      ...record,
      outcomes: { candidate, inTarget },
      curve: input.lambdas.map((lambda, index) => ({
        lambda,
        flipped: flippedAt(testScores[2 + index]),
        candidates: candidates.length
      }))
    }
  }

  return {
    get epochsDone() {
      return epochsDone
    },
    measure: measure as FineTuner['measure'],
    trainEpoch,
    rows() {
      check()
      const G = tf.transpose(Gt)
      const out = Float32Array.from(G.dataSync())
      G.dispose()
      return out
    },
    dispose() {
      if (disposed) return
      disposed = true
      tf.dispose([X, testX, sRow, ...(nullV ? [nullV] : []), ...liveOptimiserTensors()])
    }
  }
}

/**
 * The whole fine-tuning of one model: measure, train `training.epochs` epochs (recording after
 * each), measure again. `onEpoch` sees epochs 0..E as they finish. Pure in its input.
 */
export function fineTuneModel(
  input: FineTuneInput,
  onEpoch?: (record: EpochRecord) => void
): FineTuneResult {
  const tuner = createFineTuner(input)
  try {
    const before = tuner.measure(true)
    const { curve: _curve, outcomes: _outcomes, ...first } = before
    const epochs: EpochRecord[] = [first]
    onEpoch?.(first)
    for (let e = 0; e < input.training.epochs; e++) {
      tuner.trainEpoch()
      const record = tuner.measure()
      epochs.push(record)
      onEpoch?.(record)
    }
    return { before, after: tuner.measure(true), epochs, rows: tuner.rows() }
  } finally {
    tuner.dispose()
  }
}

/**
 * tau and a before fine-tuning (section 6): tau by the configured rule on the training scores,
 * a = 1 / std of the training scores (population std; 1 if the scores are constant).
 */
export function calibrate(
  scores: ArrayLike<number>,
  fitTau: (scores: ArrayLike<number>) => number
): { tau: number; a: number } {
  let sum = 0
  for (let i = 0; i < scores.length; i++) sum += scores[i]
  const mean = sum / scores.length
  let sq = 0
  for (let i = 0; i < scores.length; i++) sq += (scores[i] - mean) ** 2
  const std = Math.sqrt(sq / scores.length)
  return { tau: fitTau(scores), a: std > 0 && Number.isFinite(std) ? 1 / std : 1 }
}
