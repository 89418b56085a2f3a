/** The secret key s of SCIENCE.md section 2: a k-sparse unit vector with +-1/sqrt(k) entries. */
import type { Rng } from './rng'

export function sampleSecret(d: number, k: number, rng: Rng): Float32Array {
  if (!Number.isInteger(d) || d < 1) throw new Error(`'d' must be a positive integer (got ${d})`)
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new Error(`'k' must be an integer in [1, d] (got k=${k}, d=${d})`)
  }
  // Partial Fisher-Yates: the first k entries of a uniform permutation are a uniform k-subset.
  const indices = Array.from({ length: d }, (_, i) => i)
  const s = new Float32Array(d)
  const value = 1 / Math.sqrt(k)
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(d - i)
    ;[indices[i], indices[j]] = [indices[j], indices[i]]
    s[indices[i]] = rng.uniform() < 0.5 ? -value : value
  }
  return s
}
