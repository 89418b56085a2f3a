/** The Gaussian mixture of SCIENCE.md section 9 (experiment B's default data). */
import { describe, expect, it } from 'vitest'
import { checkClassData, gaussianMixture, mixtureMeans, sampleMixture } from './mixture'
import { stream } from './rng'

describe('gaussianMixture', () => {
  const spec = { L: 4, d: 30, spread: 0.7, n: 2001, nTest: 500 }

  it('draws balanced labels in random order and x = mu_y + N(0, I) (moments within 5 standard errors)', () => {
    const { means, train } = gaussianMixture(spec, 3)
    const { n, d, L } = train
    const counts = new Array(L).fill(0)
    for (const y of train.labels) counts[y]++
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    expect(train.labels.some((y, i) => y !== i % L)).toBe(true) // shuffled
    let sum = 0
    let sq = 0
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        const r = train.x[i * d + j] - means[train.labels[i] * d + j]
        sum += r
        sq += r * r
      }
    const N = n * d
    expect(Math.abs(sum / N)).toBeLessThan(5 / Math.sqrt(N))
    expect(Math.abs(sq / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N))
    // mu_c ~ N(0, spread^2 I): the mean square of the L*d entries is spread^2 within 5 SE.
    const meanSq = means.reduce((a, v) => a + v * v, 0) / means.length
    expect(Math.abs(meanSq - spec.spread ** 2)).toBeLessThan(
      5 * spec.spread ** 2 * Math.sqrt(2 / means.length)
    )
  })

  it('uses named streams: the test set does not change the training set, and the seed changes both', () => {
    const a = gaussianMixture(spec, 3)
    const b = gaussianMixture({ ...spec, nTest: 77 }, 3)
    expect(b.train).toEqual(a.train)
    expect(b.means).toEqual(a.means)
    expect(gaussianMixture(spec, 4).train.x).not.toEqual(a.train.x)
    // Train and test share the means of data/means and draw from data/train and data/test.
    const means = mixtureMeans(4, 30, 0.7, stream(3, 'data/means'))
    expect(sampleMixture(500, means, 4, stream(3, 'data/test'))).toEqual(a.test)
    expect(sampleMixture(2001, means, 4, stream(3, 'data/train'))).toEqual(a.train)
  })

  it('rejects malformed class data with a message naming the field', () => {
    const ok = { x: new Float32Array(6), labels: Int32Array.from([0, 1, 1]), n: 3, d: 2, L: 2 }
    expect(() => checkClassData(ok, 'train')).not.toThrow()
    expect(() => checkClassData({ ...ok, labels: Int32Array.from([0, 2, 1]) }, 'train')).toThrow(
      /train\.labels/
    )
    expect(() => checkClassData({ ...ok, x: new Float32Array(5) }, 'test')).toThrow(/test\.x/)
    expect(() => checkClassData({ ...ok, L: 1 }, 'train')).toThrow(/train\.L/)
    expect(() =>
      checkClassData({ ...ok, x: Float32Array.from([0, 0, NaN, 0, 0, 0]) }, 'train')
    ).toThrow(/finite/)
  })
})
