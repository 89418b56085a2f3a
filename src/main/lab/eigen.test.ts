/**
 * The top eigenpair by Lanczos against a full symmetric eigendecomposition (ml-matrix's EVD), on
 * matrices with a clear gap, with near-ties at the top (the Marchenko-Pastur bulk), and on closed
 * forms.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix'
import { describe, expect, it } from 'vitest'
import { largestTridiagonalEigenvalue, multiply, topEigen } from './eigen'
import { stream } from './rng'

/** A random n x n symmetric matrix `X^T X / rows` (a sample second moment). */
function wishart(n: number, rows: number, seed: number): Float64Array {
  const rng = stream(seed, 'test/eigen/wishart')
  const x = Array.from({ length: rows }, () => Array.from({ length: n }, () => rng.normal()))
  const a = new Float64Array(n * n)
  for (const row of x)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += (row[i] * row[j]) / rows
  return a
}

function reference(a: Float64Array, n: number): { value: number; vector: number[] } {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)))
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true })
  const values = evd.realEigenvalues
  const top = values.indexOf(Math.max(...values))
  return { value: values[top], vector: evd.eigenvectorMatrix.getColumn(top) }
}

describe('topEigen (Lanczos with full reorthogonalisation)', () => {
  it('agrees with a full eigendecomposition on sample second moments of several shapes', () => {
    for (const [n, rows, seed] of [
      [5, 40, 1],
      [30, 600, 2],
      [80, 400, 3],
      [60, 60, 4]
    ]) {
      const a = wishart(n, rows, seed)
      const ref = reference(a, n)
      const got = topEigen(a, n)
      expect(Math.abs(got.value - ref.value)).toBeLessThan(1e-9 * ref.value)
      // The eigenvector up to sign; the residual ||A v - value v|| is small.
      const overlap = Math.abs(got.vector.reduce((acc, v, i) => acc + v * ref.vector[i], 0))
      expect(overlap).toBeGreaterThan(1 - 1e-6)
      const av = new Float64Array(n)
      multiply(a, n, got.vector, av)
      const residual = Math.sqrt(
        av.reduce((acc, v, i) => acc + (v - got.value * got.vector[i]) ** 2, 0)
      )
      expect(residual).toBeLessThan(1e-8 * got.value)
    }
  })

  it('stops well before n steps when the top eigenvalue is separated (a planted spike)', () => {
    const n = 120
    const a = wishart(n, 4000, 5)
    const s = Array.from({ length: n }, (_, i) => (i < 10 ? 1 / Math.sqrt(10) : 0))
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += 3 * s[i] * s[j]
    const got = topEigen(a, n)
    expect(got.steps).toBeLessThan(n / 2)
    expect(Math.abs(got.value - reference(a, n).value)).toBeLessThan(1e-9 * got.value)
  })

  it('finds the known top eigenvalue of closed forms', () => {
    // diag(1..n): top n, eigenvector e_n.
    const n = 7
    const diag = new Float64Array(n * n)
    for (let i = 0; i < n; i++) diag[i * n + i] = i + 1
    const d = topEigen(diag, n)
    expect(d.value).toBeCloseTo(n, 12)
    expect(Math.abs(d.vector[n - 1])).toBeCloseTo(1, 10)
    // I + c u u^T with |u| = 1: top 1 + c along u; the rest 1 (an (n-1)-fold tie below).
    const u = Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) / Math.sqrt(n))
    const spiked = new Float64Array(n * n)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) spiked[i * n + j] = (i === j ? 1 : 0) + 2.5 * u[i] * u[j]
    const s = topEigen(spiked, n)
    expect(s.value).toBeCloseTo(3.5, 12)
    expect(Math.abs(s.vector.reduce((acc, v, i) => acc + v * u[i], 0))).toBeCloseTo(1, 10)
    // A 1 x 1 matrix is its own eigenvalue.
    expect(topEigen(Float64Array.of(-2), 1).value).toBe(-2)
  })

  it('names the argument it refuses', () => {
    expect(() => topEigen(new Float64Array(5), 2)).toThrow(/'a' must hold n\*n = 4/)
    expect(() => topEigen(new Float64Array(0), 0)).toThrow(/'n'/)
  })
})

describe('largestTridiagonalEigenvalue (bisection on Sturm counts)', () => {
  it('gives 2 cos(pi/(k+1)) for the tridiagonal matrix with 0 on the diagonal and 1 beside it', () => {
    for (const k of [1, 2, 5, 40]) {
      const value = largestTridiagonalEigenvalue(new Array(k).fill(0), new Array(k - 1).fill(1))
      expect(value).toBeCloseTo(2 * Math.cos(Math.PI / (k + 1)), 12)
    }
  })
})
