/**
 * The bootstrap interval of λ50 and of the λ50 ratio (SCIENCE.md section 5), checked on
 * synthetic attack outcomes whose ASR curve is known in closed form: each candidate input is
 * flipped from its own threshold on, thresholds logistic with location μ and scale σ, so
 * ASR(λ) = 1 / (1 + exp(−(λ − μ)/σ)) and λ50 = μ.
 */
import { describe, expect, it } from 'vitest'
import {
  BOOTSTRAP_RESAMPLES,
  lambda50Bootstrap,
  percentileInterval,
  type AttackOutcomes,
  type KnownRange
} from './lambda50Bootstrap'
import { stream, type Rng } from './rng'
import { Z95, lambda50 } from './stats'

interface Curve {
  mu: number
  sigma: number
}

/** The logistic ASR curve of `c` at λ. */
const asrOf = (c: Curve, lambda: number) => 1 / (1 + Math.exp(-(lambda - c.mu) / c.sigma))

/** A grid with step σ/4 of the clean curve, from 0 to `top`. */
function grid(step: number, top: number): number[] {
  const steps = Math.round(top / step)
  return Array.from({ length: steps + 1 }, (_, j) => j * step)
}

/**
 * n held-out inputs, each a candidate of a network with probability q; the candidate i of each
 * network is flipped at λ ≥ its threshold, a logistic quantile of a uniform u_i. The backdoored
 * network's uniform is the clean one's with probability ρ (else drawn afresh), so both marginals
 * stay exactly logistic and the two networks are correlated, as networks sharing their inputs are.
 */
function outcomes(
  lambdas: number[],
  n: number,
  curves: { clean: Curve; backdoored: Curve },
  rng: Rng,
  { q = 0.7, rho = 0.6 } = {}
): { clean: Network; backdoored: Network } {
  const make = () => ({
    candidate: new Uint8Array(n),
    flags: lambdas.map(() => new Uint8Array(n))
  })
  const out = { clean: make(), backdoored: make() }
  const uniform = () => Math.min(1 - 1e-12, Math.max(1e-12, rng.uniform()))
  for (let i = 0; i < n; i++) {
    const u = uniform()
    const v = rng.uniform() < rho ? u : uniform()
    const candidateClean = rng.uniform() < q
    const candidateBackdoored = rng.uniform() < 0.9 ? candidateClean : rng.uniform() < q
    for (const [model, w, candidate] of [
      ['clean', u, candidateClean],
      ['backdoored', v, candidateBackdoored]
    ] as const) {
      const c = curves[model]
      const threshold = c.mu + c.sigma * Math.log(w / (1 - w))
      out[model].candidate[i] = candidate ? 1 : 0
      lambdas.forEach((lambda, j) => {
        // A non-candidate is already in the target class at every λ, as in a real run.
        out[model].flags[j][i] = !candidate || lambda >= threshold ? 1 : 0
      })
    }
  }
  return { clean: network(out.clean), backdoored: network(out.backdoored) }
}

/** A network's outcomes, with its table of flags (one array per λ) kept for the tests' sums. */
type Network = AttackOutcomes & { flags: Uint8Array[] }
const network = (o: { candidate: Uint8Array; flags: Uint8Array[] }): Network => ({
  ...o,
  inTarget: (j, i) => o.flags[j][i] === 1
})

/** The population λ50 read from the grid the way a run reads it (within O(step²) of μ). */
const truth = (lambdas: number[], c: Curve) =>
  lambda50(
    lambdas,
    lambdas.map((l) => asrOf(c, l))
  )!

const curves = { clean: { mu: 3.1, sigma: 0.4 }, backdoored: { mu: 1.45, sigma: 0.25 } }
const lambdas = grid(0.1, 6)

describe('lambda50Bootstrap: what it returns', () => {
  it('reads the point values as the run does: λ50 of the ASR over the candidates, and their ratio', () => {
    const o = outcomes(lambdas, 800, curves, stream(1, 'test/outcomes'))
    const r = lambda50Bootstrap(lambdas, o, stream(1, 'test/bootstrap'), 200)
    for (const model of ['clean', 'backdoored'] as const) {
      const candidates = o[model].candidate.reduce((a, c) => a + c, 0)
      const rates = o[model].flags.map(
        (row) => row.reduce((a, f, i) => a + (o[model].candidate[i] ? f : 0), 0) / candidates
      )
      expect(r[model].value).toBe(lambda50(lambdas, rates))
    }
    expect(r.ratio.value).toBe(r.clean.value! / r.backdoored.value!)
    expect(r.resamples).toBe(200)
    expect(BOOTSTRAP_RESAMPLES).toBe(1000)
  })

  it('is a pure function of its stream: the same seed gives the same bounds, another seed others', () => {
    const o = outcomes(lambdas, 600, curves, stream(2, 'test/outcomes'))
    const a = lambda50Bootstrap(lambdas, o, stream(7, 'test/bootstrap'), 300)
    const b = lambda50Bootstrap(lambdas, o, stream(7, 'test/bootstrap'), 300)
    const c = lambda50Bootstrap(lambdas, o, stream(8, 'test/bootstrap'), 300)
    expect(b).toEqual(a)
    expect(c.clean.value).toBe(a.clean.value)
    expect([c.clean.lower, c.clean.upper, c.ratio.lower]).not.toEqual([
      a.clean.lower,
      a.clean.upper,
      a.ratio.lower
    ])
  })

  it('contains the point estimate, for λ50 of each network and for the ratio, over many data sets', () => {
    for (let seed = 0; seed < 40; seed++) {
      const o = outcomes(lambdas, 300 + 20 * seed, curves, stream(seed, 'test/outcomes'))
      const r = lambda50Bootstrap(lambdas, o, stream(seed, 'test/bootstrap'), 400)
      for (const e of [r.clean, r.backdoored, r.ratio]) {
        expect(e.undefinedShare).toBe(0)
        expect(e.lower!).toBeLessThanOrEqual(e.value!)
        expect(e.upper!).toBeGreaterThanOrEqual(e.value!)
        expect(e.lower!).toBeLessThan(e.upper!)
      }
    }
  })

  it('with identical networks (θ = 0) gives the same interval twice and a ratio of exactly 1', () => {
    const o = outcomes(lambdas, 500, curves, stream(3, 'test/outcomes'))
    const r = lambda50Bootstrap(
      lambdas,
      { clean: o.clean, backdoored: o.clean },
      stream(3, 'test/bootstrap'),
      300
    )
    expect(r.backdoored).toEqual(r.clean)
    expect(r.ratio).toEqual({ value: 1, lower: 1, upper: 1, undefinedShare: 0 })
  })

  it('names the argument that is wrong', () => {
    const o = outcomes(lambdas, 50, curves, stream(4, 'test/outcomes'))
    const rng = stream(4, 'test/bootstrap')
    expect(() => lambda50Bootstrap(lambdas, o, rng, 0)).toThrow(/'resamples'/)
    expect(() => lambda50Bootstrap([], o, rng, 10)).toThrow(/'lambdas'/)
    const short = { ...o, backdoored: { ...o.backdoored, candidate: new Uint8Array(49) } }
    expect(() => lambda50Bootstrap(lambdas, short, rng, 10)).toThrow(/'backdoored.candidate'/)
  })
})

describe('percentileInterval', () => {
  const value = (v: number): KnownRange => ({ lo: v, hi: v, defined: true })

  it('is the k-th smallest and k-th largest value, k = ceil(0.025 B)', () => {
    // B = 1000: the 25th smallest and the 25th largest of 1..1000.
    const values = Array.from({ length: 1000 }, (_, i) => value(1000 - i))
    expect(percentileInterval(values)).toEqual({ lower: 25, upper: 976, undefinedShare: 0 })
    // B = 40: k = 1, the minimum and the maximum.
    const few = Array.from({ length: 40 }, (_, i) => value(i * 0.5))
    expect(percentileInterval(few)).toEqual({ lower: 0, upper: 19.5, undefinedShare: 0 })
  })

  it('leaves a bound open exactly when it falls on an undefined resample', () => {
    const beyond: KnownRange = { lo: Infinity, hi: Infinity, defined: false }
    const make = (undefinedCount: number) => [
      ...Array.from({ length: 1000 - undefinedCount }, (_, i) => value(i)),
      ...Array.from({ length: undefinedCount }, () => beyond)
    ]
    // The upper bound is the 976th smallest: defined with up to 24 resamples beyond the grid.
    expect(percentileInterval(make(24))).toEqual({ lower: 24, upper: 975, undefinedShare: 0.024 })
    expect(percentileInterval(make(25))).toEqual({ lower: 24, upper: null, undefinedShare: 0.025 })
    // The lower bound, the 25th smallest, stays until 976 resamples are beyond the grid.
    expect(percentileInterval(make(975)).lower).toBe(24)
    expect(percentileInterval(make(976)).lower).toBeNull()
  })

  it('bounds an undefined ratio by what is known of it: a range end is never a bound', () => {
    // Ratios known only to lie above 3 (the clean λ50 beyond the grid) sort by that end for the
    // lower bound, and at +∞ for the upper one.
    const above3: KnownRange = { lo: 3, hi: Infinity, defined: false }
    const values = [
      ...Array.from({ length: 970 }, (_, i) => value(1 + i / 1000)),
      ...Array(30).fill(above3)
    ]
    const r = percentileInterval(values)
    expect(r.lower).toBe(1.024)
    expect(r.upper).toBeNull()
    // Unknown ratios below 0.5 (the backdoored λ50 beyond the grid) open the lower bound.
    const below: KnownRange = { lo: 0, hi: 0.5, defined: false }
    const low = percentileInterval([...values.slice(0, 970), ...Array(30).fill(below)])
    expect(low.lower).toBeNull()
    expect(low.upper).toBe(1 + 945 / 1000)
  })
})

describe('lambda50Bootstrap: λ50 not reached on the grid', () => {
  it('with a curve that stays below ½ on the grid, λ50 is undefined and its upper bound open', () => {
    // ASR at the top of the grid (λ = 2) is about 0.27: almost no resample reaches ½.
    const short = grid(0.1, 2)
    const o = outcomes(short, 400, curves, stream(5, 'test/outcomes'))
    const r = lambda50Bootstrap(short, o, stream(5, 'test/bootstrap'), 500)
    expect(r.clean.value).toBeNull()
    expect(r.clean.upper).toBeNull()
    expect(r.clean.undefinedShare).toBeGreaterThan(0.975)
    // The ratio is then undefined too, and open above; the backdoored network is unaffected.
    expect(r.ratio.value).toBeNull()
    expect(r.ratio.upper).toBeNull()
    expect(r.ratio.undefinedShare).toBe(r.clean.undefinedShare)
    expect(r.backdoored.undefinedShare).toBe(0)
    expect(r.backdoored.lower!).toBeLessThan(r.backdoored.upper!)
  })

  it('with the crossing at the top of the grid, the share of resamples that miss it is binomial', () => {
    // 1000 inputs, all candidates; 505 flip at the last λ of the grid and none before. A resample
    // draws the flipped ones Binomial(1000, 0.505) times, and misses ½ when it draws 499 or fewer.
    const short = [0, 1, 2]
    const n = 1000
    const flags = short.map((_, j) =>
      Uint8Array.from({ length: n }, (_, i) => (j === 2 && i < 505 ? 1 : 0))
    )
    const both = network({ candidate: new Uint8Array(n).fill(1), flags })
    const r = lambda50Bootstrap(
      short,
      { clean: both, backdoored: both },
      stream(6, 'test/bootstrap')
    )
    const missing = binomialCdf(499, n, 0.505)
    expect(missing).toBeGreaterThan(0.3) // about Φ(−0.32) = 0.38
    const error = Math.sqrt((missing * (1 - missing)) / BOOTSTRAP_RESAMPLES)
    expect(Math.abs(r.clean.undefinedShare - missing)).toBeLessThan(4 * error)
    // λ50 was reached in the data (between λ = 1, ASR 0, and λ = 2, ASR 0.505): a number, with
    // the upper bound open.
    expect(r.clean.value).toBeCloseTo(1 + 0.5 / 0.505, 14)
    expect(r.clean.upper).toBeNull()
    expect(r.clean.lower!).toBeLessThan(r.clean.value!)
    expect(r.ratio.undefinedShare).toBe(r.clean.undefinedShare)
  })
})

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space. */
function binomialCdf(k: number, n: number, p: number): number {
  let logPmf = n * Math.log(1 - p)
  let total = Math.exp(logPmf)
  for (let j = 0; j < k; j++) {
    logPmf += Math.log((n - j) / (j + 1)) + Math.log(p / (1 - p))
    total += Math.exp(logPmf)
  }
  return total
}

describe('lambda50Bootstrap: the interval behaves as a 95% interval should', () => {
  /**
   * Large-sample theory: λ50 is the ½-quantile of the thresholds, so its standard deviation is
   * √(¼ / n_c) / f(μ) with n_c = q n candidates and f(μ) = 1/(4σ) the logistic density at μ:
   * 2σ / √(q n). A 95% interval is 2 · 1.96 times that wide. The grid (step σ/4) changes this by
   * well under 1%; one interval's width scatters by about 10% (data and B = 500 resamples), so
   * the mean of 30 scatters by about 2%. The mean width must be within 10% of the formula at
   * each n, and quadrupling n must halve it within 10%.
   */
  it('has a width of 2 · 1.96 · 2σ / √(q n), shrinking as 1/√nTest', { timeout: 120_000 }, () => {
    const c = curves.clean
    const fine = grid(c.sigma / 4, 6)
    const q = 0.7
    const meanWidth = (n: number) => {
      let total = 0
      for (let r = 0; r < 30; r++) {
        const o = outcomes(fine, n, curves, stream(r, `test/width/${n}`), { q })
        const e = lambda50Bootstrap(fine, o, stream(r, `test/width-bootstrap/${n}`), 500).clean
        total += e.upper! - e.lower!
      }
      return total / 30
    }
    const widths = [300, 1200, 4800].map((n) => {
      const width = meanWidth(n)
      const expected = (2 * Z95 * 2 * c.sigma) / Math.sqrt(q * n)
      expect(Math.abs(width / expected - 1), `n = ${n}: ${width} vs ${expected}`).toBeLessThan(0.1)
      return width
    })
    expect(Math.abs(widths[0] / widths[1] / 2 - 1)).toBeLessThan(0.1)
    expect(Math.abs(widths[1] / widths[2] / 2 - 1)).toBeLessThan(0.1)
  })

  /**
   * Over R = 400 independent data sets the interval should cover the true λ50 about 95% of the
   * time. The binomial standard error of the observed coverage is √(0.95 · 0.05 / 400) = 1.1
   * points; a percentile interval is first-order accurate, so 4 points either side (3.7 standard
   * errors) are allowed: a 90% interval in its place would cover about 90%. Resampling the two
   * networks' inputs apart, without the pairing, overcovers the ratio (399 of 400, tried).
   */
  it('covers the true λ50 of each network and the true ratio about 95% of the time', () => {
    const R = 400
    const truths = {
      clean: truth(lambdas, curves.clean),
      backdoored: truth(lambdas, curves.backdoored)
    }
    const truthRatio = truths.clean / truths.backdoored
    // On this grid (step 0.1, under σ/2) the read-off population λ50 is μ to within 0.2%.
    expect(Math.abs(truths.clean / curves.clean.mu - 1)).toBeLessThan(0.002)
    const covered = { clean: 0, backdoored: 0, ratio: 0 }
    for (let r = 0; r < R; r++) {
      const o = outcomes(lambdas, 300, curves, stream(r, 'test/coverage'))
      const e = lambda50Bootstrap(lambdas, o, stream(r, 'test/coverage-bootstrap'))
      for (const [key, t] of [
        ['clean', truths.clean],
        ['backdoored', truths.backdoored],
        ['ratio', truthRatio]
      ] as const) {
        if (e[key].lower! <= t && t <= e[key].upper!) covered[key]++
      }
    }
    for (const key of ['clean', 'backdoored', 'ratio'] as const) {
      expect(Math.abs(covered[key] / R - 0.95), `${key}: ${covered[key]} of ${R}`).toBeLessThan(
        0.04
      )
    }
  }, 120_000)
})
