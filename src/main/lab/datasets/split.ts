/**
 * Train/test split of a real data set: a seeded shuffle, then a split stratified by label, so
 * that both parts keep the classes' proportions (to within one row per class).
 */
import type { Dataset } from '../data'
import type { Rng } from '../rng'

/** A binary data set (labels `y`, +-1) or one with L classes (`labels`, 0..L-1). */
type Labelled = Dataset | { x: Float32Array; labels: Int32Array; n: number; d: number }

export interface TrainTestSplit<T extends Labelled = Dataset> {
  train: T
  test: T
  /** Rows of the original data set in each part, in the parts' order. */
  trainIndex: Int32Array
  testIndex: Int32Array
}

/**
 * Shuffles the rows with `rng` (pass a named stream such as `stream(seed, 'data/split')`) and
 * holds out about `testFraction` of each class for testing. Deterministic given the rng's state.
 * Both parts are non-empty, and a class with at least two rows appears in both.
 */
export function splitTrainTest<T extends Labelled>(
  dataset: T,
  testFraction: number,
  rng: Rng
): TrainTestSplit<T> {
  const { n } = dataset
  const y = labelsOf(dataset)
  if (n < 2) throw new Error(`splitTrainTest needs at least 2 rows; the data set has ${n}`)
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`testFraction must be between 0 and 1 (exclusive); got ${testFraction}`)
  }

  const order = rng.permutation(n)

  // Test rows per class: round(count * fraction), keeping one row on each side when the class
  // has two or more.
  const counts = new Map<number, number>()
  for (let i = 0; i < n; i++) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1)
  const quota = new Map<number, number>()
  for (const [label, count] of counts) {
    const q = Math.round(count * testFraction)
    quota.set(label, count >= 2 ? Math.min(count - 1, Math.max(1, q)) : q)
  }
  let testTotal = [...quota.values()].reduce((a, b) => a + b, 0)
  // Only classes of one row each can leave a part empty (for example two rows, two classes).
  if (testTotal === 0 || testTotal === n) {
    const label = y[order[0]]
    quota.set(label, quota.get(label)! + (testTotal === 0 ? 1 : -1))
    testTotal += testTotal === 0 ? 1 : -1
  }

  const testIndex = new Int32Array(testTotal)
  const trainIndex = new Int32Array(n - testTotal)
  let t = 0
  let r = 0
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const label = y[i]
    const left = quota.get(label)!
    if (left > 0) {
      quota.set(label, left - 1)
      testIndex[t++] = i
    } else trainIndex[r++] = i
  }
  return {
    train: subset(dataset, trainIndex),
    test: subset(dataset, testIndex),
    trainIndex,
    testIndex
  }
}

function labelsOf(dataset: Labelled): Int8Array | Int32Array {
  return 'y' in dataset ? dataset.y : dataset.labels
}

/** The rows `index` of a data set, in that order; other fields (L, class names, ...) are kept. */
export function subset<T extends Labelled>(dataset: T, index: Int32Array): T {
  const { d } = dataset
  const from = labelsOf(dataset)
  const x = new Float32Array(index.length * d)
  const labels = 'y' in dataset ? new Int8Array(index.length) : new Int32Array(index.length)
  for (let k = 0; k < index.length; k++) {
    const i = index[k]
    x.set(dataset.x.subarray(i * d, (i + 1) * d), k * d)
    labels[k] = from[i]
  }
  return { ...dataset, x, n: index.length, ['y' in dataset ? 'y' : 'labels']: labels }
}
