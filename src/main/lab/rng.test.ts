/**
 * Seeded named streams (SCIENCE.md section 10) and the distributions they draw from.
 *
 * Every statistical check runs on a fixed seed, so it is deterministic; its tolerance is a
 * stated critical value or a multiple of the sampling error, never a value read off a run.
 */
import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile'
import { describe, expect, it } from 'vitest'
import { stream, type Rng } from './rng'

/**
 * erfc for x >= 0 by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7, far below the
 * KS critical values used here, which are of order 1e-3, and 0.3% of the tail P(|Z| > 4)).
 */
function erfc(x: number): number {
  const t = 1 / (1 + 0.3275911 * x)
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  return poly * Math.exp(-x * x)
}

function erf(x: number): number {
  return x < 0 ? erfc(-x) - 1 : 1 - erfc(x)
}

const normalCdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2))

/** Kolmogorov-Smirnov statistic sup |F_n - F| of a sample against the continuous CDF `cdf`. */
function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(sample).sort()
  const n = sorted.length
  let d = 0
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i])
    d = Math.max(d, (i + 1) / n - f, f - i / n)
  }
  return d
}

function draws(rng: Rng, count: number, draw: (r: Rng) => number): Float64Array {
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = draw(rng)
  return out
}

function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i]
  const mean = sum / values.length
  let sq = 0
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2
  return { mean, variance: sq / (values.length - 1) }
}

/** Pearson chi-square statistic of observed counts against equal expected counts. */
function chiSquareUniform(counts: ArrayLike<number>, total: number): number {
  const expected = total / counts.length
  let stat = 0
  for (let i = 0; i < counts.length; i++) stat += (counts[i] - expected) ** 2 / expected
  return stat
}

const N = 100_000

describe('stream: seeded reproducibility', () => {
  it('gives the identical sequence for the same seed and name', () => {
    const a = stream(42, 'weights')
    const b = stream(42, 'weights')
    for (let i = 0; i < 1000; i++) expect(a.nextUint32()).toBe(b.nextUint32())
    const c = stream(42, 'weights')
    const e = stream(42, 'weights')
    expect(Array.from(c.normals(500))).toEqual(Array.from(e.normals(500)))
  })

  it('gives different sequences for different names under one seed', () => {
    const names = ['data/train', 'data/test', 'key', 'weights', 'spike', 'a', 'b']
    const firsts = names.map((name) => {
      const r = stream(7, name)
      return Array.from({ length: 4 }, () => r.nextUint32()).join(',')
    })
    expect(new Set(firsts).size).toBe(names.length)
  })

  it('gives different sequences for different seeds under one name', () => {
    const seeds = [0, 1, 2, 3, 1000, 0xffffffff]
    const firsts = seeds.map((seed) => {
      const r = stream(seed, 'weights')
      return Array.from({ length: 4 }, () => r.nextUint32()).join(',')
    })
    expect(new Set(firsts).size).toBe(seeds.length)
  })

  it('gives uncorrelated streams for different names (correlation within 5 standard errors of 0)', () => {
    const a = stream(3, 'left')
    const b = stream(3, 'right')
    let sum = 0
    for (let i = 0; i < N; i++) sum += (a.uniform() - 0.5) * (b.uniform() - 0.5)
    // Under independence each product has mean 0 and variance (1/12)^2, so the sample
    // correlation (sum / N) * 12 has standard error 1/sqrt(N).
    const correlation = (sum / N) * 12
    expect(Math.abs(correlation)).toBeLessThan(5 / Math.sqrt(N))
  })

  it("rejects a seed outside [0, 2^32-1], naming 'seed'", () => {
    expect(() => stream(-1, 'x')).toThrow(/'seed'/)
    expect(() => stream(2 ** 32, 'x')).toThrow(/'seed'/)
    expect(() => stream(1.5, 'x')).toThrow(/'seed'/)
  })
})

describe('Rng.uniform', () => {
  const u = draws(stream(11, 'uniform'), N, (r) => r.uniform())

  it('stays in [0, 1)', () => {
    expect(u.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(0)
    expect(u.reduce((a, b) => Math.max(a, b), -Infinity)).toBeLessThan(1)
  })

  it('has mean 1/2 and variance 1/12 within 5 standard errors', () => {
    const { mean, variance } = moments(u)
    // SE of the mean: sqrt((1/12)/N). SE of the variance: sqrt(Var((U-1/2)^2)/N) with
    // Var((U-1/2)^2) = E(U-1/2)^4 - (1/12)^2 = 1/80 - 1/144 = 1/180.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N))
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / N))
  })

  it('carries 53 random bits: each bit of u * 2^53 is set half of the time (within 5 SE)', () => {
    // Each bit of a uniform 53-bit integer is a fair coin: standard error sqrt(1/(4N)).
    const ones = new Float64Array(53)
    let fractional = 0
    for (const v of u) {
      let int = v * 2 ** 53
      if (!Number.isInteger(int)) fractional++
      for (let bit = 0; bit < 53; bit++) {
        if (int % 2 === 1) ones[bit]++
        int = Math.floor(int / 2)
      }
    }
    expect(fractional).toBe(0)
    for (let bit = 0; bit < 53; bit++) {
      expect(Math.abs(ones[bit] / N - 0.5), `bit ${bit}`).toBeLessThan(5 * Math.sqrt(1 / (4 * N)))
    }
  })

  it('passes a Kolmogorov-Smirnov test against U(0, 1) at the 5% level (1.36/sqrt(n))', () => {
    expect(ksStatistic(u, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(1.36 / Math.sqrt(N))
  })
})

describe('Rng.normal', () => {
  const z = draws(stream(12, 'normal'), N, (r) => r.normal())

  it('has mean 0 and variance 1 within 5 standard errors', () => {
    const { mean, variance } = moments(z)
    // SE of the mean: 1/sqrt(N); SE of the variance of N(0,1) draws: sqrt(2/N).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N))
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N))
  })

  it('passes a Kolmogorov-Smirnov test against N(0, 1) at the 5% level (1.36/sqrt(n))', () => {
    expect(ksStatistic(z, normalCdf)).toBeLessThan(1.36 / Math.sqrt(N))
  })

  it('has the normal tails: counts of |z| > 3 and |z| > 4 in 10^6 draws within 4 Poisson SE', () => {
    // The KS distance hardly sees the far tails; a sampler that clips them (for instance by
    // keeping u1 away from 0) would give too few of these. Expected count: n erfc(c/sqrt(2)).
    const rng = stream(17, 'normal/tails')
    const n = 1_000_000
    let beyond3 = 0
    let beyond4 = 0
    for (let i = 0; i < n; i++) {
      const a = Math.abs(rng.normal())
      if (a > 3) beyond3++
      if (a > 4) beyond4++
    }
    for (const [count, c] of [
      [beyond3, 3],
      [beyond4, 4]
    ]) {
      const expected = n * erfc(c / Math.SQRT2)
      expect(Math.abs(count - expected), `|z| > ${c}`).toBeLessThan(4 * Math.sqrt(expected))
    }
  })

  it('pairs the two Box-Muller values independently (lag-1 correlation within 5 SE of 0)', () => {
    // Consecutive draws come from one Box-Muller pair; they must still be uncorrelated.
    let sum = 0
    for (let i = 0; i + 1 < N; i += 2) sum += z[i] * z[i + 1]
    const pairs = N / 2
    expect(Math.abs(sum / pairs)).toBeLessThan(5 / Math.sqrt(pairs))
  })

  it('normals(count) returns the same draws as count calls of normal(), rounded to float32', () => {
    const a = stream(13, 'n')
    const b = stream(13, 'n')
    const batch = a.normals(101)
    for (let i = 0; i < 101; i++) expect(batch[i]).toBe(Math.fround(b.normal()))
  })
})

describe('Rng.int', () => {
  // Critical values of the chi-square goodness-of-fit test at the 0.1% level.
  const critical = (df: number) => chisquareQuantile(0.999, df)

  it.each([2, 7, 10, 1000])(
    'int(%i) is uniform on {0..n-1} by a chi-square test at the 0.1%% level',
    (n) => {
      const rng = stream(14, `int/${n}`)
      const total = Math.max(N, 100 * n)
      const counts = new Float64Array(n)
      let outside = 0
      for (let i = 0; i < total; i++) {
        const v = rng.int(n)
        if (Number.isInteger(v) && v >= 0 && v < n) counts[v]++
        else outside++
      }
      expect(outside).toBe(0)
      expect(chiSquareUniform(counts, total)).toBeLessThan(critical(n - 1))
    }
  )

  it('int(n) for n = 3 * 2^30 has no modulo bias (thirds equally likely, chi-square at 0.1%)', () => {
    // A plain `uint32 % n` would put half of the mass in the first third.
    const n = 3 * 2 ** 30
    const rng = stream(15, 'int/large')
    const counts = new Float64Array(3)
    const total = 30_000
    for (let i = 0; i < total; i++) counts[Math.floor(rng.int(n) / 2 ** 30)]++
    expect(chiSquareUniform(counts, total)).toBeLessThan(critical(2))
  })

  it("rejects a non-positive or fractional n, naming 'n'", () => {
    const rng = stream(16, 'int/bad')
    expect(() => rng.int(0)).toThrow(/'n'/)
    expect(() => rng.int(-3)).toThrow(/'n'/)
    expect(() => rng.int(2.5)).toThrow(/'n'/)
  })
})
