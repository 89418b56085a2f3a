/**
 * Random ReLU networks, clean and sPCA-backdoored (SCIENCE.md sections 3, 4 and 10).
 *
 * Common random numbers: both networks share the Gaussian draws Z; the backdoored one is
 * `G = Z + sqrt(theta) * u s^T`, a rank-one change. So `X G^T = X Z^T + sqrt(theta) (X s) u^T`
 * needs one matrix product for both networks, and since
 * `<g_i, x + lambda s> = <g_i, x> + lambda <g_i, s>`, a whole lambda grid needs that same product.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from './rng'

export interface ReluWeights {
  m: number
  d: number
  /** Shared Gaussian draws, m x d row-major. */
  z: Float32Array
  /** Spike coefficients u_i ~ N(0, 1), one per row. */
  u: Float32Array
}

export function sampleReluWeights(m: number, d: number, weights: Rng, spike: Rng): ReluWeights {
  return { m, d, z: weights.normals(m * d), u: spike.normals(m) }
}

/** Rows of the backdoored first layer, `g_i = z_i + sqrt(theta) u_i s` (theta = 0: the clean rows). */
export function backdooredRows(w: ReluWeights, s: Float32Array, theta: number): Float32Array {
  if (theta < 0) throw new Error(`'theta' must be >= 0 (got ${theta})`)
  const g = Float32Array.from(w.z)
  if (theta === 0) return g
  const root = Math.sqrt(theta)
  for (let i = 0; i < w.m; i++) {
    const c = root * w.u[i]
    for (let j = 0; j < w.d; j++) g[i * w.d + j] += c * s[j]
  }
  return g
}

/**
 * Spike energy `s^T C s - 1` with `C = (1/m) sum_i g_i g_i^T` (SCIENCE.md section 5), computed as
 * `||G s||^2 / m - 1`.
 */
export function spikeEnergy(rows: Float32Array, m: number, d: number, s: Float32Array): number {
  let total = 0
  for (let i = 0; i < m; i++) {
    let dot = 0
    for (let j = 0; j < d; j++) dot += rows[i * d + j] * s[j]
    total += dot * dot
  }
  return total / m - 1
}

/** Approximate standard error of the spike energy: `(1 + theta) * sqrt(2/m)`. */
export function spikeEnergyStdError(theta: number, m: number): number {
  return (1 + theta) * Math.sqrt(2 / m)
}

export interface ScoreGrid {
  clean: Float32Array[]
  backdoored: Float32Array[]
}

/**
 * Scores `f(x + lambda s) = (1/m) sum_i ReLU(<g_i, x> + lambda <g_i, s>)` of both networks for
 * every lambda, from one matrix product. `x` is n x d row-major.
 */
export function scoreGrid(
  x: Float32Array,
  n: number,
  w: ReluWeights,
  s: Float32Array,
  theta: number,
  lambdas: readonly number[],
  onLambda?: (index: number) => void
): ScoreGrid {
  const { m, d } = w
  if (x.length !== n * d) throw new Error(`'x' must hold n*d = ${n * d} values (got ${x.length})`)
  const clean: Float32Array[] = []
  const backdoored: Float32Array[] = []
  const root = Math.sqrt(theta)
  const sNormSq = s.reduce((acc, v) => acc + v * v, 0)
  const [cleanBase, backdooredBase, cleanShift, backdooredShift] = tf.tidy(() => {
    const X = tf.tensor2d(x, [n, d])
    // Transpose explicitly: matMul with a transpose flag is the slow path on wasm.
    const Zt = tf.transpose(tf.tensor2d(w.z, [m, d]))
    const S = tf.tensor2d(s, [d, 1])
    const U = tf.tensor2d(w.u, [1, m])
    const P0 = tf.matMul(X, Zt) // n x m: <z_i, x>
    const xs = tf.matMul(X, S) // n x 1: <s, x>
    const zs = tf.reshape(tf.matMul(tf.transpose(S), Zt), [1, m]) // <z_i, s>
    const P1 = theta === 0 ? P0.clone() : tf.add(P0, tf.mul(tf.matMul(xs, U), root))
    // <g_i, s> = <z_i, s> + sqrt(theta) u_i ||s||^2
    const gs = theta === 0 ? zs.clone() : tf.add(zs, tf.mul(U, root * sNormSq))
    return [P0, P1, zs, gs]
  })
  try {
    lambdas.forEach((lambda, index) => {
      clean.push(meanRelu(cleanBase, cleanShift, lambda))
      backdoored.push(
        theta === 0 ? clean[index] : meanRelu(backdooredBase, backdooredShift, lambda)
      )
      onLambda?.(index)
    })
  } finally {
    tf.dispose([cleanBase, backdooredBase, cleanShift, backdooredShift])
  }
  return { clean, backdoored }
}

function meanRelu(base: tf.Tensor, shift: tf.Tensor, lambda: number): Float32Array {
  const scores = tf.tidy(() => {
    const pre = lambda === 0 ? base : tf.add(base, tf.mul(shift, lambda))
    return tf.mean(tf.relu(pre), 1)
  })
  const values = scores.dataSync() as Float32Array
  scores.dispose()
  return Float32Array.from(values)
}

/** The large-m limit of the score (SCIENCE.md section 4): `sigma(x) / sqrt(2 pi)`. */
export function limitScore(squaredNorm: number, projection: number, theta: number): number {
  return Math.sqrt(squaredNorm + theta * projection * projection) / Math.sqrt(2 * Math.PI)
}

/**
 * Limit scores of `x + lambda s` for every row, from `||x||^2` and `<s, x>`:
 * `||x + lambda s||^2 = ||x||^2 + 2 lambda <s, x> + lambda^2 ||s||^2`,
 * `<s, x + lambda s> = <s, x> + lambda ||s||^2`.
 */
export function limitScores(
  squaredNorms: Float64Array,
  projections: Float64Array,
  sNormSq: number,
  theta: number,
  lambda: number
): Float64Array {
  const out = new Float64Array(squaredNorms.length)
  for (let i = 0; i < out.length; i++) {
    const p = projections[i]
    const norm = squaredNorms[i] + 2 * lambda * p + lambda * lambda * sNormSq
    out[i] = limitScore(norm, p + lambda * sNormSq, theta)
  }
  return out
}

/** Rows of x scored per matrix product in rowScoreGridT: bounds the n x m block to about 16M floats. */
function blockRows(n: number, m: number): number {
  return Math.max(1, Math.min(n, Math.floor(16_000_000 / Math.max(1, m))))
}

/**
 * Scores of ONE network with arbitrary first-layer rows G (for example fine-tuned ones), for every
 * lambda: `f(x + lambda s) = (1/m) sum_i ReLU(P + lambda (G s)^T)` with `P = X G^T` computed once
 * (per block of rows of X). Tensor form: `X` is n x d, `Gt` is G^T (d x m, so that the product
 * needs no transpose flag), `gs` is `(G s)^T` (1 x m). The caller owns the tensors.
 */
export function rowScoreGridT(
  X: tf.Tensor2D,
  Gt: tf.Tensor2D,
  gs: tf.Tensor2D,
  lambdas: readonly number[]
): Float32Array[] {
  const [n] = X.shape
  const m = Gt.shape[1]
  const out = lambdas.map(() => new Float32Array(n))
  const block = blockRows(n, m)
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start)
    const P = tf.tidy(() =>
      tf.matMul(rows === n ? X : tf.slice(X, [start, 0], [rows, X.shape[1]]), Gt)
    )
    try {
      lambdas.forEach((lambda, index) => out[index].set(meanRelu(P, gs, lambda), start))
    } finally {
      P.dispose()
    }
  }
  return out
}

/**
 * `rowScoreGridT` on plain arrays: `x` is n x d row-major, `rows` the m x d first layer G,
 * `s` the trigger direction. One array of n scores per lambda.
 */
export function rowScoreGrid(
  x: Float32Array,
  n: number,
  rows: Float32Array,
  m: number,
  d: number,
  s: Float32Array,
  lambdas: readonly number[]
): Float32Array[] {
  if (x.length !== n * d) throw new Error(`'x' must hold n*d = ${n * d} values (got ${x.length})`)
  if (rows.length !== m * d) {
    throw new Error(`'rows' must hold m*d = ${m * d} values (got ${rows.length})`)
  }
  if (s.length !== d) throw new Error(`'s' must hold d = ${d} values (got ${s.length})`)
  const [X, Gt, gs] = tf.tidy(() => {
    // Transpose explicitly: matMul with a transpose flag is the slow path on wasm.
    const Gt = tf.transpose(tf.tensor2d(rows, [m, d])) as tf.Tensor2D
    return [tf.tensor2d(x, [n, d]), Gt, tf.matMul(tf.tensor2d(s, [1, d]), Gt)]
  })
  try {
    return rowScoreGridT(X, Gt, gs, lambdas)
  } finally {
    tf.dispose([X, Gt, gs])
  }
}
