/**
 * Per-feature standardisation: every column of an n x d row-major matrix gets mean 0 and
 * standard deviation 1 over all n rows (population sd, divided by n). A constant column (every
 * value equal) becomes all zeros: it carries no information, and dividing by 0 would give NaN.
 */
export function standardizeColumns(values: ArrayLike<number>, n: number, d: number): Float32Array {
  if (values.length !== n * d) {
    throw new Error(
      `standardizeColumns: expected ${n} x ${d} = ${n * d} values, got ${values.length}`
    )
  }
  const out = new Float32Array(n * d)
  for (let j = 0; j < d; j++) {
    let sum = 0
    let min = Infinity
    let max = -Infinity
    for (let i = 0; i < n; i++) {
      const v = values[i * d + j]
      sum += v
      if (v < min) min = v
      if (v > max) max = v
    }
    // Exact test for a constant column: the sum of n equal values divided by n need not give
    // that value back, and a tiny non-zero sd would blow rounding noise up to +-1.
    if (!(max > min)) continue
    const mean = sum / n
    let squares = 0
    for (let i = 0; i < n; i++) squares += (values[i * d + j] - mean) ** 2
    const sd = Math.sqrt(squares / n)
    for (let i = 0; i < n; i++) out[i * d + j] = (values[i * d + j] - mean) / sd
  }
  return out
}
