/**
 * Random-matrix landmarks of the detection statistics (SCIENCE.md section 11), for `C = G^T G / m`
 * with m rows `g ~ N(0, I_d + theta s s^T)`, `gamma = d / m`. No Node, no DOM.
 */

/** Mean of the Tracy-Widom (beta = 1) law, and its standard deviation (Tracy and Widom 1996). */
export const TRACY_WIDOM_1_MEAN = -1.206533574582
export const TRACY_WIDOM_1_SD = 1.268034058

export function aspectRatio(d: number, m: number): number {
  return d / m
}

/** The Marchenko-Pastur edge `(1 + sqrt(gamma))^2`: where the top eigenvalue of clean C sits as m grows. */
export function marchenkoPasturEdge(d: number, m: number): number {
  return (1 + Math.sqrt(d / m)) ** 2
}

/** The BBP threshold `sqrt(d/m)`: a spike above it moves the top eigenvalue out of the bulk. */
export function bbpThreshold(d: number, m: number): number {
  return Math.sqrt(d / m)
}

/**
 * Where the top eigenvalue sits for large m (Baik, Ben Arous and Péché 2005; Paul 2007): above the
 * threshold `(1 + theta)(1 + gamma/theta)`, at or below it the Marchenko-Pastur edge.
 */
export function spikedTopEigenvalue(theta: number, d: number, m: number): number {
  const gamma = d / m
  return theta > Math.sqrt(gamma) ? (1 + theta) * (1 + gamma / theta) : marchenkoPasturEdge(d, m)
}

/**
 * Standard deviation of the top eigenvalue above the threshold (Paul 2007, Theorem 3; Bai and Yao
 * 2008): `(1 + theta) sqrt(2 (1 - gamma/theta^2) / m)`. Null at or below the threshold, where the
 * fluctuations are Tracy-Widom and of order m^(-2/3) instead.
 */
export function spikedTopEigenvalueSd(theta: number, d: number, m: number): number | null {
  const gamma = d / m
  if (theta <= Math.sqrt(gamma)) return null
  return (1 + theta) * Math.sqrt((2 * (1 - gamma / (theta * theta))) / m)
}

/**
 * Centre and scale of the top eigenvalue of clean C at finite size (Johnstone 2001): with
 * `mu = (sqrt(m-1) + sqrt(d))^2` and `sigma = (sqrt(m-1) + sqrt(d)) (1/sqrt(m-1) + 1/sqrt(d))^(1/3)`,
 * `m * lambda_max ~ mu + sigma * TW1`. So its mean is `(mu + sigma E[TW1]) / m`, a little below the
 * Marchenko-Pastur edge, and its standard deviation `sigma sd(TW1) / m`.
 */
export function finiteSizeEdge(d: number, m: number): { mean: number; sd: number } {
  const a = Math.sqrt(m - 1)
  const b = Math.sqrt(d)
  const mu = (a + b) ** 2
  const sigma = (a + b) * Math.cbrt(1 / a + 1 / b)
  return { mean: (mu + sigma * TRACY_WIDOM_1_MEAN) / m, sd: (sigma * TRACY_WIDOM_1_SD) / m }
}

/** Mean of a support coordinate's diagonal entry `C_jj` (the others have mean 1). */
export function supportDiagonalMean(theta: number, k: number): number {
  return 1 + theta / k
}
