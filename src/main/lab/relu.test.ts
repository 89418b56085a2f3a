/**
 * Random ReLU networks, clean and sPCA-backdoored (SCIENCE.md sections 3, 4, 5 and 10): the
 * backdoored rows, spike energy, the rank-one and lambda-grid tricks of scoreGrid against a
 * direct computation, and the large-m limit of the score.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import { normTask, rowNormsAndProjections } from './data'
import {
  backdooredRows,
  limitScore,
  limitScores,
  sampleReluWeights,
  scoreGrid,
  spikeEnergy,
  spikeEnergyStdError,
  type ReluWeights
} from './relu'
import { stream } from './rng'
import { sampleSecret } from './secret'

beforeAll(async () => {
  await initBackend()
})

function setup(seed: number, m: number, d: number, k: number) {
  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const s = sampleSecret(d, k, stream(seed, 'key'))
  return { weights, s }
}

/**
 * Direct score of each row of `inputs` (n x d) in float64, with the rows of G formed
 * explicitly as `g_i = z_i + sqrt(theta) u_i s`: `(1/m) sum_i ReLU(<g_i, x>)`.
 */
function directScores(
  inputs: Float64Array,
  n: number,
  w: ReluWeights,
  s: Float32Array,
  theta: number
): Float64Array {
  const { m, d } = w
  const g = new Float64Array(m * d)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < d; j++) g[i * d + j] = w.z[i * d + j] + Math.sqrt(theta) * w.u[i] * s[j]
  }
  const out = new Float64Array(n)
  for (let r = 0; r < n; r++) {
    let total = 0
    for (let i = 0; i < m; i++) {
      let dot = 0
      for (let j = 0; j < d; j++) dot += g[i * d + j] * inputs[r * d + j]
      total += Math.max(0, dot)
    }
    out[r] = total / m
  }
  return out
}

/** Activate: the inputs `x + lambda s`, formed explicitly. */
function activate(
  x: Float32Array,
  n: number,
  d: number,
  s: Float32Array,
  lambda: number
): Float64Array {
  const out = new Float64Array(n * d)
  for (let r = 0; r < n; r++)
    for (let j = 0; j < d; j++) out[r * d + j] = x[r * d + j] + lambda * s[j]
  return out
}

/** Largest relative difference |a - b| / |b|. */
function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]))
  return worst
}

describe('backdooredRows', () => {
  it('with theta = 0 returns the clean rows Z exactly', () => {
    const { weights, s } = setup(41, 50, 20, 4)
    expect(Array.from(backdooredRows(weights, s, 0))).toEqual(Array.from(weights.z))
  })

  it('adds sqrt(theta) u_i s to row i (the sPCA sample g = z + sqrt(theta) u s)', () => {
    const { weights, s } = setup(42, 50, 20, 4)
    const theta = 2.5
    const g = backdooredRows(weights, s, theta)
    for (let i = 0; i < weights.m; i++) {
      for (let j = 0; j < weights.d; j++) {
        const exact = weights.z[i * 20 + j] + Math.sqrt(theta) * weights.u[i] * s[j]
        // One float32 rounding of a sum of terms of size up to |z| + |sqrt(theta) u s|.
        const scale =
          Math.abs(weights.z[i * 20 + j]) + Math.abs(Math.sqrt(theta) * weights.u[i] * s[j])
        expect(Math.abs(g[i * 20 + j] - exact)).toBeLessThanOrEqual(2 ** -23 * scale)
      }
    }
    // Off the support of s the rows are untouched.
    for (let j = 0; j < 20; j++)
      if (s[j] === 0) for (let i = 0; i < 50; i++) expect(g[i * 20 + j]).toBe(weights.z[i * 20 + j])
  })

  it("rejects a negative theta, naming 'theta'", () => {
    const { weights, s } = setup(43, 5, 4, 2)
    expect(() => backdooredRows(weights, s, -0.1)).toThrow(/'theta'/)
  })
})

describe('spikeEnergy', () => {
  it('equals s^T C s - 1 with C = (1/m) sum_i g_i g_i^T formed explicitly', () => {
    const m = 60
    const d = 8
    const { weights, s } = setup(44, m, d, 3)
    const g = backdooredRows(weights, s, 1.5)
    const C = new Float64Array(d * d)
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < d; a++)
        for (let b = 0; b < d; b++) C[a * d + b] += (g[i * d + a] * g[i * d + b]) / m
    }
    let quad = 0
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) quad += s[a] * C[a * d + b] * s[b]
    expect(spikeEnergy(g, m, d, s)).toBeCloseTo(quad - 1, 10)
  })

  // <s, g_i> ~ N(0, 1 + theta) for a unit s, so s^T C s is a mean of m values (1 + theta) chi2_1:
  // mean 1 + theta, standard error (1 + theta) sqrt(2/m).
  for (const theta of [0, 1, 4]) {
    for (const m of [500, 4000]) {
      it(`is within 4 standard errors (1+theta)sqrt(2/m) of theta = ${theta} at m = ${m}`, () => {
        const d = 50
        const { weights, s } = setup(100 + 10 * theta + m, m, d, 5)
        const energy = spikeEnergy(backdooredRows(weights, s, theta), m, d, s)
        expect(Math.abs(energy - theta)).toBeLessThan(4 * spikeEnergyStdError(theta, m))
      })
    }
  }

  it('has the sampling spread spikeEnergyStdError predicts (over 300 independent networks)', () => {
    // R draws of the energy: mean within 4 SE/sqrt(R) of theta; sample SD within 4 of its own
    // standard errors, SD / sqrt(2(R - 1)) (the energy is a mean of m = 200 terms, close to normal).
    const R = 300
    const m = 200
    const d = 20
    const theta = 2
    const s = sampleSecret(d, 4, stream(45, 'key'))
    const energies = Array.from({ length: R }, (_, r) => {
      const w = sampleReluWeights(m, d, stream(45, `weights/${r}`), stream(45, `spike/${r}`))
      return spikeEnergy(backdooredRows(w, s, theta), m, d, s)
    })
    const se = spikeEnergyStdError(theta, m)
    const avg = energies.reduce((a, b) => a + b, 0) / R
    const sd = Math.sqrt(energies.reduce((acc, e) => acc + (e - avg) ** 2, 0) / (R - 1))
    expect(Math.abs(avg - theta)).toBeLessThan((4 * se) / Math.sqrt(R))
    expect(Math.abs(sd - se)).toBeLessThan((4 * se) / Math.sqrt(2 * (R - 1)))
  })

  it('spikeEnergyStdError is (1 + theta) sqrt(2/m)', () => {
    expect(spikeEnergyStdError(0, 2)).toBe(1)
    expect(spikeEnergyStdError(3, 8)).toBeCloseTo(2, 14)
  })
})

describe('scoreGrid', () => {
  const n = 25
  const d = 12
  const m = 400
  const theta = 2.5
  const lambdas = [0, 0.5, 1.7, 4]
  const { weights, s } = setup(46, m, d, 3)
  const x = normTask(n, d, stream(46, 'data')).x

  it('equals (1/m) sum_i ReLU(<g_i, x + lambda s>) computed directly for both networks (1e-4 relative)', () => {
    // float32 scores against a float64 direct sum: the tolerance allows float32 rounding in
    // d-term inner products and an m-term mean (well under 1e-5 relative), not any model error.
    const grid = scoreGrid(x, n, weights, s, theta, lambdas)
    lambdas.forEach((lambda, index) => {
      const shifted = activate(x, n, d, s, lambda)
      expect(
        maxRelativeError(grid.clean[index], directScores(shifted, n, weights, s, 0))
      ).toBeLessThan(1e-4)
      expect(
        maxRelativeError(grid.backdoored[index], directScores(shifted, n, weights, s, theta))
      ).toBeLessThan(1e-4)
    })
  })

  it('Activate: the score at lambda is the score at lambda = 0 of the shifted input x + lambda s', () => {
    const grid = scoreGrid(x, n, weights, s, theta, lambdas)
    lambdas.forEach((lambda, index) => {
      const shifted = Float32Array.from(activate(x, n, d, s, lambda))
      const direct = scoreGrid(shifted, n, weights, s, theta, [0])
      expect(maxRelativeError(grid.clean[index], direct.clean[0])).toBeLessThan(1e-4)
      expect(maxRelativeError(grid.backdoored[index], direct.backdoored[0])).toBeLessThan(1e-4)
    })
    // And the trigger does move the scores (the check above is not vacuous).
    expect(maxRelativeError(grid.backdoored[3], grid.backdoored[0])).toBeGreaterThan(1e-2)
  })

  it('with theta = 0 gives identical clean and backdoored scores', () => {
    const grid = scoreGrid(x, n, weights, s, 0, lambdas)
    lambdas.forEach((_, index) =>
      expect(Array.from(grid.backdoored[index])).toEqual(Array.from(grid.clean[index]))
    )
  })

  it('gives clean scores that do not depend on theta (common random numbers)', () => {
    const a = scoreGrid(x, n, weights, s, 0, lambdas)
    const b = scoreGrid(x, n, weights, s, 9, lambdas)
    lambdas.forEach((_, index) =>
      expect(Array.from(b.clean[index])).toEqual(Array.from(a.clean[index]))
    )
  })

  it('calls onLambda once per grid point, in order', () => {
    const seen: number[] = []
    scoreGrid(x, n, weights, s, theta, lambdas, (i) => seen.push(i))
    expect(seen).toEqual([0, 1, 2, 3])
  })

  it('leaves the number of tfjs tensors unchanged', () => {
    const before = tf.memory().numTensors
    scoreGrid(x, n, weights, s, theta, lambdas)
    scoreGrid(x, n, weights, s, 0, lambdas)
    expect(tf.memory().numTensors).toBe(before)
  })

  it("rejects x of the wrong size, naming 'x'", () => {
    expect(() => scoreGrid(x.subarray(1), n, weights, s, theta, lambdas)).toThrow(/'x'/)
  })
})

describe('limitScores', () => {
  it('equals sqrt(||x + lambda s||^2 + theta <s, x + lambda s>^2) / sqrt(2 pi) computed directly', () => {
    const n = 40
    const d = 15
    const s = sampleSecret(d, 4, stream(47, 'key'))
    const data = normTask(n, d, stream(47, 'data'))
    const { squaredNorms, projections } = rowNormsAndProjections(data, s)
    const sNormSq = s.reduce((acc, v) => acc + v * v, 0)
    for (const theta of [0, 0.7, 3]) {
      for (const lambda of [0, 1, 2.5, 10]) {
        const limit = limitScores(squaredNorms, projections, sNormSq, theta, lambda)
        const shifted = activate(data.x, n, d, s, lambda)
        for (let r = 0; r < n; r++) {
          let sq = 0
          let dot = 0
          for (let j = 0; j < d; j++) {
            sq += shifted[r * d + j] ** 2
            dot += shifted[r * d + j] * s[j]
          }
          expect(limit[r]).toBeCloseTo(
            Math.sqrt(sq + theta * dot * dot) / Math.sqrt(2 * Math.PI),
            10
          )
        }
      }
    }
  })

  it('limitScore is E ReLU(N(0, sigma^2)) = sigma / sqrt(2 pi) with sigma^2 = ||x||^2 + theta <s, x>^2', () => {
    expect(limitScore(4, 0, 7)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 14)
    expect(limitScore(1, 1, 3)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 14)
  })

  it('is approached by scoreGrid as m grows, with a mean gap of the predicted 1/sqrt(m) size (m = 500 vs 8000)', () => {
    // For a fixed input x (already shifted by lambda s), <g_i, x> ~ N(0, sigma^2) with
    // sigma^2 = x^T M x, M = I + theta s s^T, and E ReLU = sigma / sqrt(2 pi) = the limit. The
    // score is a mean of m i.i.d. ReLU values, so by the CLT the gaps (score - limit) over the n
    // inputs are jointly Gaussian with covariance K(x, x') / m, where K is the ReLU (arc-cosine)
    // kernel minus the product of means:
    //   K(x, x') = sigma sigma' (sin(phi) + (pi - phi) cos(phi) - 1) / (2 pi),  cos(phi) = x^T M x' / (sigma sigma').
    // Hence E|gap_r| = sqrt(2/pi) sd_r, and for Gaussians with correlation rho
    //   Cov(|X|, |Y|) = (2/pi) sd_X sd_Y (rho asin(rho) + sqrt(1 - rho^2) - 1),
    // which gives the exact standard error of the mean |gap|. The inputs share the trigger
    // direction, so their gaps are correlated and the standard error is not sd/sqrt(n).
    // Tolerance: 5 of those standard errors. Neither the relative error nor the correlations
    // depend on m, so the ratio of mean gaps at m = 500 and m = 8000 is sqrt(16) = 4 up to it.
    const n = 300
    const d = 100
    const theta = 4
    const lambdas = [0, 2]
    const s = sampleSecret(d, 10, stream(48, 'key'))
    const data = normTask(n, d, stream(48, 'data'))

    /** Per-input ReLU standard deviation (m = 1) and the relative standard error of the mean |gap|. */
    const moments = (inputs: Float64Array, t: number) => {
      const proj = new Float64Array(n)
      for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) proj[r] += inputs[r * d + j] * s[j]
      const inner = (a: number, b: number) => {
        let dot = 0
        for (let j = 0; j < d; j++) dot += inputs[a * d + j] * inputs[b * d + j]
        return dot + t * proj[a] * proj[b]
      }
      const sigma = Array.from({ length: n }, (_, r) => Math.sqrt(inner(r, r)))
      const sd = sigma.map((v) => v * Math.sqrt((Math.PI - 1) / (2 * Math.PI)))
      const expectedAbs = sd.reduce((acc, v) => acc + Math.sqrt(2 / Math.PI) * v, 0) / n
      let variance = 0
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let rho = 1
          if (a !== b) {
            const c = Math.min(1, Math.max(-1, inner(a, b) / (sigma[a] * sigma[b])))
            const phi = Math.acos(c)
            const cov =
              (sigma[a] * sigma[b] * (Math.sin(phi) + (Math.PI - phi) * c - 1)) / (2 * Math.PI)
            rho = cov / (sd[a] * sd[b])
          }
          variance +=
            (2 / Math.PI) * sd[a] * sd[b] * (rho * Math.asin(rho) + Math.sqrt(1 - rho * rho) - 1)
        }
      }
      return { expectedAbs, relativeSe: Math.sqrt(variance) / n / expectedAbs }
    }

    const cases = lambdas.flatMap((lambda) => {
      const inputs = activate(data.x, n, d, s, lambda)
      return [0, theta].map((t) => ({ lambda, t, ...moments(inputs, t) }))
    })
    const { squaredNorms, projections } = rowNormsAndProjections(data, s)
    const sNormSq = s.reduce((acc, v) => acc + v * v, 0)
    const meanGaps = (m: number) => {
      const w = sampleReluWeights(m, d, stream(48, `weights/${m}`), stream(48, `spike/${m}`))
      const grid = scoreGrid(data.x, n, w, s, theta, lambdas)
      return cases.map(({ lambda, t, expectedAbs, relativeSe }) => {
        const scores = (t === 0 ? grid.clean : grid.backdoored)[lambdas.indexOf(lambda)]
        const limit = limitScores(squaredNorms, projections, sNormSq, t, lambda)
        let gap = 0
        for (let r = 0; r < n; r++) gap += Math.abs(scores[r] - limit[r]) / n
        const predicted = expectedAbs / Math.sqrt(m)
        expect(Math.abs(gap / predicted - 1)).toBeLessThan(5 * relativeSe)
        return gap
      })
    }
    const small = meanGaps(500)
    const large = meanGaps(8000)
    cases.forEach(({ relativeSe }, i) => {
      const r = 5 * relativeSe
      expect(small[i] / large[i]).toBeGreaterThan((4 * (1 - r)) / (1 + r))
      expect(small[i] / large[i]).toBeLessThan((4 * (1 + r)) / (1 - r))
    })
  })
})
