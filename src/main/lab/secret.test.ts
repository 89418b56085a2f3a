/** The secret key s of SCIENCE.md section 2: k of d coordinates, +-1/sqrt(k) each, fair signs. */
import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile'
import { describe, expect, it } from 'vitest'
import { stream } from './rng'
import { sampleSecret } from './secret'

/** Critical value of a chi-square test with `df` degrees of freedom at the 0.1% level. */
const critical = (df: number) => chisquareQuantile(0.999, df)

describe('sampleSecret', () => {
  it('has exactly k nonzeros, each +-1/sqrt(k), and unit norm', () => {
    const rng = stream(31, 'key')
    for (const [d, k] of [
      [1, 1],
      [10, 1],
      [10, 3],
      [100, 10],
      [64, 64],
      [4096, 17]
    ]) {
      for (let rep = 0; rep < 20; rep++) {
        const s = sampleSecret(d, k, rng)
        expect(s.length).toBe(d)
        const nonzero = Array.from(s).filter((v) => v !== 0)
        expect(nonzero.length).toBe(k)
        for (const v of nonzero) expect(Math.abs(v)).toBe(Math.fround(1 / Math.sqrt(k)))
        // Float32 entries: ||s||^2 = k * fround(1/sqrt(k))^2, within a few float32 ulps of 1.
        const normSq = Array.from(s).reduce((acc, v) => acc + v * v, 0)
        expect(Math.abs(normSq - 1)).toBeLessThan(1e-6)
      }
    }
  })

  it('is reproducible from the seeded stream', () => {
    expect(Array.from(sampleSecret(50, 5, stream(32, 'key')))).toEqual(
      Array.from(sampleSecret(50, 5, stream(32, 'key')))
    )
    expect(Array.from(sampleSecret(50, 5, stream(32, 'key')))).not.toEqual(
      Array.from(sampleSecret(50, 5, stream(33, 'key')))
    )
  })

  it('puts each coordinate in the support with probability k/d (chi-square at the 0.1% level)', () => {
    // Counts O_j of how often coordinate j is in the support over R draws. Sampling without
    // replacement makes them negatively correlated: Cov(O) = c (I - 11^T/d) with
    // c = R p (1 - p) d / (d - 1), p = k/d. So sum_j (O_j - R p)^2 / c is chi-square with d - 1
    // degrees of freedom (a rank d-1 projection of an asymptotically Gaussian vector).
    const d = 30
    const k = 7
    const R = 20_000
    const p = k / d
    const rng = stream(34, 'support')
    const counts = new Float64Array(d)
    for (let r = 0; r < R; r++) {
      const s = sampleSecret(d, k, rng)
      for (let j = 0; j < d; j++) if (s[j] !== 0) counts[j]++
    }
    const c = (R * p * (1 - p) * d) / (d - 1)
    const stat = counts.reduce((acc, o) => acc + (o - R * p) ** 2, 0) / c
    expect(stat).toBeLessThan(critical(d - 1))
  })

  it('draws the support uniformly among all k-subsets (chi-square over the 20 subsets of 3 of 6, 0.1% level)', () => {
    // Stronger than uniform marginals: every one of the C(6, 3) = 20 supports has probability 1/20.
    const d = 6
    const k = 3
    const R = 20_000
    const rng = stream(35, 'subsets')
    const counts = new Map<string, number>()
    for (let r = 0; r < R; r++) {
      const s = sampleSecret(d, k, rng)
      const key = Array.from(s, (v) => (v !== 0 ? 1 : 0)).join('')
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    expect(counts.size).toBe(20)
    const expected = R / 20
    const stat = [...counts.values()].reduce((acc, o) => acc + (o - expected) ** 2 / expected, 0)
    expect(stat).toBeLessThan(critical(19))
  })

  it('gives each nonzero a fair sign, independently of its coordinate (within 4 standard errors)', () => {
    const d = 20
    const k = 5
    const R = 10_000
    const rng = stream(36, 'signs')
    const positives = new Float64Array(d)
    const nonzeros = new Float64Array(d)
    for (let r = 0; r < R; r++) {
      const s = sampleSecret(d, k, rng)
      for (let j = 0; j < d; j++) {
        if (s[j] > 0) positives[j]++
        if (s[j] !== 0) nonzeros[j]++
      }
    }
    // Overall: Binomial(R k, 1/2), standard error sqrt(R k / 4).
    const total = positives.reduce((a, b) => a + b, 0)
    expect(Math.abs(total - (R * k) / 2)).toBeLessThan(4 * Math.sqrt((R * k) / 4))
    // Per coordinate: sum_j (P_j - N_j/2)^2 / (N_j/4) is chi-square with d degrees of freedom.
    let stat = 0
    for (let j = 0; j < d; j++) stat += (positives[j] - nonzeros[j] / 2) ** 2 / (nonzeros[j] / 4)
    expect(stat).toBeLessThan(critical(d))
  })

  it("throws for k > d, naming 'k'", () => {
    expect(() => sampleSecret(5, 6, stream(37, 'key'))).toThrow(/'k'/)
    expect(() => sampleSecret(5, 0, stream(37, 'key'))).toThrow(/'k'/)
    expect(() => sampleSecret(5, 2.5, stream(37, 'key'))).toThrow(/'k'/)
  })

  it("throws for a non-positive d, naming 'd'", () => {
    expect(() => sampleSecret(0, 1, stream(38, 'key'))).toThrow(/'d'/)
  })
})
