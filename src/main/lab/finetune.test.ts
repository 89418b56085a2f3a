/**
 * The fine-tuning core (SCIENCE.md section 6): hand-written gradients against finite differences
 * of an independent float64 reimplementation of the loss, and the optimisers' update rules
 * against their definitions.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { trainingSchema, type TrainingConfig } from '../../kinds/finetune/config'
import { initBackend } from './backend'
import { normTask, type Dataset } from './data'
import {
  ADAM_BETA1,
  createFineTuner,
  fineTuneModel,
  lossGradients,
  shuffledOrder,
  type FineTuneInput
} from './finetune'
import { backdooredRows, rowScoreGrid, sampleReluWeights, scoreGrid } from './relu'
import { stream } from './rng'
import { sampleSecret } from './secret'
import { nullDirections, spikeStatistics } from './spike'

beforeAll(async () => {
  await initBackend()
})

/** The loss of SCIENCE.md section 6 in float64, written from the definition: mean softplus(-y z). */
function referenceLoss(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  g: ArrayLike<number>,
  m: number,
  d: number,
  tau: number,
  a: number
): number {
  const B = y.length
  let total = 0
  for (let b = 0; b < B; b++) {
    let f = 0
    for (let i = 0; i < m; i++) {
      let dot = 0
      for (let j = 0; j < d; j++) dot += g[i * d + j] * x[b * d + j]
      f += Math.max(0, dot)
    }
    f /= m
    const t = -y[b] * a * (f - tau)
    total += Math.log(1 + Math.exp(t))
  }
  return total / B
}

describe('lossGradients: the hand-written gradients of the logistic loss', () => {
  // Sizes d = 5, m = 7, B = 6. Central differences with h = 1e-6 on the float64 loss: the
  // truncation error is O(h^2) (about 1e-12 here) and the rounding error about 1e-16 / h = 1e-10,
  // so the differences are exact to far below the tolerance. The point is chosen with every
  // pre-activation |<g_i, x_b>| >= 0.05, while a step of h moves them by at most h * max|x| < 1e-5:
  // no difference crosses a ReLU kink. The tfjs gradients are float32: each carries a relative
  // rounding error of a few 1e-7 on the sum of the absolute per-sample terms S that make it up
  // (S computed here in float64). The tolerance |tfjs - finite difference| <= 1e-3 S + 1e-10 is
  // thousands of such roundings, yet a wrong formula (a missing mask, factor 1/m, a or sign) is
  // off by a fraction of order 1 of S.
  const d = 5
  const m = 7
  const B = 6
  const h = 1e-6

  function point(seed: number) {
    const rng = stream(seed, 'test/gradient')
    const x = rng.normals(B * d)
    const g = rng.normals(m * d)
    const y = Int8Array.from({ length: B }, () => (rng.uniform() < 0.5 ? -1 : 1))
    let minPre = Infinity
    for (let b = 0; b < B; b++)
      for (let i = 0; i < m; i++) {
        let dot = 0
        for (let j = 0; j < d; j++) dot += g[i * d + j] * x[b * d + j]
        minPre = Math.min(minPre, Math.abs(dot))
      }
    return { x, g, y, minPre }
  }

  for (const [tau, a] of [
    [0.4, 2.5],
    [1.1, -0.7]
  ]) {
    it(`agree with central finite differences of a float64 reimplementation (tau ${tau}, a ${a})`, () => {
      let seed = 0
      let p = point(seed)
      while (p.minPre < 0.05) p = point(++seed)
      const { x, g, y } = p
      const got = lossGradients(x, y, g, m, d, tau, a)
      const L = (gg: ArrayLike<number>, t: number, aa: number) =>
        referenceLoss(x, y, gg, m, d, t, aa)

      // Per-sample pieces in float64, for the scales S.
      const f = new Float64Array(B)
      const active = new Uint8Array(B * m)
      for (let b = 0; b < B; b++) {
        for (let i = 0; i < m; i++) {
          let dot = 0
          for (let j = 0; j < d; j++) dot += g[i * d + j] * x[b * d + j]
          active[b * m + i] = dot > 0 ? 1 : 0
          f[b] += Math.max(0, dot) / m
        }
      }
      const dz = Array.from(f, (fb, b) => {
        const t = -y[b] * a * (fb - tau)
        return -y[b] / (1 + Math.exp(-t)) / B
      })

      let checkedNonZero = 0
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < d; j++) {
          const plus = Float64Array.from(g)
          const minus = Float64Array.from(g)
          plus[i * d + j] += h
          minus[i * d + j] -= h
          const fd = (L(plus, tau, a) - L(minus, tau, a)) / (2 * h)
          let scale = 0
          for (let b = 0; b < B; b++)
            scale += (Math.abs(dz[b] * a) * active[b * m + i] * Math.abs(x[b * d + j])) / m
          if (scale > 0) checkedNonZero++
          expect(Math.abs(got.dG[i * d + j] - fd), `dG[${i}][${j}]`).toBeLessThanOrEqual(
            1e-3 * scale + 1e-10
          )
        }
      }
      expect(checkedNonZero).toBeGreaterThan(0)
      const fdTau = (L(g, tau + h, a) - L(g, tau - h, a)) / (2 * h)
      const scaleTau = dz.reduce((acc, v) => acc + Math.abs(v * a), 0)
      expect(Math.abs(got.dTau - fdTau)).toBeLessThanOrEqual(1e-3 * scaleTau + 1e-10)
      const fdA = (L(g, tau, a + h) - L(g, tau, a - h)) / (2 * h)
      const scaleA = dz.reduce((acc, v, b) => acc + Math.abs(v * (f[b] - tau)), 0)
      expect(Math.abs(got.dA - fdA)).toBeLessThanOrEqual(1e-3 * scaleA + 1e-10)
      // Sanity of the scales: the gradients are not all negligible against them.
      expect(Math.abs(fdTau)).toBeGreaterThan(1e-3 * scaleTau)
    })
  }
})

describe('shuffledOrder', () => {
  it('is a permutation, and the same stream gives the same sequence of permutations', () => {
    const a = stream(3, 'batches')
    const b = stream(3, 'batches')
    for (let epoch = 0; epoch < 3; epoch++) {
      const p = shuffledOrder(50, a)
      expect(Array.from(p).sort((u, v) => u - v)).toEqual(Array.from({ length: 50 }, (_, i) => i))
      expect(shuffledOrder(50, b)).toEqual(p)
    }
  })
})

/** A small fine-tuning problem on the norm task. */
function problem(training: Partial<TrainingConfig>, n = 40): FineTuneInput {
  const d = 6
  const m = 9
  const train: Dataset = normTask(n, d, stream(7, 'data/train'))
  const test: Dataset = normTask(30, d, stream(7, 'data/test'))
  return {
    train,
    test,
    rows: stream(7, 'weights').normals(m * d),
    m,
    s: sampleSecret(d, 2, stream(7, 'key')),
    tau0: 1.0,
    a0: 3.0,
    training: trainingSchema.parse({ epochs: 1, batchSize: n, ...training }),
    batchSeed: 7,
    trackLambda: 1,
    target: 1,
    lambdas: [0, 1, 2],
    nullDirections: nullDirections(d, 2, 25, stream(7, 'null-directions'))
  }
}

describe('the optimisers follow their update rules (one full batch per epoch)', () => {
  // With batchSize = n every epoch is one step on the whole training set, whose gradient is
  // lossGradients at the current parameters (the batch order only permutes the rows; that moves
  // the gradient by float32 rounding, about 1e-7 relative). G is float32 with entries of size
  // up to about 4: one rounding of G is at most 2^-22 * 4 = 9.5e-7, so updates are compared with
  // an absolute tolerance of 3e-6 on lr * gradient steps of order 1e-2 to 1e-1.
  const TOL = 3e-6

  it('SGD: G <- G - lr (dG + wd G), tau <- tau - lr dtau, a <- a - lr da', () => {
    const input = problem({
      optimizer: 'sgd',
      learningRate: 0.5,
      weightDecay: 0.01,
      parameters: ['G', 'tau', 'a']
    })
    const { m, train } = input
    const d = train.d
    const g = lossGradients(train.x, train.y, input.rows, m, d, input.tau0, input.a0)
    const result = fineTuneModel(input)
    let moved = 0
    for (let k = 0; k < m * d; k++) {
      const expected = input.rows[k] - 0.5 * (g.dG[k] + 0.01 * input.rows[k])
      expect(Math.abs(result.rows[k] - expected)).toBeLessThanOrEqual(TOL)
      moved = Math.max(moved, Math.abs(result.rows[k] - input.rows[k]))
    }
    expect(moved).toBeGreaterThan(100 * TOL)
    expect(result.after.tau).toBeCloseTo(input.tau0 - 0.5 * g.dTau, 6)
    expect(result.after.a).toBeCloseTo(input.a0 - 0.5 * g.dA, 6)
  })

  it('SGD with scaleGByM multiplies the step of G (only G) by m', () => {
    const input = problem({
      optimizer: 'sgd',
      learningRate: 0.05,
      scaleGByM: true,
      parameters: ['G', 'tau']
    })
    const { m, train } = input
    const g = lossGradients(train.x, train.y, input.rows, m, train.d, input.tau0, input.a0)
    const result = fineTuneModel(input)
    for (let k = 0; k < input.rows.length; k++) {
      expect(Math.abs(result.rows[k] - (input.rows[k] - 0.05 * m * g.dG[k]))).toBeLessThanOrEqual(
        TOL
      )
    }
    expect(result.after.tau).toBeCloseTo(input.tau0 - 0.05 * g.dTau, 6)
    expect(result.after.a).toBe(input.a0)
  })

  it('momentum (heavy ball): two steps move G by -lr (g1 + (mu g1 + g2))', () => {
    const mu = 0.9
    const lr = 0.3
    const input = problem({
      optimizer: 'momentum',
      momentum: mu,
      learningRate: lr,
      epochs: 2,
      parameters: ['G']
    })
    const { m, train } = input
    const d = train.d
    const g1 = lossGradients(train.x, train.y, input.rows, m, d, input.tau0, input.a0)
    const afterOne = fineTuneModel({ ...input, training: { ...input.training, epochs: 1 } }).rows
    const g2 = lossGradients(train.x, train.y, afterOne, m, d, input.tau0, input.a0)
    const result = fineTuneModel(input)
    for (let k = 0; k < m * d; k++) {
      const expected = input.rows[k] - lr * (g1.dG[k] + (mu * g1.dG[k] + g2.dG[k]))
      expect(Math.abs(result.rows[k] - expected)).toBeLessThanOrEqual(2 * TOL)
    }
    expect(result.after.tau).toBe(input.tau0)
  })

  it('Adam: the bias-corrected first step moves every parameter by lr against the sign of its gradient', () => {
    // Step 1: m1 = (1 - b1) g, m2 = (1 - b2) g^2; bias-corrected, m1_hat / sqrt(m2_hat) = sign(g).
    // The step is lr |g| / (|g| + 1e-8): within lr * 1e-8 / |g| of lr. Without the bias
    // correction it would be lr (1 - b1) / sqrt(1 - b2) = 3.16 lr.
    const lr = 0.01
    const input = problem({ optimizer: 'adam', learningRate: lr, parameters: ['G', 'tau', 'a'] })
    const { m, train } = input
    const g = lossGradients(train.x, train.y, input.rows, m, train.d, input.tau0, input.a0)
    const result = fineTuneModel(input)
    let checked = 0
    for (let k = 0; k < input.rows.length; k++) {
      if (Math.abs(g.dG[k]) < 1e-4) continue
      checked++
      const expected = input.rows[k] - lr * Math.sign(g.dG[k])
      expect(Math.abs(result.rows[k] - expected)).toBeLessThanOrEqual(TOL)
    }
    expect(checked).toBeGreaterThan(input.rows.length / 2)
    expect(result.after.tau).toBeCloseTo(input.tau0 - lr * Math.sign(g.dTau), 6)
    expect(result.after.a).toBeCloseTo(input.a0 - lr * Math.sign(g.dA), 6)
    expect(ADAM_BETA1).toBe(0.9)
  })
})

describe('fineTuneModel: records', () => {
  it('records epochs 0..E; epoch 0 is the measurement before training, the last one the measurement after', () => {
    const input = problem({ epochs: 3, batchSize: 8, learningRate: 0.01 })
    const seen: number[] = []
    const result = fineTuneModel(input, (r) => seen.push(r.epoch))
    expect(seen).toEqual([0, 1, 2, 3])
    expect(result.epochs.map((r) => r.epoch)).toEqual([0, 1, 2, 3])
    const { curve: _b, outcomes: _ob, ...before } = result.before
    const { curve: _a, outcomes: _oa, ...after } = result.after
    expect(result.epochs[0]).toEqual(before)
    expect(result.epochs[3]).toEqual(after)
    expect(result.before.curve.map((p) => p.lambda)).toEqual([0, 1, 2])
    // Each input's outcomes (for the bootstrap of lambda50) add up to the curve's counts.
    for (const m of [result.before, result.after]) {
      const { candidate, inTarget } = m.outcomes
      const n = candidate.length
      expect(n).toBe(m.total)
      m.curve.forEach((p, j) => {
        let flipped = 0
        for (let i = 0; i < n; i++) if (candidate[i] && inTarget[j * n + i]) flipped++
        expect(candidate.reduce((a, c) => a + c, 0)).toBe(p.candidates)
        expect(flipped).toBe(p.flipped)
      })
    }
    // At lambda = 0 no candidate is in the target class yet.
    expect(result.before.curve[0].flipped).toBe(0)
    expect(result.before.weightDrift).toBe(0)
    expect(result.after.weightDrift).toBeGreaterThan(0)
  })

  it('leaves G, its drift and spike energy untouched when only tau is trained', () => {
    const input = problem({ epochs: 2, batchSize: 8, learningRate: 0.1, parameters: ['tau'] })
    const result = fineTuneModel(input)
    expect(result.rows).toEqual(input.rows)
    expect(result.after.weightDrift).toBe(0)
    expect(result.after.spikeEnergy).toBe(result.before.spikeEnergy)
    expect(result.after.a).toBe(input.a0)
    expect(result.after.tau).not.toBe(input.tau0)
  })

  it('keeps the tensor count of the backend, also for an abandoned tuner after dispose', () => {
    fineTuneModel(problem({ epochs: 1 })) // warm-up
    const before = tf.memory().numTensors
    for (const optimizer of ['adam', 'sgd', 'momentum'] as const) {
      fineTuneModel(problem({ optimizer, epochs: 2, batchSize: 7, weightDecay: 0.1 }))
    }
    const tuner = createFineTuner(problem({ epochs: 5 }))
    tuner.trainEpoch()
    tuner.dispose()
    expect(() => tuner.trainEpoch()).toThrow(/disposed/)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('the measurements follow their definitions (recomputed in float64 from the returned rows)', () => {
  // Scores are float32 in tfjs against float64 here: relative differences of order 1e-6. The loss
  // is compared to 1e-5 relative; counts are compared exactly, which holds unless some held-out
  // score lies within about 1e-6 of tau (it does not for this fixed seed; the check would
  // then fail loudly, not silently pass).
  it('loss, accuracy, candidates, ASR at trackLambda and over the grid, spike energy, drift', () => {
    const input = problem({
      epochs: 2,
      batchSize: 8,
      learningRate: 0.05,
      parameters: ['G', 'tau', 'a']
    })
    const result = fineTuneModel(input)
    const { m, s, train, test, target } = input
    const d = train.d
    const G = result.rows
    const score = (x: ArrayLike<number>, row: number, shift: number) => {
      let f = 0
      for (let i = 0; i < m; i++) {
        let dot = 0
        for (let j = 0; j < d; j++) dot += G[i * d + j] * (x[row * d + j] + shift * s[j])
        f += Math.max(0, dot)
      }
      return f / m
    }
    const { tau, a } = result.after
    const predict = (f: number) => (a * (f - tau) > 0 ? 1 : -1)
    let loss = 0
    for (let r = 0; r < train.n; r++)
      loss += Math.log1p(Math.exp(-train.y[r] * a * (score(train.x, r, 0) - tau)))
    loss /= train.n
    expect(Math.abs(result.after.loss - loss)).toBeLessThan(1e-5 * loss)
    let correct = 0
    const candidates: number[] = []
    for (let r = 0; r < test.n; r++) {
      const label = predict(score(test.x, r, 0))
      if (label === test.y[r]) correct++
      if (label !== target) candidates.push(r)
    }
    expect(result.after.correct).toBe(correct)
    expect(result.after.total).toBe(test.n)
    expect(result.after.candidates).toBe(candidates.length)
    const flipped = (lambda: number) =>
      candidates.filter((r) => predict(score(test.x, r, lambda)) === target).length
    expect(result.after.flipped).toBe(flipped(input.trackLambda))
    for (const p of result.after.curve) {
      expect(p.flipped, `lambda ${p.lambda}`).toBe(flipped(p.lambda))
      expect(p.candidates).toBe(candidates.length)
    }
    let energy = 0
    let driftSq = 0
    let normSq = 0
    for (let i = 0; i < m; i++) {
      let dot = 0
      for (let j = 0; j < d; j++) {
        dot += G[i * d + j] * s[j]
        driftSq += (G[i * d + j] - input.rows[i * d + j]) ** 2
        normSq += input.rows[i * d + j] ** 2
      }
      energy += dot * dot
    }
    expect(result.after.spikeEnergy).toBeCloseTo(energy / m - 1, 10)
    expect(result.after.weightDrift).toBeCloseTo(Math.sqrt(driftSq / normSq), 10)
    expect(result.after.weightDrift).toBeGreaterThan(0)

    // Robust accuracy: inputs whose true label is not the target, still given it when triggered.
    const robust = Array.from({ length: test.n }, (_, r) => r).filter((r) => test.y[r] !== target)
    expect(result.after.robustTotal).toBe(robust.length)
    expect(result.after.robustCorrect).toBe(
      robust.filter((r) => predict(score(test.x, r, input.trackLambda)) === test.y[r]).length
    )
    // On the inputs both rates count (true label and prediction not the target), a binary
    // classifier gives every triggered input either the target or its true label: flipped and
    // robustly correct inputs add up to all of them.
    const shared = candidates.filter((r) => test.y[r] !== target)
    const sharedFlipped = shared.filter(
      (r) => predict(score(test.x, r, input.trackLambda)) === target
    )
    const sharedRobust = shared.filter(
      (r) => predict(score(test.x, r, input.trackLambda)) === test.y[r]
    )
    expect(shared.length).toBeGreaterThan(0)
    expect(sharedFlipped.length + sharedRobust.length).toBe(shared.length)

    // Normalised spike energy and its null band, against the float64 reference on the rows.
    const reference = spikeStatistics(G, m, d, s, input.nullDirections!)
    expect(result.after.traceOverD).toBeCloseTo(reference.traceOverD, 10)
    expect(result.after.normalisedSpikeEnergy).toBeCloseTo(reference.normalised, 10)
    // The band's moments come from a float32 matrix product: relative rounding about 1e-6.
    const band = result.after.nullSpikeEnergy!
    for (const key of ['mean', 'lower', 'upper'] as const) {
      expect(Math.abs(band[key] - reference.nullBand[key]), key).toBeLessThan(1e-5)
    }
  })

  it('rowScoreGrid of the rows Z + sqrt(theta) u s^T agrees with scoreGrid (float32 rounding)', () => {
    const [n, m, d] = [50, 40, 8]
    const x = normTask(n, d, stream(2, 'data/train')).x
    const w = sampleReluWeights(m, d, stream(2, 'weights'), stream(2, 'spike'))
    const s = sampleSecret(d, 3, stream(2, 'key'))
    const lambdas = [0, 1.5, 4]
    const both = scoreGrid(x, n, w, s, 2, lambdas)
    const clean = rowScoreGrid(x, n, backdooredRows(w, s, 0), m, d, s, lambdas)
    const backdoored = rowScoreGrid(x, n, backdooredRows(w, s, 2), m, d, s, lambdas)
    lambdas.forEach((_, l) => {
      for (let r = 0; r < n; r++) {
        // Scores are O(1); float32 products of length d = 8 round to about 1e-6.
        expect(Math.abs(clean[l][r] - both.clean[l][r])).toBeLessThan(1e-5)
        expect(Math.abs(backdoored[l][r] - both.backdoored[l][r])).toBeLessThan(1e-5)
      }
    })
  })
})
