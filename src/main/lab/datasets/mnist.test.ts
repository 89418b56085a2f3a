import { describe, expect, it } from 'vitest'
import { DatasetError } from './errors'
import { loadMnistPair, MNIST_FEATURES, mnistDigit } from './mnist'

describe('MNIST from the mnist package', () => {
  it('ships 10,000 images of 28 x 28 pixels in [0, 1], about 1,000 per digit', () => {
    let total = 0
    for (let digit = 0; digit < 10; digit++) {
      const { pixels, count } = mnistDigit(digit)
      expect(pixels.length).toBe(count * MNIST_FEATURES)
      expect(count).toBeGreaterThan(800)
      expect(pixels.reduce((a, b) => Math.min(a, b))).toBe(0)
      expect(pixels.reduce((a, b) => Math.max(a, b))).toBe(1)
      total += count
    }
    expect(total).toBe(10_000)
  })

  it('loads every image of the two digits, positives first, standardised per pixel, no NaN', () => {
    const ones = mnistDigit(1).count
    const sevens = mnistDigit(7).count
    const data = loadMnistPair(1, 7)
    expect([data.n, data.d]).toEqual([ones + sevens, 784])
    expect(Array.from(data.y.slice(0, ones)).every((v) => v === 1)).toBe(true)
    expect(Array.from(data.y.slice(ones)).every((v) => v === -1)).toBe(true)
    expect(data.x.every(Number.isFinite)).toBe(true)

    let constant = 0
    for (let j = 0; j < data.d; j++) {
      let sum = 0
      let sq = 0
      let nonZero = false
      for (let i = 0; i < data.n; i++) {
        const v = data.x[i * data.d + j]
        sum += v
        sq += v * v
        if (v !== 0) nonZero = true
      }
      if (!nonZero) {
        constant++
        continue
      }
      expect(Math.abs(sum / data.n)).toBeLessThan(1e-4)
      expect(Math.sqrt(sq / data.n)).toBeCloseTo(1, 3)
    }
    // The corners are blank in every image: those pixels are constant, hence 0.
    expect(data.x[0]).toBe(0)
    expect(constant).toBeGreaterThan(50)
    expect(constant).toBeLessThan(784)
  })

  it('swapping the digits swaps the labels', () => {
    const a = loadMnistPair(3, 8)
    const b = loadMnistPair(8, 3)
    expect(a.n).toBe(b.n)
    expect(a.y.filter((v) => v === 1).length).toBe(b.y.filter((v) => v === -1).length)
  })

  it('refuses a repeated or impossible digit', () => {
    expect(() => loadMnistPair(4, 4)).toThrow(DatasetError)
    expect(() => loadMnistPair(4, 4)).toThrow(
      'negativeDigit must differ from positiveDigit (both are 4)'
    )
    expect(() => loadMnistPair(10, 1)).toThrow('positiveDigit must be a digit from 0 to 9; got 10')
  })
})

describe('the facts the lab states about MNIST without loading it', () => {
  it('count the images of each digit the package ships', async () => {
    const { MNIST_COUNTS } = await import('../../../shared/datasets')
    expect(MNIST_COUNTS.map((_, digit) => mnistDigit(digit).count)).toEqual([...MNIST_COUNTS])
  })
})
