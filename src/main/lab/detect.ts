/**
 * What a defender who sees the first-layer weights G (m x d) can compute (SCIENCE.md section 11):
 * the statistics of detectStatistics.ts, of the second moment `C = G^T G / m` of the rows.
 * C is formed once by one matMul with both transpose flags false (ARCHITECTURE.md: the flagged
 * matMul is the slow path on wasm), the rest is float64 work on the d x d matrix.
 */
import * as tf from '@tensorflow/tfjs-core'
import { statisticsOf, type DetectionStatistics } from './detectStatistics'

export * from './detectStatistics'

/**
 * `C = G^T G / m` as a symmetric d x d float64 matrix (row-major), from rows G (m x d row-major).
 * The product is float32 on the tfjs backend; C is symmetrised exactly and scaled in float64.
 */
export function secondMoment(rows: Float32Array, m: number, d: number): Float64Array {
  if (rows.length !== m * d) {
    throw new Error(`'rows' must hold m*d = ${m * d} values (got ${rows.length})`)
  }
  const product = tf.tidy(() => {
    const G = tf.tensor2d(rows, [m, d])
    // Transpose explicitly: matMul with a transpose flag is the slow path on wasm.
    return tf.matMul(tf.transpose(G), G)
  })
  const raw = product.dataSync()
  product.dispose()
  const c = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    c[i * d + i] = raw[i * d + i] / m
    for (let j = i + 1; j < d; j++) {
      const v = (raw[i * d + j] + raw[j * d + i]) / (2 * m)
      c[i * d + j] = v
      c[j * d + i] = v
    }
  }
  return c
}

/** The three statistics of C for rows G (m x d) and a guessed sparsity k. */
export function detectionStatistics(
  rows: Float32Array,
  m: number,
  d: number,
  k: number
): DetectionStatistics {
  return statisticsOf(secondMoment(rows, m, d), d, k)
}
