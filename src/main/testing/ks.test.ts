import { describe, expect, it } from 'vitest'
import { kolmogorovTail, ksTwoSample, ksUniform } from './ks'
import { stream } from '../lab/rng'

describe('KS test helper', () => {
  it('has the tabulated Kolmogorov tail: P(K > 1.358) = 0.05, P(K > 1.628) = 0.01', () => {
    expect(kolmogorovTail(1.358)).toBeCloseTo(0.05, 3)
    expect(kolmogorovTail(1.628)).toBeCloseTo(0.01, 3)
    expect(kolmogorovTail(0)).toBe(1)
  })

  it('does not reject uniform draws, and rejects squared ones', () => {
    const rng = stream(41, 'test/ks')
    const u = Array.from({ length: 500 }, () => rng.uniform())
    expect(ksUniform(u).pValue).toBeGreaterThan(0.01)
    expect(ksUniform(u.map((v) => v * v)).pValue).toBeLessThan(1e-6)
  })

  it('compares with the discrete uniform law of Monte Carlo p-values when given its atoms', () => {
    const rng = stream(42, 'test/ks/atoms')
    const p = Array.from({ length: 400 }, () => (1 + rng.int(20)) / 20)
    expect(ksUniform(p, 20).pValue).toBeGreaterThan(0.01)
    expect(ksUniform(p, 20).statistic).toBeLessThan(ksUniform(p).statistic)
  })

  it('two-sample: same law does not reject, a shift does', () => {
    const rng = stream(43, 'test/ks/two')
    const a = Array.from({ length: 300 }, () => rng.normal())
    const b = Array.from({ length: 200 }, () => rng.normal())
    expect(ksTwoSample(a, b).pValue).toBeGreaterThan(0.01)
    expect(
      ksTwoSample(
        a,
        b.map((v) => v + 1)
      ).pValue
    ).toBeLessThan(1e-6)
  })
})
