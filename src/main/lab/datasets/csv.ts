/**
 * A user's CSV file (SCIENCE.md section 9): numeric feature columns and one label column.
 *
 * Pure functions of the file's text (the host reads or receives it; nothing here touches a file
 * or the database). Every problem throws a DatasetError whose message names the row and the
 * column. Rows are counted as a spreadsheet shows them: the header is row 1, the first data row
 * is row 2, and blank lines count (they are skipped, not renumbered); messages say so.
 */
import { parse } from 'csv-parse/sync'
import {
  MAX_DATASET_BYTES,
  tooLargeMessage,
  utf8Length,
  type LabelCandidate
} from '../../../shared/api'
import type { Dataset } from '../data'
import {
  byNumber,
  byText,
  cellMessage,
  cells,
  checkHeader,
  classify,
  csvSyntaxError,
  describeValues,
  emptyLabelMessage,
  guessDelimiter,
  isBlank,
  labelKey,
  MAX_LABEL_VALUES,
  NOT_TEXT,
  notTextMessage,
  oneClassMessage,
  quote,
  rowNote
} from './csvCells'
import { labelCandidates } from './csvLabelColumns'
import { DatasetError } from './errors'
import { standardizeColumns } from './standardize'

export type CsvDelimiter = ',' | ';' | '\t'
export { labelKey, MAX_LABEL_VALUES, ROW_NOTE } from './csvCells'
export { labelCandidates } from './csvLabelColumns'

export interface CsvOptions {
  /** The cell separator; by default the most frequent of `,` `;` and tab in the header row. */
  delimiter?: CsvDelimiter
  /** Largest accepted text, in UTF-8 bytes (default MAX_DATASET_BYTES, 20 MB). */
  maxBytes?: number
}

export interface ParsedCsv {
  /** Header names, trimmed, unique and non-empty. */
  columns: string[]
  /** Data rows, each with exactly `columns.length` trimmed cells; blank lines left out. */
  rows: string[][]
  /** The spreadsheet row number of each data row (the header is row 1; blank lines count). */
  rowNumbers: number[]
  /** The spreadsheet row of the header: 1 unless blank lines come before it. */
  headerRow: number
  delimiter: CsvDelimiter
  /** Size of the text in UTF-8. */
  bytes: number
}

/** Splits a CSV text into header and rows, checking its shape; throws DatasetError. */
export function parseCsv(text: string, options: CsvOptions = {}): ParsedCsv {
  const maxBytes = options.maxBytes ?? MAX_DATASET_BYTES
  // The size first, before any pass that could take long on a huge input: a UTF-8 file has at
  // least as many bytes as characters.
  if (text.length > maxBytes) throw new DatasetError(tooLargeMessage(utf8Length(text), maxBytes))
  const bytes = utf8Length(text)
  if (bytes > maxBytes) throw new DatasetError(tooLargeMessage(bytes, maxBytes))

  const bad = text.search(NOT_TEXT)
  if (bad >= 0) throw new DatasetError(notTextMessage(text, bad))
  if (/^\s*$/.test(text)) throw new DatasetError('the file is empty')

  const delimiter = options.delimiter ?? guessDelimiter(text)
  let records: string[][]
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: false
    })
  } catch (error) {
    throw csvSyntaxError(error, text, delimiter)
  }

  let r = 0
  while (r < records.length && isBlank(records[r])) r++
  if (r >= records.length) throw new DatasetError('the file is empty')
  const headerRow = r + 1
  const columns = records[r]
  checkHeader(columns, headerRow)
  const headerNote = rowNote(headerRow)

  const rows: string[][] = []
  const rowNumbers: number[] = []
  for (r = r + 1; r < records.length; r++) {
    const record = records[r]
    if (isBlank(record)) continue
    if (record.length !== columns.length) {
      throw new DatasetError(
        `row ${r + 1} has ${cells(record.length)}, but the header has ${cells(columns.length, 'column')} ${headerNote}`,
        { row: r + 1 }
      )
    }
    rows.push(record)
    rowNumbers.push(r + 1)
  }
  if (rows.length === 0) {
    throw new DatasetError(
      `the file has a header row (${columns.map(quote).join(', ')}) but no data rows`
    )
  }
  return { columns, rows, rowNumbers, headerRow, delimiter, bytes }
}

/** What a run needs of a CSV data set besides {x, y}: which value became +1, and the features. */
export interface CsvDataset extends Dataset {
  labelColumn: string
  /** The label value counted as +1 (numbers in their shortest form, e.g. "1" for "1.0"). */
  positiveLabel: string
  featureColumns: string[]
}

/**
 * The data set of a parsed CSV: features = every column but the label, standardised per
 * feature; label +1 for `positiveLabel`, -1 otherwise. Without `positiveLabel` the label column
 * must hold exactly two values, and the larger in sort order (numeric order for numbers) is +1.
 */
export function csvDataset(
  parsed: ParsedCsv,
  labelColumn: string,
  positiveLabel?: string
): CsvDataset {
  // Labels first: a wrong label column is the likelier mistake, and its message the more useful.
  const labels = csvLabels(parsed, labelColumn)
  const { values } = labels
  let positive: string
  if (positiveLabel === undefined) {
    if (values.length > 2) {
      throw new DatasetError(
        `column ${quote(labelColumn)} has ${values.length} values (${describeValues(labels.distinct, values)}): choose the one labelled +1 (positiveLabel); all the others become -1`,
        { column: labelColumn },
        'positiveLabel'
      )
    }
    positive = values[1]
  } else {
    positive = labelKey(positiveLabel, labels.numeric)
    if (!labels.distinct.has(positive)) {
      throw new DatasetError(
        `positiveLabel ${quote(positiveLabel)} is not a value of column ${quote(labelColumn)}; its values are: ${values.map(quote).join(', ')}`,
        { column: labelColumn },
        'positiveLabel'
      )
    }
  }
  const { x, n, d } = featureMatrix(parsed, labels.labelIndex)
  const y = new Int8Array(n)
  for (let i = 0; i < n; i++) y[i] = labels.keys[i] === positive ? 1 : -1
  return {
    x,
    y,
    n,
    d,
    labelColumn,
    positiveLabel: positive,
    featureColumns: parsed.columns.filter((_, j) => j !== labels.labelIndex)
  }
}

/** The label column of a parsed CSV file, checked. */
export interface CsvLabels {
  labelIndex: number
  /** Each row's class key (see labelKey). */
  keys: string[]
  /** Distinct keys and their counts. */
  distinct: Map<string, number>
  /** The distinct keys in sort order (numeric order when every label is a number). */
  values: string[]
  /** Whether every label is a number. */
  numeric: boolean
}

/**
 * Reads and checks the label column: it exists, is not the only column, has no empty cell, and
 * holds 2 to MAX_LABEL_VALUES distinct values.
 */
export function csvLabels(parsed: ParsedCsv, labelColumn: string): CsvLabels {
  const { columns, rows, rowNumbers } = parsed
  const labelIndex = columns.indexOf(labelColumn)
  if (labelIndex < 0) {
    throw new DatasetError(
      `no column ${quote(labelColumn)}; the columns are: ${columns.map(quote).join(', ')}`,
      { column: labelColumn },
      'labelColumn'
    )
  }
  if (columns.length < 2) {
    throw new DatasetError(
      `the file has only the label column ${quote(labelColumn)}: it needs at least one numeric feature column too`,
      { column: labelColumn },
      'labelColumn'
    )
  }
  let numeric = true
  for (let i = 0; i < rows.length; i++) {
    const cell = rows[i][labelIndex]
    if (cell === '') {
      throw new DatasetError(emptyLabelMessage(rowNumbers[i], labelColumn, parsed.headerRow), {
        row: rowNumbers[i],
        column: labelColumn
      })
    }
    if (numeric && classify(cell) !== 'number') numeric = false
  }
  const keys = rows.map((row) => labelKey(row[labelIndex], numeric))
  const distinct = new Map<string, number>()
  for (const k of keys) distinct.set(k, (distinct.get(k) ?? 0) + 1)
  if (distinct.size > MAX_LABEL_VALUES) {
    throw new DatasetError(
      `column ${quote(labelColumn)} has more than ${MAX_LABEL_VALUES} distinct values: it does not look like a class label`,
      { column: labelColumn },
      'labelColumn'
    )
  }
  const values = [...distinct.keys()].sort(numeric ? byNumber : byText)
  if (values.length < 2) {
    throw new DatasetError(
      oneClassMessage(labelColumn, values[0]),
      { column: labelColumn },
      'labelColumn'
    )
  }
  return { labelIndex, keys, distinct, values, numeric }
}

/**
 * The feature matrix of a parsed CSV file: every column but `labelIndex`, each cell a finite
 * number (else a DatasetError naming the row and column), standardised per feature.
 */
export function featureMatrix(
  parsed: ParsedCsv,
  labelIndex: number
): { x: Float32Array; n: number; d: number } {
  const { columns, rows, rowNumbers } = parsed
  const n = rows.length
  const d = columns.length - 1
  const raw = new Float64Array(n * d)
  for (let i = 0; i < n; i++) {
    const row = rows[i]
    let k = i * d
    for (let j = 0; j < row.length; j++) {
      if (j === labelIndex) continue
      const cell = row[j]
      const kind = classify(cell)
      if (kind !== 'number') {
        throw new DatasetError(
          cellMessage(rowNumbers[i], columns[j], cell, kind, parsed.headerRow),
          {
            row: rowNumbers[i],
            column: columns[j]
          }
        )
      }
      raw[k++] = Number(cell)
    }
  }
  return { x: standardizeColumns(raw, n, d), n, d }
}

/** What an import keeps of a CSV file besides its text. */
export interface CsvProfile {
  columns: string[]
  rows: number
  bytes: number
  labelCandidates: LabelCandidate[]
}

/**
 * Parses a CSV file and checks that some column can be its label (every other column numeric,
 * 2 to MAX_LABEL_VALUES distinct values, no empty label). Throws the DatasetError a run would
 * meet otherwise, so a file that cannot be used is refused when it is imported.
 */
export function inspectCsv(text: string, options: CsvOptions = {}): CsvProfile {
  const parsed = parseCsv(text, options)
  return {
    columns: parsed.columns,
    rows: parsed.rows.length,
    bytes: parsed.bytes,
    labelCandidates: labelCandidates(parsed)
  }
}
