/**
 * Imported CSV data sets, as the form sees them: the LabApi's dataset methods and the checks the
 * form makes before it sends a file.
 */
import {
  MAX_DATASET_BYTES,
  formatBytes,
  tooLargeMessage,
  type DatasetSummary,
  type LabelCandidate
} from '@shared/api'
import { getClient } from './client'

export type { DatasetSummary, LabelCandidate }
export { MAX_DATASET_BYTES, formatBytes }

export function importDataset(name: string, content: string): Promise<DatasetSummary> {
  return getClient().call('importDataset', { name, content })
}

export function listDatasets(): Promise<DatasetSummary[]> {
  return getClient().call('listDatasets', {})
}

export function deleteDataset(id: number): Promise<{ deleted: number }> {
  return getClient().call('deleteDataset', { id })
}

/** Why a file cannot be imported, decided before reading it; null when it can be. */
export function fileProblem(file: Pick<File, 'name' | 'size'>): string | null {
  if (file.size > MAX_DATASET_BYTES) {
    return `Cannot import "${file.name}": ${tooLargeMessage(file.size)}.`
  }
  if (file.size === 0) return `Cannot import "${file.name}": the file is empty.`
  return null
}

const labelLike = /^(label|labels|class|target|y|species|digit|outcome)$/i

/**
 * A sensible default label column: among the columns the lab says can be the label, one named
 * like a label, else the last of them; without candidates, the last column.
 */
export function guessLabelColumn(dataset: Pick<DatasetSummary, 'columns' | 'labelCandidates'>) {
  const candidates = (dataset.labelCandidates ?? []).map((c) => c.column)
  const pool = candidates.length > 0 ? candidates : dataset.columns
  return pool.find((c) => labelLike.test(c.trim())) ?? pool[pool.length - 1] ?? ''
}
