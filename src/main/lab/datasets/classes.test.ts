import { describe, expect, it } from 'vitest'
import { csvClassDataset, loadIrisClasses, loadMnistDigits } from './classes'
import { parseCsv } from './csv'
import { loadIris } from './iris'
import { IRIS_FEATURE_NAMES, irisClasses, irisMeasurements } from './iris'
import { mnistDigit } from './mnist'

describe('data sets with all their classes', () => {
  it('Iris: 3 classes of 50 in the package order, the same features as the binary version', () => {
    const data = loadIrisClasses()
    expect([data.n, data.d, data.L]).toEqual([150, 4, 3])
    expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica'])
    expect(Array.from(data.labels)).toEqual(irisClasses().map((c) => data.classNames.indexOf(c)))
    expect(Array.from(data.x)).toEqual(Array.from(loadIris(0).x))
  })

  it('MNIST: class c is digits[c], every image of each', () => {
    const data = loadMnistDigits([3, 5, 8])
    expect([data.d, data.L]).toEqual([784, 3])
    expect(data.classNames).toEqual(['3', '5', '8'])
    expect(data.n).toBe(mnistDigit(3).count + mnistDigit(5).count + mnistDigit(8).count)
    expect(data.labels.filter((c) => c === 1)).toHaveLength(mnistDigit(5).count)
    expect(data.x.every(Number.isFinite)).toBe(true)
    expect(() => loadMnistDigits([3, 3])).toThrow('digits must not repeat a digit (got 3, 3)')
    expect(() => loadMnistDigits([3])).toThrow('digits must name at least 2 digits')
  })

  it('CSV: each label value is a class, in sort order', () => {
    const rows = irisMeasurements().map((r, i) => [irisClasses()[i], ...r].join(','))
    const parsed = parseCsv([['species', ...IRIS_FEATURE_NAMES].join(','), ...rows].join('\n'))
    const data = csvClassDataset(parsed, 'species')
    const iris = loadIrisClasses()
    expect(data.classNames).toEqual(iris.classNames)
    expect(Array.from(data.labels)).toEqual(Array.from(iris.labels))
    expect(Array.from(data.x)).toEqual(Array.from(iris.x))
    const numeric = csvClassDataset(parseCsv('x,y\n1,10\n2,9\n3,10.0\n4,2\n'), 'y')
    expect(numeric.classNames).toEqual(['2', '9', '10'])
    expect(Array.from(numeric.labels)).toEqual([2, 1, 2, 0])
  })
})
