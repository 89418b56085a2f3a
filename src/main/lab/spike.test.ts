/**
 * Normalised spike energy and its null band (SCIENCE.md section 5): invariance to the rows'
 * scale, the distribution of the statistic along random k-sparse directions on clean rows, its
 * expectation for backdoored rows, and the tensor form against the float64 reference.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import { backdooredRows, sampleReluWeights } from './relu'
import { stream } from './rng'
import { sampleSecret } from './secret'
import {
  directionMomentsT,
  normalisedEnergy,
  nullBandOf,
  nullDirections,
  spikeStatistics
} from './spike'

beforeAll(async () => {
  await initBackend()
})

const [d, k, m] = [100, 10, 2000]

function rows(seed: number, theta: number, scale = 1) {
  const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const g = backdooredRows(w, s, theta)
  if (scale !== 1) for (let i = 0; i < g.length; i++) g[i] *= scale
  return { g, s, directions: nullDirections(d, k, 200, stream(seed, 'null-directions')) }
}

describe('nullDirections', () => {
  it('draws k-sparse unit directions with entries ±1/√k, the same ones for the same stream', () => {
    const v = nullDirections(d, k, 50, stream(1, 'null-directions'))
    expect(v.length).toBe(50 * d)
    for (let r = 0; r < 50; r++) {
      const row = v.subarray(r * d, (r + 1) * d)
      const support = Array.from(row).filter((x) => x !== 0)
      expect(support.length).toBe(k)
      for (const x of support) expect(Math.abs(x)).toBeCloseTo(1 / Math.sqrt(k), 6)
    }
    expect(nullDirections(d, k, 50, stream(1, 'null-directions'))).toEqual(v)
    expect(nullDirections(d, k, 50, stream(2, 'null-directions'))).not.toEqual(v)
  })

  it("rejects a count that is not a positive integer, naming 'count'", () => {
    expect(() => nullDirections(d, k, 0, stream(1, 'x'))).toThrow(/'count'/)
  })
})

describe('nullBandOf', () => {
  it('gives the mean and the linearly interpolated 2.5% and 97.5% quantiles', () => {
    // 0, 1, ..., 100 in a shuffled order: the p-quantile is 100 p exactly.
    const values = Array.from({ length: 101 }, (_, i) => (i * 37) % 101)
    const band = nullBandOf(values)
    expect(band.mean).toBeCloseTo(50, 12)
    expect(band.lower).toBeCloseTo(2.5, 12)
    expect(band.upper).toBeCloseTo(97.5, 12)
  })

  it('rejects no values', () => {
    expect(() => nullBandOf([])).toThrow(/'values'/)
  })
})

describe('normalised spike energy (SCIENCE.md section 5)', () => {
  // For Gaussian rows N(0, c^2 I) and a unit direction v, v^T C v = c^2 chi^2_m / m (standard
  // deviation c^2 sqrt(2/m) = 0.032 c^2 at m = 2000), while tr(C)/d averages m d squares (relative
  // standard deviation sqrt(2/(m d)) = 0.003): the normalised statistic is chi^2_m/m - 1 up to that,
  // about 0 with standard deviation sqrt(2/m), whatever c. The raw one is c^2 - 1.
  const se = Math.sqrt(2 / m)

  it('is about 0 for clean rows of any scale, while the raw spike energy is about c² − 1', () => {
    for (const [seed, scale] of [
      [1, 0.5],
      [2, 1],
      [3, 3]
    ]) {
      const { g, s, directions } = rows(seed, 0, scale)
      const stats = spikeStatistics(g, m, d, s, directions)
      expect(Math.abs(stats.normalised), `scale ${scale}`).toBeLessThan(4 * se)
      expect(Math.abs(stats.traceOverD / scale ** 2 - 1)).toBeLessThan(4 * Math.sqrt(2 / (m * d)))
      expect(Math.abs(stats.spikeEnergy - (scale ** 2 - 1))).toBeLessThan(4 * se * scale ** 2)
    }
  })

  it('does not change when every row is multiplied by the same factor', () => {
    const { g, s, directions } = rows(4, 3)
    const base = spikeStatistics(g, m, d, s, directions)
    const scaled = spikeStatistics(
      Float32Array.from(g, (x) => x * 2),
      m,
      d,
      s,
      directions
    )
    // Doubling is exact in float32, so only the float64 sums' rounding differs.
    expect(scaled.normalised).toBeCloseTo(base.normalised, 12)
    expect(scaled.nullBand.mean).toBeCloseTo(base.nullBand.mean, 12)
    expect(scaled.traceOverD).toBeCloseTo(4 * base.traceOverD, 10)
  })

  it('has a null band centred on 0 with the spread of one direction, on clean rows', () => {
    // Each null direction's statistic is about N(0, 2/m); two random k-sparse directions share
    // few coordinates, so the r = 200 values are nearly independent: their mean is within a few
    // sqrt(2/m) of 0 (bounded without independence), their 95% range about ±1.96 sqrt(2/m).
    for (const seed of [5, 6]) {
      const { g, s, directions } = rows(seed, 0)
      const band = spikeStatistics(g, m, d, s, directions).nullBand
      expect(Math.abs(band.mean)).toBeLessThan(4 * se)
      expect(band.lower).toBeLessThan(0)
      expect(band.upper).toBeGreaterThan(0)
      const width = band.upper - band.lower
      expect(width).toBeGreaterThan(0.5 * 2 * 1.96 * se)
      expect(width).toBeLessThan(2 * 2 * 1.96 * se)
    }
  })

  it('is about θ(d − 1)/(d + θ) for backdoored rows, whose null band stays about 0', () => {
    // E s^T C s = 1 + θ and E tr(C)/d = 1 + θ/d, so the statistic is about θ(d−1)/(d+θ), with
    // standard deviation about (1 + θ) sqrt(2/m) / (1 + θ/d). A random k-sparse v has
    // E <v, s>^2 = 1/d, so E v^T C v = 1 + θ/d: its null band is centred on 0 as for clean rows;
    // the spread of θ <v, s>^2 over 200 directions (about θ 0.02 / √200 = 0.006 at θ = 4) adds
    // little to the 4 sqrt(2/m) = 0.13 allowed.
    for (const theta of [1, 4]) {
      const { g, s, directions } = rows(7, theta)
      const stats = spikeStatistics(g, m, d, s, directions)
      const expected = (theta * (d - 1)) / (d + theta)
      const sd = ((1 + theta) * se) / (1 + theta / d)
      expect(Math.abs(stats.normalised - expected), `θ ${theta}`).toBeLessThan(4 * sd)
      expect(Math.abs(stats.nullBand.mean)).toBeLessThan(4 * se)
      expect(stats.normalised).toBeGreaterThan(stats.nullBand.upper)
    }
  })

  it('normalisedEnergy divides by tr(C)/d and subtracts 1', () => {
    expect(normalisedEnergy(1.299, 1.299)).toBe(0)
    expect(normalisedEnergy(5, 1)).toBe(4)
    expect(normalisedEnergy(2.6, 1.3)).toBeCloseTo(1, 14)
  })
})

describe('directionMomentsT', () => {
  it('agrees with the float64 second moments along each direction (float32 rounding)', () => {
    const { g, directions } = rows(8, 2)
    const count = directions.length / d
    const Gt = tf.tidy(() => tf.transpose(tf.tensor2d(g, [m, d]))) as tf.Tensor2D
    const V = tf.tensor2d(directions, [count, d])
    const before = tf.memory().numTensors
    const moments = directionMomentsT(Gt, V)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([Gt, V])
    for (let r = 0; r < count; r++) {
      let total = 0
      for (let i = 0; i < m; i++) {
        let dot = 0
        for (let j = 0; j < d; j++) dot += g[i * d + j] * directions[r * d + j]
        total += dot * dot
      }
      expect(Math.abs(moments[r] - total / m) / (total / m)).toBeLessThan(1e-5)
    }
  })
})
