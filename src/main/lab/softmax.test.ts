/**
 * Softmax regression (the heads of SCIENCE.md section 7): the hand-written gradient against finite
 * differences of an independent float64 loss, and full-batch Adam reaching the optimum.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import { stream } from './rng'
import { sampleWeights, softmaxObjective, trainSoftmax, trainSoftmaxHeads } from './softmax'

beforeAll(async () => {
  await initBackend()
})

/** Float32 unit roundoff. */
const U = 2 ** -24

/** J(W, b) = sum_i w_i (logsumexp(z_i) - z_i[y_i]) + l2/2 ||W||^2 in float64, from the definition. */
function loss64(
  phi: Float32Array,
  labels: Int32Array,
  n: number,
  m: number,
  L: number,
  W: Float64Array,
  b: Float64Array,
  l2: number,
  w: Float32Array
): number {
  let total = 0
  for (let i = 0; i < n; i++) {
    const z = new Float64Array(L)
    for (let c = 0; c < L; c++) {
      z[c] = b[c]
      for (let j = 0; j < m; j++) z[c] += phi[i * m + j] * W[j * L + c]
    }
    const top = Math.max(...z)
    const lse = top + Math.log(z.reduce((acc, v) => acc + Math.exp(v - top), 0))
    total += w[i] * (lse - z[labels[i]])
  }
  let sq = 0
  for (const v of W) sq += v * v
  return total + (l2 / 2) * sq
}

/**
 * A toy set separable by construction: row i of class c has feature c in [1, 1.5) and every other
 * feature in [0, 0.4), so W = identity on the first L features (b = 0) classifies every row with
 * margin >= 0.6. Features are non-negative like ReLU ones.
 */
function separableToy(n: number, m: number, L: number) {
  const rng = stream(1, 'test/softmax/toy')
  const x = new Float32Array(n * m)
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    labels[i] = i % L
    for (let j = 0; j < m; j++)
      x[i * m + j] = j === labels[i] ? 1 + 0.5 * rng.uniform() : 0.4 * rng.uniform()
  }
  return { x, labels }
}

function trainingAccuracy(
  x: Float32Array,
  labels: Int32Array,
  m: number,
  L: number,
  W: Float32Array,
  b: Float32Array
) {
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    let best = 0
    let bestScore = -Infinity
    for (let c = 0; c < L; c++) {
      let z = b[c]
      for (let j = 0; j < m; j++) z += x[i * m + j] * W[j * L + c]
      if (z > bestScore) [best, bestScore] = [c, z]
    }
    if (best === labels[i]) correct++
  }
  return correct / labels.length
}

describe('softmaxObjective: the hand-written gradient', () => {
  it('matches central finite differences of an independent float64 loss (subsample weights, L2)', () => {
    const [n, m, L, l2] = [40, 7, 4, 0.3]
    const rng = stream(2, 'test/softmax/fd')
    const x = Float32Array.from(rng.normals(n * m), Math.abs)
    const labels = Int32Array.from({ length: n }, () => rng.int(L))
    const W = rng.normals(m * L)
    const b = rng.normals(L)
    const rows = Array.from({ length: 25 }, (_, i) => (i * 7) % n) // 25 distinct rows (7 and 40 coprime)
    const w = sampleWeights(n, rows)
    const phi = tf.tensor2d(x, [n, m])
    const got = softmaxObjective(phi, labels, L, { W, b }, l2, w)
    phi.dispose()

    const W64 = Float64Array.from(W)
    const b64 = Float64Array.from(b)
    const J = () => loss64(x, labels, n, m, L, W64, b64, l2, w)
    // Float32 error of the tfjs values, bounded from the definition: every gradient entry is a sum
    // of at most n terms w_i phi_ij r_ic (|r| <= 1), so summation adds at most n*U*S with
    // S = sum_i w_i |phi_ij|; the softmax probabilities carry an absolute error of at most
    // 8*U*(1 + 2*max|z|) (z - lse computed to U*(|z| + |lse|), then exp), which adds that times S.
    let maxZ = 0
    for (let i = 0; i < n; i++)
      for (let c = 0; c < L; c++) {
        let z = b[c]
        for (let j = 0; j < m; j++) z += x[i * m + j] * W[j * L + c]
        maxZ = Math.max(maxZ, Math.abs(z))
      }
    const softmaxError = 8 * U * (1 + 2 * (maxZ + Math.log(L)))
    const h = 1e-5 // float64 central differences: truncation O(h^2), rounding O(1e-16 / h)
    let largest = 0
    for (let j = 0; j < m; j++) {
      let S = 0
      for (let i = 0; i < n; i++) S += w[i] * x[i * m + j]
      for (let c = 0; c < L; c++) {
        const k = j * L + c
        const keep = W64[k]
        W64[k] = keep + h
        const up = J()
        W64[k] = keep - h
        const down = J()
        W64[k] = keep
        const fd = (up - down) / (2 * h)
        const tol = (n + 4) * U * S + softmaxError * S + l2 * Math.abs(keep) * 2 * U + 1e-8
        expect(Math.abs(got.dW[k] - fd), `dW[${j},${c}]`).toBeLessThan(tol)
        largest = Math.max(largest, Math.abs(fd))
      }
    }
    for (let c = 0; c < L; c++) {
      const keep = b64[c]
      b64[c] = keep + h
      const up = J()
      b64[c] = keep - h
      const down = J()
      b64[c] = keep
      const fd = (up - down) / (2 * h)
      expect(Math.abs(got.db[c] - fd), `db[${c}]`).toBeLessThan((n + 4) * U + softmaxError + 1e-8)
      largest = Math.max(largest, Math.abs(fd))
    }
    // The tolerance is far below the gradient itself, so a wrong gradient cannot pass.
    expect((n + 4) * U * 10 + softmaxError * 10).toBeLessThan(1e-3 * largest)
    expect(Math.abs(got.loss - J())).toBeLessThan(1e-5 * (1 + Math.abs(J())))
  })
})

describe('trainSoftmax: full-batch Adam reaches the optimum', () => {
  const [n, m, L] = [90, 6, 3]
  const { x, labels } = separableToy(n, m, L)

  it('without L2 on separable data: training accuracy 1 and a loss that keeps falling toward 0', () => {
    // Separable data have no minimiser: the infimum 0 is approached as ||W|| grows. Criterion:
    // accuracy 1; the loss falls strictly from quarter to quarter of the run; over the second
    // half it still falls by at least 10% (no plateau, unlike the L2 case below where it is flat
    // to float32 precision); and at the end it is below 5% of its start ln L.
    const epochs = 400
    const phi = tf.tensor2d(x, [n, m])
    const fit = trainSoftmax(phi, labels, L, { epochs, learningRate: 0.1, l2: 0 })
    phi.dispose()
    expect(trainingAccuracy(x, labels, m, L, fit.W, fit.b)).toBe(1)
    // Zero initialisation: J = ln L, up to float32 summation of n terms (n*U relative).
    expect(Math.abs(fit.loss[0] - Math.log(L))).toBeLessThan(n * U * Math.log(L))
    const quarters = [0, 1, 2, 3, 4].map((q) => fit.loss[(q * epochs) / 4])
    for (let q = 1; q < quarters.length; q++) expect(quarters[q]).toBeLessThan(quarters[q - 1])
    expect(fit.loss[epochs]).toBeLessThan(0.9 * fit.loss[epochs / 2])
    expect(fit.loss[epochs]).toBeLessThan(0.05 * Math.log(L))
  })

  it('with L2: the gradient vanishes to float32 rounding (final norm < 1e-4 x initial) and the loss is flat', () => {
    // With l2 > 0 the optimum is a stationary point. In float32 the computed gradient there is
    // rounding noise of at most about n*U*max|phi| ~ 1e-5 (n = 90) against an initial norm of
    // order 0.1-1, so the criterion is ||grad(T)|| <= 1e-4 ||grad(0)||.
    const epochs = 300
    const phi = tf.tensor2d(x, [n, m])
    const fit = trainSoftmax(phi, labels, L, { epochs, learningRate: 0.1, l2: 0.01 })
    phi.dispose()
    expect(fit.gradNorm[epochs]).toBeLessThan(1e-4 * fit.gradNorm[0])
    // Flat over the second half to the float32 precision of a sum of n terms (n*U relative).
    expect(Math.abs(fit.loss[epochs] - fit.loss[epochs / 2])).toBeLessThan(n * U * fit.loss[epochs])
    // The optimum with L2 is worse than the separable infimum 0 but better than the start.
    expect(fit.loss[epochs]).toBeGreaterThan(0)
    expect(fit.loss[epochs]).toBeLessThan(fit.loss[0])
  })

  it('trains heads with their own sample weights at once: a subsample head equals a head trained on those rows alone', () => {
    // Adam is elementwise, so joint training of H heads is H separate runs; sample weights
    // 1/|rows| on a subsample are plain regression on the gathered rows. The two differ only by
    // float32 rounding in the products (about 1e-7 relative per step), which over 200 steps of
    // size <= lr stays far below the 1e-3 relative tolerance; a wrong mask or a wrong column
    // split changes the weights at order 1.
    const phi = tf.tensor2d(x, [n, m])
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 1 || i < 30)
    const options = { epochs: 200, learningRate: 0.1, l2: 0.001 }
    const fits = trainSoftmaxHeads(
      phi,
      labels,
      L,
      [sampleWeights(n, null), sampleWeights(n, rows)],
      options
    )
    const sub = tf.gather(phi, tf.tensor1d(rows, 'int32'))
    const alone = trainSoftmax(
      sub,
      Int32Array.from(rows, (i) => labels[i]),
      L,
      options
    )
    const full = trainSoftmax(phi, labels, L, options)
    tf.dispose([phi, sub])
    expect(fits).toHaveLength(2)
    const close = (a: Float32Array, b: Float32Array) => {
      for (let k = 0; k < a.length; k++)
        expect(Math.abs(a[k] - b[k])).toBeLessThan(1e-3 * (1 + Math.abs(b[k])))
    }
    close(fits[0].W, full.W)
    close(fits[0].b, full.b)
    close(fits[1].W, alone.W)
    close(fits[1].b, alone.b)
    // The two heads are genuinely different problems.
    let differ = 0
    for (let k = 0; k < full.W.length; k++)
      differ = Math.max(differ, Math.abs(full.W[k] - alone.W[k]))
    expect(differ).toBeGreaterThan(1e-2)
  })

  it('is deterministic and leaves no tensors behind', () => {
    const phi = tf.tensor2d(x, [n, m])
    const before = tf.memory().numTensors
    const a = trainSoftmax(phi, labels, L, { epochs: 50, learningRate: 0.1, l2: 0.001 })
    const b = trainSoftmax(phi, labels, L, { epochs: 50, learningRate: 0.1, l2: 0.001 })
    expect(tf.memory().numTensors).toBe(before)
    phi.dispose()
    expect(b.W).toEqual(a.W)
    expect(b.b).toEqual(a.b)
    expect(b.loss).toEqual(a.loss)
  })
})

describe("trainSoftmax with optimizer 'gd': plain full-batch gradient descent", () => {
  const [n, m, L, l2] = [60, 5, 3, 0.05]
  const rng = stream(3, 'test/softmax/gd')
  const x = Float32Array.from(rng.normals(n * m), Math.abs)
  const labels = Int32Array.from({ length: n }, () => rng.int(L))
  const w = sampleWeights(n, null)

  it('moves the head by the step times the gradient: W1 = W0 - eta grad J(W0), and again from W1', () => {
    const phi = tf.tensor2d(x, [n, m])
    const eta = 0.37
    const one = trainSoftmax(phi, labels, L, { epochs: 1, learningRate: eta, l2, optimizer: 'gd' })
    const two = trainSoftmax(phi, labels, L, { epochs: 2, learningRate: eta, l2, optimizer: 'gd' })
    const zero = { W: new Float32Array(m * L), b: new Float32Array(L) }
    const g0 = softmaxObjective(phi, labels, L, zero, l2)
    const g1 = softmaxObjective(phi, labels, L, one, l2)
    phi.dispose()
    // Each entry is one float32 multiply-subtract of the gradient the objective computes: a
    // relative error of a few U, against steps of order eta * |gradient| ~ 1e-2.
    const near = (got: Float32Array, want: (k: number) => number, what: string, ulps = 8) => {
      for (let k = 0; k < got.length; k++) {
        expect(Math.abs(got[k] - want(k)), `${what}[${k}]`).toBeLessThan(
          ulps * U * (1 + Math.abs(want(k)))
        )
      }
    }
    near(one.W, (k) => -eta * g0.dW[k], 'W1')
    near(one.b, (k) => -eta * g0.db[k], 'b1')
    near(two.W, (k) => one.W[k] - eta * g1.dW[k], 'W2')
    near(two.b, (k) => one.b[k] - eta * g1.db[k], 'b2')
    // Adam's first step is eta g / (|g| + epsilon), about eta times the sign of the gradient:
    // with gradients well below 1 in size, a different head.
    const phiAgain = tf.tensor2d(x, [n, m])
    const adam = trainSoftmax(phiAgain, labels, L, { epochs: 1, learningRate: eta, l2 })
    phiAgain.dispose()
    expect(Math.max(...Array.from(g0.dW, Math.abs))).toBeLessThan(0.5)
    near(adam.W, (k) => (-eta * g0.dW[k]) / (Math.abs(g0.dW[k]) + 1e-8), 'Adam W1', 64)
  })

  it('with a tiny step, lowers the float64 loss by the step times the squared gradient norm (first order)', () => {
    // J(theta - eta g) = J(theta) - eta ||g||^2 + O(eta^2 ||g||^2 * curvature): with eta = 1e-3
    // and a curvature bounded by (1/2) max ||(phi_i, 1)||^2 + l2, the second-order term is below
    // 1% of the first.
    const phi = tf.tensor2d(x, [n, m])
    const eta = 1e-3
    const fit = trainSoftmax(phi, labels, L, { epochs: 1, learningRate: eta, l2, optimizer: 'gd' })
    phi.dispose()
    let smooth = 0
    for (let i = 0; i < n; i++) {
      let sq = 1
      for (let j = 0; j < m; j++) sq += x[i * m + j] ** 2
      smooth = Math.max(smooth, sq / 2)
    }
    smooth += l2
    expect((eta * smooth) / 2).toBeLessThan(0.01)
    const J0 = loss64(x, labels, n, m, L, new Float64Array(m * L), new Float64Array(L), l2, w)
    const J1 = loss64(x, labels, n, m, L, Float64Array.from(fit.W), Float64Array.from(fit.b), l2, w)
    const firstOrder = eta * fit.gradNorm[0] ** 2
    expect(J0 - J1).toBeGreaterThan(0)
    expect(Math.abs(J0 - J1 - firstOrder)).toBeLessThan(0.02 * firstOrder)
  })

  it('never raises the loss with a step below 1 / (the loss smoothness bound)', () => {
    // The Hessian of J is at most (1/2) max_i ||(phi_i, 1)||^2 + l2 (softmax curvature <= 1/2
    // per logit direction, sample weights summing to 1), so gradient descent with eta below its
    // inverse decreases J at every step (descent lemma), up to float32 rounding of the loss.
    let smooth = 0
    for (let i = 0; i < n; i++) {
      let sq = 1
      for (let j = 0; j < m; j++) sq += x[i * m + j] ** 2
      smooth = Math.max(smooth, sq / 2)
    }
    const eta = 0.9 / (smooth + l2)
    const phi = tf.tensor2d(x, [n, m])
    const fit = trainSoftmax(phi, labels, L, { epochs: 80, learningRate: eta, l2, optimizer: 'gd' })
    phi.dispose()
    for (let t = 1; t <= 80; t++) {
      expect(fit.loss[t], `epoch ${t}`).toBeLessThanOrEqual(fit.loss[t - 1] + n * U * fit.loss[0])
    }
    expect(fit.loss[80]).toBeLessThan(fit.loss[0] - 0.01)
  })

  it('rejects an unknown optimizer, naming the option', () => {
    const phi = tf.tensor2d(x, [n, m])
    expect(() =>
      trainSoftmax(phi, labels, L, {
        epochs: 1,
        learningRate: 0.1,
        l2,
        optimizer: 'sgd' as unknown as 'gd'
      })
    ).toThrow(/'optimizer'/)
    phi.dispose()
  })
})
