/**
 * The detection statistics of SCIENCE.md section 11 on the lab's own weights: the second moment,
 * the diagonal's closed form, and the truncated power method's invariants and support recovery.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import {
  detectionStatistics,
  maxDiagonal,
  secondMoment,
  sparseTopEigen,
  statisticsOf,
  topIndices
} from './detect'
import { topEigen } from './eigen'
import { backdooredRows, sampleReluWeights } from './relu'
import { stream } from './rng'
import { sampleSecret } from './secret'
import { supportDiagonalMean } from '../../kinds/detectability/theory'

beforeAll(async () => {
  await initBackend()
})

function draw(seed: number, d: number, m: number, k: number, theta: number) {
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  return { s, rows: backdooredRows(w, s, theta) }
}

describe('secondMoment', () => {
  it('is G^T G / m, symmetric, to float32 rounding of the product', () => {
    const [m, d] = [300, 12]
    const rows = stream(1, 'test/detect/moment').normals(m * d)
    const c = secondMoment(rows, m, d)
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let exact = 0
        for (let r = 0; r < m; r++) exact += rows[r * d + i] * rows[r * d + j]
        exact /= m
        expect(Math.abs(c[i * d + j] - exact)).toBeLessThan(1e-5)
        expect(c[i * d + j]).toBe(c[j * d + i])
      }
    }
  })

  it('names the argument it refuses', () => {
    expect(() => secondMoment(new Float32Array(5), 2, 3)).toThrow(/'rows' must hold m\*d = 6/)
  })
})

describe('maxDiagonal (diagonal thresholding)', () => {
  it('support coordinates have mean 1 + theta/k, the others 1, within their sampling error', () => {
    const [d, m, k, theta, R] = [40, 800, 4, 2, 30]
    // One value per draw (the mean over its support, and over the rest): draws are independent,
    // coordinates of one draw are not (the support shares u).
    const support: number[] = []
    const rest: number[] = []
    for (let r = 0; r < R; r++) {
      const { s, rows } = draw(100 + r, d, m, k, theta)
      const c = secondMoment(rows, m, d)
      const diagonal = Array.from({ length: d }, (_, j) => c[j * d + j])
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
      support.push(mean(diagonal.filter((_, j) => s[j] !== 0)))
      rest.push(mean(diagonal.filter((_, j) => s[j] === 0)))
    }
    const check = (values: number[], expected: number) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))
      expect(Math.abs(mean - expected)).toBeLessThan((4 * sd) / Math.sqrt(values.length))
    }
    check(support, supportDiagonalMean(theta, k))
    check(rest, 1)
  })

  it('is the largest diagonal entry', () => {
    const c = Float64Array.of(1, 0, 0, 0, 3, 0, 0, 0, 2)
    expect(maxDiagonal(c, 3)).toBe(3)
  })
})

describe('topIndices', () => {
  it('picks the k largest, ties to the lower index, by insertion and by sort alike', () => {
    const score = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
    expect(topIndices(score, 3)).toEqual([4, 5, 7])
    expect(topIndices(score, 4)).toEqual([4, 5, 7, 8])
    const many = Array.from({ length: 100 }, (_, i) => (i * 37) % 11)
    const bySort = Array.from(many.keys())
      .sort((a, b) => many[b] - many[a] || a - b)
      .slice(0, 40)
      .sort((a, b) => a - b)
    expect(topIndices(many, 40)).toEqual(bySort)
    expect(topIndices(many.slice(0, 50), 20)).toEqual(
      Array.from(many.slice(0, 50).keys())
        .sort((a, b) => many[b] - many[a] || a - b)
        .slice(0, 20)
        .sort((a, b) => a - b)
    )
  })
})

describe('sparseTopEigen (truncated power method)', () => {
  it('recovers the support and direction of s at large theta (overlap |<v, s>| >= 0.95)', () => {
    const [d, m, k, theta] = [100, 2000, 10, 2]
    for (let r = 0; r < 8; r++) {
      const { s, rows } = draw(200 + r, d, m, k, theta)
      const found = sparseTopEigen(secondMoment(rows, m, d), d, k)
      const overlap = Math.abs(found.vector.reduce((acc, v, i) => acc + v * s[i], 0))
      expect(overlap).toBeGreaterThanOrEqual(0.95)
      const recovered = Array.from(found.vector.keys()).filter((i) => found.vector[i] !== 0)
      expect(recovered.filter((i) => s[i] !== 0).length).toBe(k)
    }
  })

  it('lies between the largest diagonal entry and the top eigenvalue, with a k-sparse unit vector', () => {
    const [d, m, k] = [60, 600, 5]
    for (const theta of [0, 0.3, 3]) {
      const { rows } = draw(300, d, m, k, theta)
      const c = secondMoment(rows, m, d)
      const found = sparseTopEigen(c, d, k)
      expect(found.value).toBeGreaterThanOrEqual(maxDiagonal(c, d) - 1e-12)
      expect(found.value).toBeLessThanOrEqual(topEigen(c, d).value + 1e-12)
      expect(found.vector.filter((v) => v !== 0).length).toBeLessThanOrEqual(k)
      expect(Math.hypot(...found.vector)).toBeCloseTo(1, 12)
    }
  })

  it('is the largest diagonal entry at k = 1 and the top eigenvalue at k = d', () => {
    const [d, m] = [30, 400]
    const { rows } = draw(301, d, m, 3, 1)
    const c = secondMoment(rows, m, d)
    expect(sparseTopEigen(c, d, 1).value).toBeCloseTo(maxDiagonal(c, d), 12)
    expect(sparseTopEigen(c, d, d).value).toBeCloseTo(topEigen(c, d).value, 12)
    expect(() => sparseTopEigen(c, d, d + 1)).toThrow(/'k' must be an integer in \[1, d\]/)
  })
})

describe('detectionStatistics', () => {
  it('is a pure function of the rows, and the statistics of their second moment', () => {
    const { rows } = draw(400, 50, 500, 5, 1)
    const a = detectionStatistics(rows, 500, 50, 5)
    expect(detectionStatistics(rows, 500, 50, 5)).toEqual(a)
    expect(statisticsOf(secondMoment(rows, 500, 50), 50, 5)).toEqual(a)
  })
})
