/**
 * The largest eigenvalue (and its eigenvector) of a symmetric matrix without a full
 * eigendecomposition (SCIENCE.md section 11): Lanczos iteration with full reorthogonalisation on a
 * dense symmetric d x d matrix, the largest eigenvalue of the small tridiagonal matrix by
 * bisection on Sturm counts, its eigenvector by inverse iteration. Plain float64 arrays, no tensors:
 * the matrices here are d x d second moments, and the costly product that forms them is done once,
 * elsewhere, as a matMul.
 */
import { Rng } from './rng'

export interface TopEigen {
  value: number
  /** Unit eigenvector, length n. */
  vector: Float64Array
  /** Lanczos steps taken. */
  steps: number
}

/** Stop when the Ritz pair's residual `||A x - value x||` is below this times `|value|`. */
const RESIDUAL_TOLERANCE = 1e-11

/**
 * The largest eigenvalue of the symmetric n x n matrix `a` (row-major) and a unit eigenvector.
 * Exact (to rounding) after at most n steps; stops as soon as the residual bound of the Ritz pair
 * `beta_j |y_j|` falls below 1e-11 times the value. `maxSteps` caps the work (default n).
 */
export function topEigen(a: Float64Array, n: number, maxSteps = n): TopEigen {
  if (!Number.isInteger(n) || n < 1) throw new Error(`'n' must be a positive integer (got ${n})`)
  if (a.length !== n * n) throw new Error(`'a' must hold n*n = ${n * n} values (got ${a.length})`)
  if (n === 1) return { value: a[0], vector: Float64Array.of(1), steps: 1 }
  const steps = Math.max(1, Math.min(n, Math.floor(maxSteps)))
  const basis: Float64Array[] = [startVector(n)]
  const alpha: number[] = []
  const beta: number[] = []
  const w = new Float64Array(n)
  let value = 0
  let y: Float64Array = Float64Array.of(1)
  for (let j = 0; j < steps; j++) {
    const q = basis[j]
    multiply(a, n, q, w)
    const aj = dot(q, w)
    alpha.push(aj)
    // Full reorthogonalisation, twice ("twice is enough"): the basis stays orthonormal to
    // rounding, so no ghost copies of the top eigenvalue appear.
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(b, w)
        for (let i = 0; i < n; i++) w[i] -= c * b[i]
      }
    }
    const bj = Math.sqrt(dot(w, w))
    value = largestTridiagonalEigenvalue(alpha, beta)
    y = tridiagonalEigenvector(alpha, beta, value)
    const residual = bj * Math.abs(y[y.length - 1])
    const scale = Math.max(Math.abs(value), Number.MIN_VALUE)
    if (residual <= RESIDUAL_TOLERANCE * scale || j === steps - 1 || bj <= 1e-300) break
    beta.push(bj)
    // A plain loop: Float64Array.from with a map function is several times slower in V8.
    const next = new Float64Array(n)
    for (let i = 0; i < n; i++) next[i] = w[i] / bj
    basis.push(next)
  }
  const vector = new Float64Array(n)
  for (let j = 0; j < y.length; j++) {
    const b = basis[j]
    for (let i = 0; i < n; i++) vector[i] += y[j] * b[i]
  }
  normalise(vector)
  return { value, vector, steps: alpha.length }
}

const starts = new Map<number, Float64Array>()

/**
 * A fixed start vector per size: Gaussian from its own fixed stream, so it is almost surely not
 * orthogonal to the top eigenvector, and the result is a pure function of the matrix.
 */
function startVector(n: number): Float64Array {
  let v = starts.get(n)
  if (!v) {
    const rng = new Rng(`backdoor-lab/lanczos-start/${n}`)
    v = Float64Array.from({ length: n }, () => rng.normal())
    normalise(v)
    if (starts.size > 64) starts.clear()
    starts.set(n, v)
  }
  return Float64Array.from(v)
}

/** out = a v for the symmetric n x n matrix a (row-major). */
export function multiply(
  a: Float64Array,
  n: number,
  v: ArrayLike<number>,
  out: Float64Array
): void {
  for (let i = 0; i < n; i++) {
    let s = 0
    const row = i * n
    for (let j = 0; j < n; j++) s += a[row + j] * v[j]
    out[i] = s
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

function normalise(v: Float64Array): void {
  const norm = Math.sqrt(dot(v, v))
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm
}

/**
 * How many eigenvalues of the symmetric tridiagonal matrix (diagonal `alpha`, off-diagonal
 * `beta`) are below x: the negative pivots of the LDL^T factorisation of T - xI (Sturm count).
 */
function countBelow(alpha: readonly number[], beta: readonly number[], x: number): number {
  let count = 0
  let pivot = 1
  for (let i = 0; i < alpha.length; i++) {
    const off = i === 0 ? 0 : (beta[i - 1] * beta[i - 1]) / pivot
    pivot = alpha[i] - x - off
    // An exact zero pivot: perturb it as LAPACK's dstebz does, so the count stays defined.
    if (pivot === 0) pivot = -Number.EPSILON * (Math.abs(x) + 1)
    if (pivot < 0) count++
  }
  return count
}

/** The largest eigenvalue of a symmetric tridiagonal matrix, by bisection (to rounding). */
export function largestTridiagonalEigenvalue(
  alpha: readonly number[],
  beta: readonly number[]
): number {
  const k = alpha.length
  if (k === 0) throw new Error("'alpha' must not be empty")
  // Gershgorin bounds every eigenvalue.
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < k; i++) {
    const r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < k - 1 ? Math.abs(beta[i]) : 0)
    lo = Math.min(lo, alpha[i] - r)
    hi = Math.max(hi, alpha[i] + r)
  }
  // Invariant: every eigenvalue is below hi (count k), some eigenvalue is at or above lo.
  hi += Number.EPSILON * Math.max(Math.abs(hi), Math.abs(lo)) + Number.MIN_VALUE
  for (let iteration = 0; iteration < 200; iteration++) {
    const mid = lo + (hi - lo) / 2
    if (mid <= lo || mid >= hi) break
    if (countBelow(alpha, beta, mid) === k) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * A unit eigenvector of the tridiagonal matrix for its largest eigenvalue `value`, by inverse
 * iteration on `(value + delta) I - T`, which is positive definite, so its LDL^T factorisation needs
 * no pivoting.
 */
function tridiagonalEigenvector(
  alpha: readonly number[],
  beta: readonly number[],
  value: number
): Float64Array {
  const k = alpha.length
  if (k === 1) return Float64Array.of(1)
  let norm = 0
  for (let i = 0; i < k; i++) norm = Math.max(norm, Math.abs(alpha[i]) + Math.abs(beta[i] ?? 0))
  const shift = value + 64 * Number.EPSILON * Math.max(norm, Number.MIN_VALUE)
  // Factor M = shift I - T = L D L^T.
  const d = new Float64Array(k)
  const l = new Float64Array(k)
  const floor = Number.EPSILON * Math.max(norm, Number.MIN_VALUE)
  // Positive in exact arithmetic; rounding may take a pivot to zero or just below.
  d[0] = Math.max(shift - alpha[0], floor)
  for (let i = 1; i < k; i++) {
    l[i] = -beta[i - 1] / d[i - 1]
    d[i] = Math.max(shift - alpha[i] - l[i] * -beta[i - 1], floor)
  }
  let y = new Float64Array(k).fill(1 / Math.sqrt(k))
  for (let iteration = 0; iteration < 3; iteration++) {
    const z = new Float64Array(k)
    z[0] = y[0]
    for (let i = 1; i < k; i++) z[i] = y[i] - l[i] * z[i - 1]
    for (let i = 0; i < k; i++) z[i] /= d[i]
    for (let i = k - 2; i >= 0; i--) z[i] -= l[i + 1] * z[i + 1]
    const size = Math.sqrt(dot(z, z))
    if (!Number.isFinite(size) || size === 0) break
    for (let i = 0; i < k; i++) z[i] /= size
    y = z
  }
  return y
}
