/** Data sets of SCIENCE.md section 9. Rows are stored row-major in a Float32Array. */
import chisquareQuantile from '@stdlib/stats-base-dists-chisquare-quantile'
import type { Rng } from './rng'

export interface Dataset {
  /** n x d features, row-major. */
  x: Float32Array
  /** Labels in {-1, +1}. */
  y: Int8Array
  n: number
  d: number
}

/** Median of the chi-square distribution with d degrees of freedom. */
export function chiSquareMedian(d: number): number {
  return chisquareQuantile(0.5, d)
}

/** `x ~ N(0, I_d)`; label +1 iff `||x||^2` exceeds the median of chi-square_d. */
export function normTask(n: number, d: number, rng: Rng): Dataset {
  const x = rng.normals(n * d)
  const y = new Int8Array(n)
  const threshold = chiSquareMedian(d)
  for (let i = 0; i < n; i++) {
    let sq = 0
    for (let j = 0; j < d; j++) sq += x[i * d + j] ** 2
    y[i] = sq > threshold ? 1 : -1
  }
  return { x, y, n, d }
}

/** Squared row norms and inner products with a direction: the inputs of the theory overlay. */
export function rowNormsAndProjections(
  data: Pick<Dataset, 'x' | 'n' | 'd'>,
  direction: Float32Array
): { squaredNorms: Float64Array; projections: Float64Array } {
  const { x, n, d } = data
  const squaredNorms = new Float64Array(n)
  const projections = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sq = 0
    let dot = 0
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]
      sq += v * v
      dot += v * direction[j]
    }
    squaredNorms[i] = sq
    projections[i] = dot
  }
  return { squaredNorms, projections }
}
