import { describe, expect, it } from 'vitest'
import type { Dataset } from '../data'
import { stream } from '../rng'
import { loadIrisClasses } from './classes'
import { loadIris } from './iris'
import { splitTrainTest } from './split'

function count(y: ArrayLike<number>, label: number): number {
  let c = 0
  for (let i = 0; i < y.length; i++) if (y[i] === label) c++
  return c
}

describe('splitTrainTest', () => {
  it('is a partition of the rows, stratified by label, carrying each row whole', () => {
    const data = loadIris(0)
    const { train, test, trainIndex, testIndex } = splitTrainTest(
      data,
      0.3,
      stream(1, 'data/split')
    )
    expect([train.n, test.n]).toEqual([105, 45])
    expect([count(test.y, 1), count(test.y, -1)]).toEqual([15, 30])
    expect([count(train.y, 1), count(train.y, -1)]).toEqual([35, 70])
    const all = [...trainIndex, ...testIndex].sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 150 }, (_, i) => i))
    testIndex.forEach((i, k) => {
      expect(test.y[k]).toBe(data.y[i])
      expect(Array.from(test.x.subarray(k * 4, k * 4 + 4))).toEqual(
        Array.from(data.x.subarray(i * 4, i * 4 + 4))
      )
    })
  })

  it('is the same for the same stream and differs for another seed', () => {
    const data = loadIris(1)
    const a = splitTrainTest(data, 0.25, stream(7, 'data/split'))
    const b = splitTrainTest(data, 0.25, stream(7, 'data/split'))
    const c = splitTrainTest(data, 0.25, stream(8, 'data/split'))
    expect(Array.from(a.testIndex)).toEqual(Array.from(b.testIndex))
    expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x))
    expect(Array.from(a.testIndex)).not.toEqual(Array.from(c.testIndex))
  })

  it('shuffles: the parts do not keep the file order', () => {
    const { trainIndex } = splitTrainTest(loadIris(2), 0.3, stream(3, 'data/split'))
    const sorted = [...trainIndex].sort((a, b) => a - b)
    expect(Array.from(trainIndex)).not.toEqual(sorted)
  })

  it('keeps both parts non-empty and each class of two or more rows in both', () => {
    const tiny = (labels: number[]): Dataset => ({
      x: new Float32Array(labels.length),
      y: Int8Array.from(labels),
      n: labels.length,
      d: 1
    })
    for (const fraction of [0.05, 0.5, 0.95]) {
      const two = splitTrainTest(tiny([1, -1]), fraction, stream(1, 'data/split'))
      expect([two.train.n, two.test.n]).toEqual([1, 1])
      const four = splitTrainTest(tiny([1, 1, -1, -1]), fraction, stream(1, 'data/split'))
      expect([count(four.test.y, 1), count(four.test.y, -1)]).toEqual([1, 1])
      expect([count(four.train.y, 1), count(four.train.y, -1)]).toEqual([1, 1])
      const one = splitTrainTest(tiny([1, 1, 1]), fraction, stream(1, 'data/split'))
      expect(one.train.n).toBeGreaterThan(0)
      expect(one.test.n).toBeGreaterThan(0)
    }
    expect(() => splitTrainTest(tiny([1]), 0.3, stream(1, 'x'))).toThrow('at least 2 rows')
    expect(() => splitTrainTest(tiny([1, -1]), 1, stream(1, 'x'))).toThrow('testFraction')
  })

  it('splits a data set of L classes the same way, keeping its fields', () => {
    const data = loadIrisClasses()
    const { train, test } = splitTrainTest(data, 0.2, stream(1, 'data/split'))
    expect(test.labels).toBeInstanceOf(Int32Array)
    expect([test.L, test.classNames]).toEqual([3, data.classNames])
    for (const c of [0, 1, 2])
      expect([count(test.labels, c), count(train.labels, c)]).toEqual([10, 40])
  })
})
