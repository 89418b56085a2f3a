/**
 * The fine-tuning loss and its hand-written gradients (finetune.ts, SCIENCE.md section 6): the
 * logistic loss of `z = a (f(x) - tau)` and the gradients of a batch's mean loss in G, tau and a.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Numerically stable logistic sigmoid. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t))
  const e = Math.exp(t)
  return e / (1 + e)
}

/** Numerically stable softplus log(1 + e^t). */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))
}

/** The classifier's label for score f: sgn(a (f - tau)), with 0 counted as -1 (section 3). */
export function predict(f: number, tau: number, a: number): 1 | -1 {
  return a * (f - tau) > 0 ? 1 : -1
}

/** Mean logistic loss of scores `f` with labels `y` at (tau, a), in float64. */
export function logisticLoss(
  f: ArrayLike<number>,
  y: ArrayLike<number>,
  tau: number,
  a: number
): number {
  let total = 0
  for (let i = 0; i < f.length; i++) total += softplus(-y[i] * a * (f[i] - tau))
  return total / f.length
}

export interface BatchGradients {
  /** dL/dGt (d x m), or null when G is not trained. */
  dGt: tf.Tensor2D | null
  dTau: number
  dA: number
}

/**
 * Gradients of the mean batch loss at (Gt, tau, a). Allocates tensors: call inside tf.tidy.
 * One forward product `Xb Gt` and one backward product `Xb^T (M . c)`.
 */
export function batchGradients(
  Xb: tf.Tensor2D,
  yb: ArrayLike<number>,
  Gt: tf.Tensor2D,
  tau: number,
  a: number,
  withG: boolean
): BatchGradients {
  const B = Xb.shape[0]
  const m = Gt.shape[1]
  const P = tf.matMul(Xb, Gt) // B x m
  const f = tf.mean(tf.relu(P), 1).dataSync()
  const c = new Float32Array(B)
  let dTau = 0
  let dA = 0
  for (let b = 0; b < B; b++) {
    const gap = f[b] - tau
    const dz = (-yb[b] * sigmoid(-yb[b] * a * gap)) / B // dL/dz_b
    dTau -= dz * a
    dA += dz * gap
    c[b] = (dz * a) / m // the 1/m of the score folded in
  }
  if (!withG) return { dGt: null, dTau, dA }
  const masked = tf.mul(tf.step(P), tf.tensor2d(c, [B, 1])) // B x m: M . c / m
  const dGt = tf.matMul(tf.transpose(Xb), masked) as tf.Tensor2D // d x m
  return { dGt, dTau, dA }
}

/**
 * Gradients of the mean loss over the batch (x B x d, labels y) for rows G (m x d), as plain
 * arrays: the training step's own computation, exposed for the finite-difference check.
 */
export function lossGradients(
  x: Float32Array,
  y: ArrayLike<number>,
  rows: Float32Array,
  m: number,
  d: number,
  tau: number,
  a: number
): { dG: Float32Array; dTau: number; dA: number } {
  const B = y.length
  let dTau = 0
  let dA = 0
  const dG = tf.tidy(() => {
    const Gt = tf.transpose(tf.tensor2d(rows, [m, d])) as tf.Tensor2D
    const grads = batchGradients(tf.tensor2d(x, [B, d]), y, Gt, tau, a, true)
    dTau = grads.dTau
    dA = grads.dA
    return tf.transpose(grads.dGt!)
  })
  const out = Float32Array.from(dG.dataSync())
  dG.dispose()
  return { dG: out, dTau, dA }
}
