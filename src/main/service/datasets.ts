/**
 * The lab's imported data sets, as the service checks them: a CSV file is checked before it is
 * kept, deleted only when no queued or running run needs it, checked against a run's config
 * before the run is saved, and read back, intact, for the run's process.
 */
import { createHash } from 'node:crypto'
import { LabApiError, type DatasetSummary } from '../../shared/api'
import { ConfigError } from '../../shared/schema'
import { type ClassDatasetSpec, type DatasetSpec } from '../../shared/datasets'
import { DatasetError } from '../lab/datasets/errors'
import { inspectCsv, labelKey } from '../lab/datasets/csv'
import { type CsvSource } from '../lab/datasets/index'
import type { RunStore } from '../store/store'
import { DatasetNotFoundError } from '../store/datasets'

/**
 * Checks a CSV file (parseCsv, and that some column can be its label) and keeps it whole in the
 * database. A file that fails is refused with a 400 naming the row and column, in `fields` as
 * `content`, and nothing is stored.
 */
export function importDataset(store: RunStore, name: string, content: string): DatasetSummary {
  let profile: ReturnType<typeof inspectCsv>
  try {
    profile = inspectCsv(content)
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error
    throw new LabApiError(
      `Cannot import ${JSON.stringify(name)}: ${error.message}`,
      [{ field: 'content', message: error.message }],
      400
    )
  }
  return store.datasets.create({
    name,
    content,
    columns: profile.columns,
    rows: profile.rows,
    bytes: profile.bytes,
    sha256: createHash('sha256').update(content, 'utf8').digest('hex'),
    labelCandidates: profile.labelCandidates
  })
}

/** Deletes an imported data set, unless a queued or running run still needs its text (409). */
export function deleteDataset(store: RunStore, id: number): { deleted: number } {
  const users = store.runs.usingDataset(id, ['queued', 'running'])
  if (users.length > 0) {
    throw new LabApiError(
      `Data set ${id} is in use by ${users.length === 1 ? 'run' : 'runs'} ${users.join(', ')}, queued or running; cancel ${users.length === 1 ? 'it' : 'them'} or wait, then delete the data set`,
      [],
      409
    )
  }
  return { deleted: store.datasets.delete(id) }
}

/**
 * What a run's process needs of its data set besides the config, since it has no database:
 * the text of an imported CSV file for a csv spec, null for the others (synthetic data are
 * drawn from the seed; Iris and MNIST load from their packages). Throws LabApiError 404 when
 * the data set was deleted.
 */
export function datasetForRun(
  store: RunStore,
  spec: DatasetSpec | ClassDatasetSpec,
  expectedSha?: string | null
): CsvSource | null {
  if (spec.kind !== 'csv') return null
  let dataset: DatasetSummary & { content: string }
  try {
    dataset = store.datasets.get(spec.datasetId)
  } catch (error) {
    if (!(error instanceof DatasetNotFoundError)) throw error
    const message = `The imported data set ${spec.datasetId} this run reads was deleted`
    throw new LabApiError(message, [{ field: 'dataset.datasetId', message }], 404)
  }
  // The run reads exactly the content it was started on, and that content is intact.
  const actual = createHash('sha256').update(dataset.content, 'utf8').digest('hex')
  const fail = (message: string): never => {
    throw new LabApiError(message, [{ field: 'dataset.datasetId', message }], 409)
  }
  if (actual !== dataset.sha256) {
    fail(
      `The text of data set ${dataset.id} (${JSON.stringify(dataset.name)}) no longer matches its SHA-256 (${dataset.sha256.slice(0, 12)}…): the database was changed outside the lab; import the file again`
    )
  }
  if (expectedSha && expectedSha !== dataset.sha256) {
    fail(
      `Data set ${dataset.id} (${JSON.stringify(dataset.name)}) is not the file this run was started on (SHA-256 ${expectedSha.slice(0, 12)}…, not ${dataset.sha256.slice(0, 12)}…)`
    )
  }
  return {
    datasetId: dataset.id,
    name: dataset.name,
    sha256: dataset.sha256,
    content: dataset.content
  }
}

/**
 * A csv spec must name an imported data set and a column that can be its label (cheap: from
 * the import's label candidates, without reading the file again); for a binary task, a label
 * column with more than two values needs positiveLabel, one of them. Throws ConfigError.
 */
export function checkDatasetSpec(
  store: RunStore,
  spec: DatasetSpec | ClassDatasetSpec,
  options: { binary: boolean }
): void {
  if (spec.kind !== 'csv') return
  const fail = (field: string, message: string): never => {
    throw new ConfigError([{ field: `dataset.${field}`, message: `dataset.${field}: ${message}` }])
  }
  let summary: DatasetSummary
  try {
    summary = store.datasets.summary(spec.datasetId)
  } catch (error) {
    if (!(error instanceof DatasetNotFoundError)) throw error
    return fail('datasetId', `no imported data set has id ${spec.datasetId}`)
  }
  const file = JSON.stringify(summary.name)
  if (!summary.columns.includes(spec.labelColumn)) {
    fail(
      'labelColumn',
      `${file} has no column ${JSON.stringify(spec.labelColumn)}; the columns are: ${summary.columns.map((c) => JSON.stringify(c)).join(', ')}`
    )
  }
  const candidate = summary.labelCandidates.find((c) => c.column === spec.labelColumn)
  if (!candidate) {
    const can = summary.labelCandidates.map((c) => JSON.stringify(c.column)).join(', ')
    return fail(
      'labelColumn',
      `column ${JSON.stringify(spec.labelColumn)} of ${file} cannot be the label (a label needs 2 to 100 distinct values, no empty cell, and every other column numeric); ${can ? `the columns that can are: ${can}` : 'no column can'}`
    )
  }
  // With all its classes (universality), any label column with 2 to 100 values will do.
  if (!options.binary) return
  const values = candidate.values.map((v) => v.value)
  const positiveLabel = 'positiveLabel' in spec ? spec.positiveLabel : undefined
  if (positiveLabel === undefined) {
    if (values.length > 2) {
      fail(
        'positiveLabel',
        `column ${JSON.stringify(spec.labelColumn)} has ${values.length} values (${values.map((v) => JSON.stringify(v)).join(', ')}): choose the one labelled +1`
      )
    }
  } else if (!values.includes(labelKey(positiveLabel, candidate.numeric))) {
    fail(
      'positiveLabel',
      `${JSON.stringify(positiveLabel)} is not a value of column ${JSON.stringify(spec.labelColumn)}; its values are: ${values.map((v) => JSON.stringify(v)).join(', ')}`
    )
  }
}
