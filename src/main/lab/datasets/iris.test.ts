import { describe, expect, it } from 'vitest'
import { DatasetError } from './errors'
import { IRIS_CLASS_NAMES, irisClasses, irisMeasurements, loadIris } from './iris'

function columnStats(x: Float32Array, n: number, d: number, j: number) {
  let sum = 0
  for (let i = 0; i < n; i++) sum += x[i * d + j]
  const mean = sum / n
  let sq = 0
  for (let i = 0; i < n; i++) sq += (x[i * d + j] - mean) ** 2
  return { mean, sd: Math.sqrt(sq / n) }
}

describe('Iris', () => {
  it('ships 150 rows of 4 measurements, 50 of each of the 3 species', () => {
    expect(irisMeasurements()).toHaveLength(150)
    expect(irisMeasurements()[0]).toEqual([5.1, 3.5, 1.4, 0.2])
    const classes = irisClasses()
    expect(classes).toHaveLength(150)
    for (const name of IRIS_CLASS_NAMES) expect(classes.filter((c) => c === name)).toHaveLength(50)
  })

  it('standardises every feature over the whole set: mean 0, sd 1', () => {
    const data = loadIris(2)
    expect([data.n, data.d, data.x.length]).toEqual([150, 4, 600])
    for (let j = 0; j < 4; j++) {
      const { mean, sd } = columnStats(data.x, data.n, data.d, j)
      expect(Math.abs(mean)).toBeLessThan(1e-6)
      expect(sd).toBeCloseTo(1, 5)
    }
    // The first flower's sepal length, as scikit-learn's StandardScaler gives it.
    expect(data.x[0]).toBeCloseTo(-0.90068117, 5)
  })

  it.each([0, 1, 2])('labels class %i +1 and the other two -1', (positiveClass) => {
    const data = loadIris(positiveClass)
    const classes = irisClasses()
    expect(Array.from(data.y)).toEqual(
      classes.map((c) => (c === IRIS_CLASS_NAMES[positiveClass] ? 1 : -1))
    )
    expect(data.y.filter((v) => v === 1)).toHaveLength(50)
  })

  it('refuses a class outside 0..2', () => {
    expect(() => loadIris(3)).toThrow(DatasetError)
    expect(() => loadIris(1.5)).toThrow(
      'positiveClass must be 0 (setosa), 1 (versicolor) or 2 (virginica); got 1.5'
    )
  })
})
