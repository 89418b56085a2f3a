/**
 * Test helper: Kolmogorov-Smirnov tests, one-sample against U(0, 1) and two-sample, with the
 * p-value of the limiting Kolmogorov distribution `Q(t) = 2 sum_j (-1)^(j-1) exp(-2 j^2 t^2)` at
 * Stephens' (1970) corrected `t = (sqrt(n) + 0.12 + 0.11/sqrt(n)) D` (n the effective size), which
 * is accurate to a few parts in a thousand for n >= 5.
 */

/** P(K > t) for the Kolmogorov distribution. */
export function kolmogorovTail(t: number): number {
  if (t <= 0) return 1
  let sum = 0
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * t * t)
    sum += (j % 2 ? 1 : -1) * term
    if (term < 1e-16) break
  }
  return Math.min(1, Math.max(0, 2 * sum))
}

function pValueOf(d: number, n: number): number {
  const root = Math.sqrt(n)
  return kolmogorovTail((root + 0.12 + 0.11 / root) * d)
}

/**
 * One-sample KS test of `values` against the uniform distribution on [0, 1] or, with `atoms`, on
 * the grid {1/atoms, 2/atoms, ..., 1} (the law of a Monte Carlo p-value with atoms - 1 null draws).
 * Against a discrete law the limiting p-value is conservative (Noether 1963).
 */
export function ksUniform(
  values: readonly number[],
  atoms?: number
): { statistic: number; pValue: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  // The law's CDF at v and just below v.
  const cdf = (v: number): [number, number] => {
    const x = Math.min(1, Math.max(0, v))
    if (!atoms) return [x, x]
    const at = Math.floor(x * atoms + 1e-9) / atoms
    const onAtom = Math.abs(x * atoms - Math.round(x * atoms)) < 1e-9
    return [at, onAtom ? at - 1 / atoms : at]
  }
  let d = 0
  sorted.forEach((v, i) => {
    const [at, below] = cdf(v)
    d = Math.max(d, (i + 1) / n - at, below - i / n)
  })
  return { statistic: d, pValue: pValueOf(d, n) }
}

/** Two-sample KS test: do `a` and `b` come from one distribution? */
export function ksTwoSample(
  a: readonly number[],
  b: readonly number[]
): { statistic: number; pValue: number } {
  const x = [...a].sort((p, q) => p - q)
  const y = [...b].sort((p, q) => p - q)
  let i = 0
  let j = 0
  let d = 0
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j])
    while (i < x.length && x[i] <= v) i++
    while (j < y.length && y[j] <= v) j++
    d = Math.max(d, Math.abs(i / x.length - j / y.length))
  }
  return { statistic: d, pValue: pValueOf(d, (x.length * y.length) / (x.length + y.length)) }
}
