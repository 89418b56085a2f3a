/**
 * The Monte Carlo null and the random-matrix landmarks (SCIENCE.md section 11): p-values are
 * uniform at theta = 0; the null's top eigenvalue sits at the Marchenko-Pastur edge (with the
 * Tracy-Widom finite-size correction); above the BBP threshold the top eigenvalue follows
 * `(1 + theta)(1 + gamma/theta)`, below it the null's distribution.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import { detectionStatistics, STATISTICS } from './detect'
import { firstDraws, monteCarloNull, nullDraw, pValue, pValues } from './detectNull'
import { memoryNullCache, recordNullCache, type NullDraws, type NullShape } from './nullCache'
import { backdooredRows, sampleReluWeights } from './relu'
import { stream } from './rng'
import { sampleSecret } from './secret'
import { ksTwoSample, ksUniform } from '../testing/ks'
import {
  bbpThreshold,
  finiteSizeEdge,
  marchenkoPasturEdge,
  spikedTopEigenvalue,
  spikedTopEigenvalueSd
} from '../../kinds/detectability/theory'

beforeAll(async () => {
  await initBackend()
})

/** The statistics of one backdoored draw (theta = 0: its clean twin), from its own seed. */
function drawStatistics(seed: number, d: number, m: number, k: number, theta: number) {
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  return detectionStatistics(backdooredRows(w, s, theta), m, d, k)
}

const meanSd = (values: readonly number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))
  return { mean, sd, se: sd / Math.sqrt(values.length) }
}

describe('pValue', () => {
  it('is (1 + #{null >= observed}) / (B + 1), ties counted as at least', () => {
    expect(pValue(5, [1, 2, 3])).toBe(1 / 4)
    expect(pValue(2, [1, 2, 3])).toBe(3 / 4)
    expect(pValue(0, [1, 2, 3])).toBe(1)
    expect(() => pValue(1, [])).toThrow(/'nullValues'/)
  })

  // The KS test's level: it wrongly rejects uniform p-values at most 1% of the time. Each tested
  // draw gets its own null (so the p-values are independent) of B = 39 draws, so p is uniform on
  // the grid {1/40, ..., 1}, the law the test compares with.
  const LEVEL = 0.01
  const [d, m, k, B, N] = [10, 100, 3, 39, 200]
  const pOf = (theta: number) =>
    Array.from({ length: N }, (_, i) => {
      const shape: NullShape = { d, m, k, seed: 50_000 + i }
      return pValues(drawStatistics(60_000 + i, d, m, k, theta), monteCarloNull(shape, B))
    })

  it(`is uniform at theta = 0: a KS test over ${N} draws does not reject at level ${LEVEL}`, () => {
    const p = pOf(0)
    for (const statistic of STATISTICS) {
      expect(
        ksUniform(
          p.map((x) => x[statistic]),
          B + 1
        ).pValue
      ).toBeGreaterThan(LEVEL)
    }
  })

  it('is far from uniform above the BBP threshold (the same KS test rejects)', () => {
    expect(bbpThreshold(d, m)).toBeLessThan(1)
    const p = pOf(1)
    expect(
      ksUniform(
        p.map((x) => x.topEigenvalue),
        B + 1
      ).pValue
    ).toBeLessThan(1e-6)
  })
})

describe('monteCarloNull', () => {
  const shape: NullShape = { d: 8, m: 50, k: 2, seed: 3 }

  it('draw b comes from stream null/b: the first B draws of a longer null are the null of B', () => {
    const long = monteCarloNull(shape, 12)
    expect(monteCarloNull(shape, 5)).toEqual(firstDraws(long, 5))
    expect(long.topEigenvalue[7]).toBe(nullDraw(shape, 7).topEigenvalue)
  })

  it('reuses and extends a cached null, giving the numbers it would compute afresh', () => {
    const cache = memoryNullCache()
    let computed = 0
    const first = monteCarloNull(shape, 6, cache, () => computed++)
    expect(computed).toBe(6)
    expect(cache.get(shape)).toEqual(first)
    expect(monteCarloNull(shape, 4, cache, () => computed++)).toEqual(firstDraws(first, 4))
    expect(computed).toBe(6)
    const longer = monteCarloNull(shape, 10, cache, () => computed++)
    expect(computed).toBe(10)
    expect(longer).toEqual(monteCarloNull(shape, 10))
    expect(cache.get(shape)).toEqual(longer)
    expect(cache.get({ ...shape, seed: 4 })).toBeNull()
  })

  it("a run's process uses the stored nulls of its own backend and method only, and keeps what it draws", () => {
    const values = monteCarloNull(shape, 3)
    const record = { ...shape, backend: 'wasm', method: 'lanczos-tpm/1', values }
    const kept: unknown[] = []
    const cache = recordNullCache(
      [
        { ...record, backend: 'cpu', values: firstDraws(values, 1) },
        { ...record, method: 'older', values: firstDraws(values, 2) },
        record
      ],
      'wasm',
      (r) => kept.push(r)
    )
    expect(cache.get(shape)).toBe(values)
    expect(recordNullCache([record], 'cpu', () => {}).get(shape)).toBeNull()
    const longer = monteCarloNull(shape, 5, cache)
    expect(kept).toEqual([{ ...shape, backend: 'wasm', method: 'lanczos-tpm/1', values: longer }])
  })

  it('names the argument it refuses', () => {
    expect(() => monteCarloNull(shape, 0)).toThrow(/'draws' must be a positive integer/)
  })
})

describe('the top eigenvalue against random-matrix theory (d = 60, m = 1200, gamma = 0.05)', () => {
  const [d, m, k] = [60, 1200, 6]
  let nullTop: number[]
  beforeAll(() => {
    const values: NullDraws = monteCarloNull({ d, m, k, seed: 7 }, 300)
    nullTop = values.topEigenvalue
  })

  it("the null's mean is within its sampling error of the Marchenko-Pastur edge, corrected to finite size", () => {
    // Finite-size correction (Johnstone 2001): m lambda_max ~ mu + sigma TW1, so the mean sits
    // sigma E[TW1] / m below the edge (about -0.02 here), and its sd is sigma sd(TW1) / m.
    const { mean, sd, se } = meanSd(nullTop)
    const edge = marchenkoPasturEdge(d, m)
    const corrected = finiteSizeEdge(d, m)
    expect(Math.abs(mean - corrected.mean)).toBeLessThan(3 * se)
    expect(Math.abs(mean - edge)).toBeLessThan(3 * se + Math.abs(edge - corrected.mean))
    expect(sd / corrected.sd).toBeGreaterThan(0.8)
    expect(sd / corrected.sd).toBeLessThan(1.2)
  })

  it('above the BBP threshold it is within its sampling error of (1 + theta)(1 + gamma/theta)', () => {
    const R = 60
    for (const theta of [1, 4]) {
      expect(theta).toBeGreaterThan(bbpThreshold(d, m))
      const top = Array.from(
        { length: R },
        (_, r) => drawStatistics(70_000 + r, d, m, k, theta).topEigenvalue
      )
      const { mean, sd, se } = meanSd(top)
      expect(Math.abs(mean - spikedTopEigenvalue(theta, d, m))).toBeLessThan(3 * se)
      // Its spread is Paul's (2007) Gaussian one, within what 60 draws can tell.
      const theory = spikedTopEigenvalueSd(theta, d, m)!
      expect(sd / theory).toBeGreaterThan(0.7)
      expect(sd / theory).toBeLessThan(1.4)
    }
  })

  it("below it (theta = sqrt(gamma)/3) it follows the null's distribution: a two-sample KS test does not reject at 0.01", () => {
    const theta = bbpThreshold(d, m) / 3
    const top = Array.from(
      { length: 150 },
      (_, r) => drawStatistics(80_000 + r, d, m, k, theta).topEigenvalue
    )
    expect(ksTwoSample(top, nullTop).pValue).toBeGreaterThan(0.01)
    // The same test tells a spike above the threshold from the null at once.
    const above = Array.from(
      { length: 30 },
      (_, r) => drawStatistics(80_000 + r, d, m, k, 3 * bbpThreshold(d, m)).topEigenvalue
    )
    expect(ksTwoSample(above, nullTop).pValue).toBeLessThan(1e-6)
  })
})
