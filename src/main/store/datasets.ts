/**
 * Imported CSV files, kept whole in the database with what the import found in them (columns,
 * rows, label candidates) and their SHA-256, by which a run names the exact content it read.
 */
import type { DatasetSummary, LabelCandidate } from '../../shared/api'
import type { Db } from './rows'

/** An imported CSV file as the service checked it; the store keeps it whole or not at all. */
export interface NewDataset {
  name: string
  /** The file's text. */
  content: string
  columns: string[]
  /** Data rows. */
  rows: number
  /** SHA-256 of the UTF-8 text, hex. */
  sha256: string
  /** UTF-8 bytes of the text (checked by the database). */
  bytes: number
  labelCandidates?: LabelCandidate[]
}

export class DatasetNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`No imported data set with id ${id}`)
    this.name = 'DatasetNotFoundError'
  }
}

interface DatasetRow {
  id: number
  name: string
  created_at: string
  sha256: string
  bytes: number
  columns: string
  rows: number
  label_candidates: string
}

const DATASET_FIELDS = 'id, name, created_at, sha256, bytes, columns, rows, label_candidates'

function toDatasetSummary(row: DatasetRow): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    columns: JSON.parse(row.columns) as string[],
    rows: row.rows,
    bytes: row.bytes,
    sha256: row.sha256,
    createdAt: row.created_at,
    labelCandidates: JSON.parse(row.label_candidates) as LabelCandidate[]
  }
}

export class DatasetRepository {
  constructor(private readonly db: Db) {}

  /** Stores an imported CSV file in one INSERT: on any error (a CHECK failing) nothing is kept. */
  create(dataset: NewDataset): DatasetSummary {
    const info = this.db
      .prepare(
        `INSERT INTO datasets (name, created_at, sha256, bytes, columns, rows, label_candidates, content)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        dataset.name,
        new Date().toISOString(),
        dataset.sha256,
        dataset.bytes,
        JSON.stringify(dataset.columns),
        dataset.rows,
        JSON.stringify(dataset.labelCandidates ?? []),
        dataset.content
      )
    return this.summary(Number(info.lastInsertRowid))
  }

  /** Every imported data set, newest first, without its text. */
  list(): DatasetSummary[] {
    return (
      this.db
        .prepare(`SELECT ${DATASET_FIELDS} FROM datasets ORDER BY id DESC`)
        .all() as DatasetRow[]
    ).map(toDatasetSummary)
  }

  /** An imported data set without its text; throws DatasetNotFoundError. */
  summary(id: number): DatasetSummary {
    const row = this.db.prepare(`SELECT ${DATASET_FIELDS} FROM datasets WHERE id = ?`).get(id) as
      DatasetRow | undefined
    if (!row) throw new DatasetNotFoundError(id)
    return toDatasetSummary(row)
  }

  /** An imported data set with its text; throws DatasetNotFoundError. */
  get(id: number): DatasetSummary & { content: string } {
    const row = this.db
      .prepare(`SELECT ${DATASET_FIELDS}, content FROM datasets WHERE id = ?`)
      .get(id) as (DatasetRow & { content: string }) | undefined
    if (!row) throw new DatasetNotFoundError(id)
    return { ...toDatasetSummary(row), content: row.content }
  }

  /** The id of the oldest imported data set with this content, or null. */
  idBySha(sha256: string): number | null {
    const row = this.db
      .prepare('SELECT id FROM datasets WHERE sha256 = ? ORDER BY id LIMIT 1')
      .get(sha256) as { id: number } | undefined
    return row?.id ?? null
  }

  /** The oldest imported data set with this content, with its text, or null. */
  bySha(sha256: string): (DatasetSummary & { content: string }) | null {
    const id = this.idBySha(sha256)
    return id === null ? null : this.get(id)
  }

  /** Removes an imported data set; returns how many rows went (0 or 1). */
  delete(id: number): number {
    return this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id).changes
  }
}
