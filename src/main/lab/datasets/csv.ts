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
import { DatasetError } from './errors'
import { standardizeColumns } from './standardize'

export type CsvDelimiter = ',' | ';' | '\t'

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

/** A label column may hold at most this many distinct values (classes before the +-1 split). */
export const MAX_LABEL_VALUES = 100

/** How messages say where rows are counted from. */
export const ROW_NOTE = '(the header is row 1)'

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i
/** Characters no text CSV holds: C0 controls other than tab, LF and CR, and U+FFFD. */
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/
const FLOAT32_MAX = 3.4028234663852886e38

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

interface ColumnScan {
  /** The first cell that is not a finite number. */
  firstProblem: { index: number; cell: string; kind: Exclude<CellKind, 'number'> } | null
  hasText: boolean
  /** How many cells are numbers. */
  numbers: number
  /** Index of the first empty cell. */
  firstEmpty: number | null
  /** Distinct raw values and counts, up to MAX_LABEL_VALUES + 1 of them. */
  counts: Map<string, number>
  overflow: boolean
}

/** The columns that can be the label, or a DatasetError saying why none can. */
export function labelCandidates(parsed: ParsedCsv): LabelCandidate[] {
  const { columns, rows, rowNumbers } = parsed
  if (columns.length < 2) {
    throw new DatasetError(
      `the file has one column (${quote(columns[0])}): it needs a label column and at least one numeric feature column`
    )
  }
  const scans: ColumnScan[] = columns.map(() => ({
    firstProblem: null,
    hasText: false,
    numbers: 0,
    firstEmpty: null,
    counts: new Map(),
    overflow: false
  }))
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    for (let j = 0; j < row.length; j++) {
      const cell = row[j]
      const scan = scans[j]
      const kind = classify(cell)
      if (kind === 'number') scan.numbers++
      else {
        scan.firstProblem ??= { index: i, cell, kind }
        if (kind === 'text') scan.hasText = true
        if (kind === 'empty') scan.firstEmpty ??= i
      }
      if (!scan.overflow) {
        scan.counts.set(cell, (scan.counts.get(cell) ?? 0) + 1)
        if (scan.counts.size > MAX_LABEL_VALUES) scan.overflow = true
      }
    }
  }

  const candidate = (j: number): LabelCandidate | null => {
    const scan = scans[j]
    if (scan.overflow || scan.firstEmpty !== null) return null
    const numeric = scan.firstProblem === null
    const merged = new Map<string, number>()
    for (const [cell, count] of scan.counts) {
      const key = numeric ? canonicalNumber(cell) : cell
      merged.set(key, (merged.get(key) ?? 0) + count)
    }
    if (merged.size < 2) return null
    const values = [...merged]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (numeric ? byNumber : byText)(a.value, b.value))
    return { column: columns[j], numeric, values }
  }

  const problems = columns.map((_, j) => j).filter((j) => scans[j].firstProblem !== null)
  if (problems.length === 0) {
    const found = columns.map((_, j) => candidate(j)).filter((c) => c !== null)
    if (found.length === 0) {
      throw new DatasetError(
        `no column can be the label: a label column needs between 2 and ${MAX_LABEL_VALUES} distinct values, and each column here holds one value only or more than ${MAX_LABEL_VALUES}`
      )
    }
    return found
  }

  // Only the label column may hold text. Take the likeliest label among the columns with text:
  // a usable one first, then one without numbers (a column of numbers with a typo is a feature),
  // then the fewest distinct values, then the last (labels tend to come last). Every other
  // problem is a bad feature cell, reported at the earliest row.
  const distinctOf = (j: number) =>
    scans[j].overflow ? MAX_LABEL_VALUES + 1 : scans[j].counts.size
  const label = problems
    .filter((j) => scans[j].hasText)
    .map((j) => ({ j, c: candidate(j) }))
    .sort(
      (a, b) =>
        (a.c ? 0 : 1) - (b.c ? 0 : 1) ||
        Math.sign(scans[a.j].numbers) - Math.sign(scans[b.j].numbers) ||
        distinctOf(a.j) - distinctOf(b.j) ||
        b.j - a.j
    )[0]
  const others = problems.filter((j) => j !== label?.j)
  if (label && others.length === 0) {
    if (label.c) return [label.c]
    throw unusableLabel(parsed, label.j, scans[label.j])
  }
  const first = others
    .map((j) => ({ j, p: scans[j].firstProblem! }))
    .sort((a, b) => a.p.index - b.p.index || a.j - b.j)[0]
  const row = rowNumbers[first.p.index]
  let message = cellMessage(row, columns[first.j], first.p.cell, first.p.kind, parsed.headerRow)
  if (label && first.p.kind === 'text') {
    message += `; only the label column may hold text, and ${quote(columns[label.j])} does too`
  }
  throw new DatasetError(message, { row, column: columns[first.j] })
}

/** Why the one text column of a file cannot be its label. */
function unusableLabel(parsed: ParsedCsv, j: number, scan: ColumnScan): DatasetError {
  const column = parsed.columns[j]
  if (scan.firstEmpty !== null) {
    const row = parsed.rowNumbers[scan.firstEmpty]
    return new DatasetError(emptyLabelMessage(row, column, parsed.headerRow), { row, column })
  }
  if (!scan.overflow && scan.counts.size <= 1) {
    return new DatasetError(oneClassMessage(column, [...scan.counts.keys()][0]), { column })
  }
  const p = scan.firstProblem!
  const row = parsed.rowNumbers[p.index]
  return new DatasetError(
    `${cellMessage(row, column, p.cell, p.kind, parsed.headerRow)}; with more than ${MAX_LABEL_VALUES} distinct values, column ${quote(column)} cannot be the label either`,
    { row, column }
  )
}

type CellKind = 'number' | 'empty' | 'nonfinite' | 'huge' | 'text'

function classify(cell: string): CellKind {
  if (NUMBER.test(cell)) return Math.abs(Number(cell)) > FLOAT32_MAX ? 'huge' : 'number'
  if (cell === '') return 'empty'
  if (NON_FINITE.test(cell)) return 'nonfinite'
  return 'text'
}

function rowNote(headerRow: number): string {
  return headerRow === 1 ? ROW_NOTE : `(the header is row ${headerRow})`
}

function cellMessage(
  row: number,
  column: string,
  cell: string,
  kind: CellKind,
  headerRow: number
): string {
  const at = `row ${row}, column ${quote(column)}`
  const note = rowNote(headerRow)
  switch (kind) {
    case 'empty':
      return `${at} is empty (a missing value) ${note}`
    case 'nonfinite':
      return `${at}: ${quote(cell)} is not a finite number ${note}`
    case 'huge':
      return `${at}: ${quote(cell)} is too large (32-bit floats reach about 3.4e38) ${note}`
    default:
      return `${at}: ${quote(clip(cell))} is not a number ${note}`
  }
}

function emptyLabelMessage(row: number, column: string, headerRow: number): string {
  return `row ${row}, column ${quote(column)}: the label is empty ${rowNote(headerRow)}`
}

function oneClassMessage(column: string, value: string | undefined): string {
  return `column ${quote(column)} holds one value only (${quote(value ?? '')}) in every row: a label needs at least two classes`
}

/**
 * The class a label value stands for: numbers in their shortest form when the label column is
 * numeric ("1.0" and "1" are one class), text as written (trimmed).
 */
export function labelKey(value: string, numeric: boolean): string {
  const trimmed = value.trim()
  return numeric && NUMBER.test(trimmed) ? canonicalNumber(trimmed) : trimmed
}

function canonicalNumber(cell: string): string {
  const v = Number(cell)
  return Object.is(v, -0) ? '0' : String(v)
}

function describeValues(counts: Map<string, number>, values: string[]): string {
  const shown = values.slice(0, 10).map((v) => `${quote(v)} ${counts.get(v)} rows`)
  return values.length > 10 ? `${shown.join(', ')}, ...` : shown.join(', ')
}

function checkHeader(columns: string[], headerRow: number): void {
  const seen = new Map<string, number>()
  columns.forEach((name, j) => {
    if (name === '') {
      throw new DatasetError(
        `column ${j + 1} of the header (row ${headerRow}) has no name; every column needs one`,
        { row: headerRow }
      )
    }
    const before = seen.get(name)
    if (before !== undefined) {
      throw new DatasetError(
        `the header (row ${headerRow}) names two columns ${quote(name)} (columns ${before + 1} and ${j + 1}); column names must differ`,
        { row: headerRow, column: name }
      )
    }
    seen.set(name, j)
  })
}

function csvSyntaxError(error: unknown, text: string, delimiter: string): DatasetError {
  const e = error as { code?: string; message?: string; records?: number; column?: number }
  if (typeof e?.code !== 'string') {
    return new DatasetError(`the file cannot be read as CSV: ${e?.message ?? String(error)}`)
  }
  // csv-parse counts the records it finished (blank lines included): the failing one is next.
  const row = (e.records ?? 0) + 1
  const header = row > 1 ? headerCells(text, delimiter) : null
  const name = typeof e.column === 'number' ? header?.[e.column] : undefined
  const at = name !== undefined ? `row ${row}, column ${quote(name)}` : `row ${row}`
  const where = { row, column: name }
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DatasetError(
        `${at}: a quoted cell starts here and its closing " never comes ${ROW_NOTE}`,
        where
      )
    case 'INVALID_OPENING_QUOTE':
      return new DatasetError(
        `${at}: a " inside a cell that does not start with one (quote the whole cell and double the " inside it) ${ROW_NOTE}`,
        where
      )
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new DatasetError(
        `${at}: text follows the closing " of a quoted cell (double a " meant inside the cell) ${ROW_NOTE}`,
        where
      )
    default:
      return new DatasetError(`${at}: ${e.message ?? e.code} ${ROW_NOTE}`, where)
  }
}

/** The header's cells, for naming a column in an error that csv-parse reports by index. */
function headerCells(text: string, delimiter: string): string[] | null {
  try {
    const end = text.indexOf('\n')
    const records = parse(end < 0 ? text : text.slice(0, end), { bom: true, delimiter, trim: true })
    return records[0] ?? null
  } catch {
    return null
  }
}

/** The most frequent of `,` `;` and tab in the first non-blank line, outside quotes; `,` if none. */
function guessDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 }
  let inQuotes = false
  let seenText = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') inQuotes = !inQuotes
    else if (!inQuotes && (c === '\n' || c === '\r')) {
      if (seenText) break
    } else if (!inQuotes && (c === ',' || c === ';' || c === '\t')) counts[c]++
    if (c.trim() !== '') seenText = true
  }
  let best: CsvDelimiter = ','
  for (const c of [';', '\t'] as const) if (counts[c] > counts[best]) best = c
  return best
}

function notTextMessage(text: string, index: number): string {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  const at = `line ${line}, character ${index - lineStart + 1}`
  const code = text.charCodeAt(index)
  if (code === 0) {
    return `the file is not text: it holds a NUL byte (${at}), as binary files such as .xlsx spreadsheets, images or archives do; save the data as CSV and import that`
  }
  if (code === 0xfffd) {
    return `the file is not UTF-8 text: ${at} could not be decoded; save it as "CSV UTF-8" and import it again`
  }
  return `the file is not text: it holds the control character U+${code.toString(16).toUpperCase().padStart(4, '0')} (${at}); save the data as CSV and import that`
}

function isBlank(record: string[]): boolean {
  return record.length === 1 && record[0] === ''
}

function cells(count: number, noun = 'cell'): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function quote(value: string): string {
  return JSON.stringify(value)
}

function clip(cell: string): string {
  return cell.length > 40 ? `${cell.slice(0, 40)}...` : cell
}

const byNumber = (a: string, b: string) => Number(a) - Number(b)
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
