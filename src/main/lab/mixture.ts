/**
 * Labelled data with L classes for the universality experiment (SCIENCE.md sections 7 and 9), and
 * the synthetic Gaussian mixture: class means `mu_c ~ N(0, spread^2 I_d)`, balanced labels in a
 * random order, `x = mu_y + N(0, I_d)`.
 */
import type { Rng } from './rng'
import { stream } from './rng'

export interface ClassData {
  /** n x d features, row-major. */
  x: Float32Array
  /** Classes 0..L-1. */
  labels: Int32Array
  n: number
  d: number
  L: number
}

/** Throws a clear error unless `data` is a well-formed ClassData; `name` prefixes the message. */
export function checkClassData(data: ClassData, name: string): void {
  const { x, labels, n, d, L } = data
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}.n must be a positive integer`)
  if (!Number.isInteger(d) || d < 1) throw new Error(`${name}.d must be a positive integer`)
  if (!Number.isInteger(L) || L < 2) throw new Error(`${name}.L must be an integer >= 2`)
  if (x.length !== n * d) {
    throw new Error(`${name}.x must hold n*d = ${n * d} values (got ${x.length})`)
  }
  if (labels.length !== n) {
    throw new Error(`${name}.labels must hold n = ${n} values (got ${labels.length})`)
  }
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0 || labels[i] >= L) {
      throw new Error(`${name}.labels must be classes 0..${L - 1} (got ${labels[i]} at row ${i})`)
    }
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]))
      throw new Error(`${name}.x must be finite (row ${Math.floor(i / d)})`)
  }
}

/** L class means, L x d row-major, i.i.d. N(0, spread^2). */
export function mixtureMeans(L: number, d: number, spread: number, rng: Rng): Float32Array {
  const means = rng.normals(L * d)
  for (let i = 0; i < means.length; i++) means[i] *= spread
  return means
}

/**
 * n draws from the mixture with the given means: labels balanced (i mod L, then a uniform
 * shuffle), then `x_i = mu_{y_i} + N(0, I_d)`.
 */
export function sampleMixture(n: number, means: Float32Array, L: number, rng: Rng): ClassData {
  const d = means.length / L
  if (!Number.isInteger(d)) throw new Error("'means' must hold L rows")
  const labels = new Int32Array(n)
  for (let i = 0; i < n; i++) labels[i] = i % L
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[labels[i], labels[j]] = [labels[j], labels[i]]
  }
  const x = rng.normals(n * d)
  for (let i = 0; i < n; i++) {
    const c = labels[i]
    for (let j = 0; j < d; j++) x[i * d + j] += means[c * d + j]
  }
  return { x, labels, n, d, L }
}

/** The mixture of SCIENCE.md section 9 from the named streams data/means, data/train, data/test. */
export function gaussianMixture(
  spec: { L: number; d: number; spread: number; n: number; nTest: number },
  seed: number
): { means: Float32Array; train: ClassData; test: ClassData } {
  const means = mixtureMeans(spec.L, spec.d, spec.spread, stream(seed, 'data/means'))
  return {
    means,
    train: sampleMixture(spec.n, means, spec.L, stream(seed, 'data/train')),
    test: sampleMixture(spec.nTest, means, spec.L, stream(seed, 'data/test'))
  }
}
