/**
 * Multinomial logistic regression (softmax regression) on fixed features, the heads of SCIENCE.md
 * section 7: logits `Phi W + b` with W m x L and b of length L, trained by full-batch Adam (or plain
 * full-batch gradient descent, `optimizer: 'gd'`) on
 *
 *   J(W, b) = sum_i w_i * (logsumexp(z_i) - z_i[y_i]) + (l2 / 2) * ||W||_F^2,   z_i = Phi_i W + b,
 *
 * with sample weights w_i (1/n for plain regression, 1/|subsample| on a subsample, 0 elsewhere).
 * The gradient is written by hand (tfjs-core has no autodiff registrations here):
 *
 *   dJ/dW = Phi^T (w * (softmax(Z) - onehot(y))) + l2 W,   dJ/db = sum_i w_i (softmax(z_i) - onehot(y_i)),
 *
 * with Phi^T an explicit transpose (on wasm a flagged matMul is ten times slower).
 *
 * Several heads train at once as one block of parameters W (m x H*L): head h owns columns
 * h*L .. h*L+L-1 and its own sample weights. Adam and gradient descent are elementwise, so this
 * is exactly H separate runs that share the two matrix products per step. Zero initialisation: the
 * result is a deterministic function of the inputs.
 *
 * Gradient descent steps `theta <- theta - learningRate * dJ/dtheta`; Adam rescales each
 * coordinate's step to about `learningRate` whatever the gradient's size, so the two reach
 * different heads from the same start (the nullifying head of section 7 depends on which).
 */
import * as tf from '@tensorflow/tfjs-core'

/** Full-batch Adam, or plain full-batch gradient descent. */
export type HeadOptimizer = 'adam' | 'gd'

export interface SoftmaxOptions {
  epochs: number
  learningRate: number
  /** Default 'adam'. */
  optimizer?: HeadOptimizer
  /** L2 penalty on W (not on b). */
  l2: number
  beta1?: number
  beta2?: number
  epsilon?: number
  /** Called after each step with the 1-based epoch. */
  onEpoch?: (epoch: number) => void
}

export interface SoftmaxHead {
  /** m x L, row-major. */
  W: Float32Array
  b: Float32Array
}

export interface SoftmaxFit extends SoftmaxHead {
  /** J before each step (entries 0..epochs-1) and after the last one (entry epochs). */
  loss: Float64Array
  /** ||(dJ/dW, dJ/db)|| at the same parameters as `loss`. */
  gradNorm: Float64Array
}

/** Per-sample weights for one head: 1/|rows| on `rows` (all n rows when null), 0 elsewhere. */
export function sampleWeights(n: number, rows: ArrayLike<number> | null): Float32Array {
  const w = new Float32Array(n)
  if (rows === null) {
    w.fill(1 / n)
    return w
  }
  if (rows.length === 0) throw new Error("'rows' must not be empty")
  for (let i = 0; i < rows.length; i++) w[rows[i]] = 1 / rows.length
  return w
}

interface Problem {
  n: number
  m: number
  L: number
  H: number
  phi: tf.Tensor2D
  phiT: tf.Tensor2D
  /** n x 1 x L one-hot labels. */
  y: tf.Tensor3D
  /** n x H x 1 sample weights. */
  w: tf.Tensor3D
  l2: number
}

/** J per head (H) and its gradients for parameters W (m x H*L) and b (H*L). Call inside tf.tidy. */
function objective(
  p: Problem,
  W: tf.Tensor2D,
  b: tf.Tensor1D
): { loss: tf.Tensor1D; dW: tf.Tensor2D; db: tf.Tensor1D } {
  const { n, L, H } = p
  const z = tf.reshape(tf.add(tf.matMul(p.phi, W), b), [n, H, L])
  const lse = tf.logSumExp(z, 2, true) // n x H x 1
  const residual = tf.sub(tf.exp(tf.sub(z, lse)), p.y) // softmax - onehot
  const G = tf.reshape(tf.mul(residual, p.w), [n, H * L])
  const dW = tf.add(tf.matMul(p.phiT, G), tf.mul(W, p.l2)) as tf.Tensor2D
  const db = tf.sum(G, 0) as tf.Tensor1D
  const nll = tf.sum(tf.mul(tf.sub(lse, tf.sum(tf.mul(z, p.y), 2, true)), p.w), [0, 2]) // H
  const penalty = tf.mul(tf.sum(tf.reshape(tf.square(W), [-1, H, L]), [0, 2]), p.l2 / 2)
  return { loss: tf.add(nll, penalty) as tf.Tensor1D, dW, db }
}

function makeProblem(
  phi: tf.Tensor2D,
  labels: Int32Array,
  L: number,
  weights: Float32Array[],
  l2: number
): Problem {
  const [n, m] = phi.shape
  const H = weights.length
  if (labels.length !== n) {
    throw new Error(`'labels' must have one entry per feature row (got ${labels.length}, ${n})`)
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= L) {
      throw new Error(`labels must be classes 0..${L - 1} (got ${labels[i]} at row ${i})`)
    }
  }
  if (H < 1) throw new Error("'weights' must hold at least one head")
  const stacked = new Float32Array(n * H)
  weights.forEach((w, h) => {
    if (w.length !== n) throw new Error(`sample weights of head ${h} must have length ${n}`)
    for (let i = 0; i < n; i++) stacked[i * H + h] = w[i]
  })
  return tf.tidy(() => ({
    n,
    m,
    L,
    H,
    phi,
    phiT: tf.transpose(phi),
    y: tf.tensor3d(oneHot(labels, L), [n, 1, L]),
    w: tf.tensor3d(stacked, [n, H, 1]),
    l2
  }))
}

/**
 * One-hot rows built in JS: on the wasm backend (tfjs 4.22) `tf.oneHot(..., 'float32')` returns
 * zeros (apparently int32 ones written into the float32 buffer, read back as denormals).
 */
function oneHot(labels: Int32Array, L: number): Float32Array {
  const out = new Float32Array(labels.length * L)
  for (let i = 0; i < labels.length; i++) out[i * L + labels[i]] = 1
  return out
}

/** Head h's slice of the block parameters. */
function splitHeads(W: Float32Array, b: Float32Array, m: number, L: number, H: number) {
  return Array.from({ length: H }, (_, h) => {
    const Wh = new Float32Array(m * L)
    for (let j = 0; j < m; j++) for (let c = 0; c < L; c++) Wh[j * L + c] = W[j * H * L + h * L + c]
    return { W: Wh, b: b.slice(h * L, h * L + L) }
  })
}

/**
 * Trains H softmax-regression heads on the same features, head h on sample weights
 * `weights[h]` (see `sampleWeights`). Returns one fit per head.
 */
export function trainSoftmaxHeads(
  phi: tf.Tensor2D,
  labels: Int32Array,
  L: number,
  weights: Float32Array[],
  options: SoftmaxOptions
): SoftmaxFit[] {
  const { epochs, learningRate: lr, l2 } = options
  const beta1 = options.beta1 ?? 0.9
  const beta2 = options.beta2 ?? 0.999
  const eps = options.epsilon ?? 1e-8
  const optimizer = options.optimizer ?? 'adam'
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`'epochs' must be >= 0`)
  if (optimizer !== 'adam' && optimizer !== 'gd') {
    throw new Error(`'optimizer' must be 'adam' or 'gd' (got ${String(optimizer)})`)
  }
  const p = makeProblem(phi, labels, L, weights, l2)
  const { m, H } = p
  const loss = Array.from({ length: H }, () => new Float64Array(epochs + 1))
  const gradNorm = Array.from({ length: H }, () => new Float64Array(epochs + 1))
  let state: tf.Tensor[] = [
    tf.zeros([m, H * L]),
    tf.zeros([H * L]),
    tf.zeros([m, H * L]),
    tf.zeros([m, H * L]),
    tf.zeros([H * L]),
    tf.zeros([H * L])
  ]
  const record = (t: number, stats: tf.Tensor) => {
    const values = stats.dataSync()
    stats.dispose()
    for (let h = 0; h < H; h++) {
      loss[h][t] = values[h]
      gradNorm[h][t] = Math.sqrt(values[H + h])
    }
  }
  const gradStats = (f: ReturnType<typeof objective>) => {
    const dW2 = tf.sum(tf.reshape(tf.square(f.dW), [-1, H, L]), [0, 2])
    const db2 = tf.sum(tf.reshape(tf.square(f.db), [H, L]), 1)
    return tf.concat([f.loss, tf.add(dW2, db2)])
  }
  try {
    for (let t = 1; t <= epochs; t++) {
      const [W, b, mW, vW, mb, vb] = state
      const next = tf.tidy(() => {
        const f = objective(p, W as tf.Tensor2D, b as tf.Tensor1D)
        const c1 = 1 - beta1 ** t
        const c2 = 1 - beta2 ** t
        const step = (param: tf.Tensor, grad: tf.Tensor, m1: tf.Tensor, v1: tf.Tensor) => {
          // Gradient descent keeps Adam's moment slots untouched (zeros): one state layout.
          if (optimizer === 'gd')
            return [tf.sub(param, tf.mul(grad, lr)), tf.clone(m1), tf.clone(v1)]
          const m2 = tf.add(tf.mul(m1, beta1), tf.mul(grad, 1 - beta1))
          const v2 = tf.add(tf.mul(v1, beta2), tf.mul(tf.square(grad), 1 - beta2))
          const update = tf.div(tf.div(m2, c1), tf.add(tf.sqrt(tf.div(v2, c2)), eps))
          return [tf.sub(param, tf.mul(update, lr)), m2, v2]
        }
        const [W2, mW2, vW2] = step(W, f.dW, mW, vW)
        const [b2, mb2, vb2] = step(b, f.db, mb, vb)
        return [W2, b2, mW2, vW2, mb2, vb2, gradStats(f)]
      })
      tf.dispose(state)
      state = next.slice(0, 6)
      record(t - 1, next[6])
      options.onEpoch?.(t)
    }
    const [W, b] = state
    record(
      epochs,
      tf.tidy(() => gradStats(objective(p, W as tf.Tensor2D, b as tf.Tensor1D)))
    )
    const heads = splitHeads(W.dataSync() as Float32Array, b.dataSync() as Float32Array, m, L, H)
    return heads.map((head, h) => ({ ...head, loss: loss[h], gradNorm: gradNorm[h] }))
  } finally {
    tf.dispose(state)
    tf.dispose([p.phiT, p.y, p.w])
  }
}

/** One head on all rows with equal weights 1/n. */
export function trainSoftmax(
  phi: tf.Tensor2D,
  labels: Int32Array,
  L: number,
  options: SoftmaxOptions
): SoftmaxFit {
  return trainSoftmaxHeads(phi, labels, L, [sampleWeights(phi.shape[0], null)], options)[0]
}

/**
 * J and its hand-written gradient at (W, b) for one head with sample weights `weights`
 * (default 1/n): the quantities the trainer uses, exposed for checks against finite differences.
 */
export function softmaxObjective(
  phi: tf.Tensor2D,
  labels: Int32Array,
  L: number,
  head: SoftmaxHead,
  l2: number,
  weights?: Float32Array
): { loss: number; dW: Float32Array; db: Float32Array } {
  const p = makeProblem(phi, labels, L, [weights ?? sampleWeights(phi.shape[0], null)], l2)
  try {
    const [loss, dW, db] = tf.tidy(() => {
      const f = objective(p, tf.tensor2d(head.W, [p.m, L]), tf.tensor1d(head.b))
      return [f.loss, f.dW, f.db]
    })
    const out = {
      loss: loss.dataSync()[0],
      dW: Float32Array.from(dW.dataSync()),
      db: Float32Array.from(db.dataSync())
    }
    tf.dispose([loss, dW, db])
    return out
  } finally {
    tf.dispose([p.phiT, p.y, p.w])
  }
}
