/**
 * The cells of a user's CSV file (csv.ts): what a cell holds, the delimiter and header, and the
 * messages that name a row and a column. Pure functions of text.
 */
import { parse } from 'csv-parse/sync'
import { DatasetError } from './errors'
import type { CsvDelimiter } from './csv'

/** A label column may hold at most this many distinct values (classes before the +-1 split). */
export const MAX_LABEL_VALUES = 100

/** How messages say where rows are counted from. */
export const ROW_NOTE = '(the header is row 1)'

export const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
export const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i
/** Characters no text CSV holds: C0 controls other than tab, LF and CR, and U+FFFD. */
export const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/
export const FLOAT32_MAX = 3.4028234663852886e38

export type CellKind = 'number' | 'empty' | 'nonfinite' | 'huge' | 'text'

export function classify(cell: string): CellKind {
  if (NUMBER.test(cell)) return Math.abs(Number(cell)) > FLOAT32_MAX ? 'huge' : 'number'
  if (cell === '') return 'empty'
  if (NON_FINITE.test(cell)) return 'nonfinite'
  return 'text'
}

export function rowNote(headerRow: number): string {
  return headerRow === 1 ? ROW_NOTE : `(the header is row ${headerRow})`
}

export function cellMessage(
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

export function emptyLabelMessage(row: number, column: string, headerRow: number): string {
  return `row ${row}, column ${quote(column)}: the label is empty ${rowNote(headerRow)}`
}

export function oneClassMessage(column: string, value: string | undefined): string {
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

export function canonicalNumber(cell: string): string {
  const v = Number(cell)
  return Object.is(v, -0) ? '0' : String(v)
}

export function describeValues(counts: Map<string, number>, values: string[]): string {
  const shown = values.slice(0, 10).map((v) => `${quote(v)} ${counts.get(v)} rows`)
  return values.length > 10 ? `${shown.join(', ')}, ...` : shown.join(', ')
}

export function checkHeader(columns: string[], headerRow: number): void {
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

export function csvSyntaxError(error: unknown, text: string, delimiter: string): DatasetError {
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
export function headerCells(text: string, delimiter: string): string[] | null {
  try {
    const end = text.indexOf('\n')
    const records = parse(end < 0 ? text : text.slice(0, end), { bom: true, delimiter, trim: true })
    return records[0] ?? null
  } catch {
    return null
  }
}

/** The most frequent of `,` `;` and tab in the first non-blank line, outside quotes; `,` if none. */
export function guessDelimiter(text: string): CsvDelimiter {
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

export function notTextMessage(text: string, index: number): string {
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

export function isBlank(record: string[]): boolean {
  return record.length === 1 && record[0] === ''
}

export function cells(count: number, noun = 'cell'): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

export function quote(value: string): string {
  return JSON.stringify(value)
}

export function clip(cell: string): string {
  return cell.length > 40 ? `${cell.slice(0, 40)}...` : cell
}

export const byNumber = (a: string, b: string) => Number(a) - Number(b)
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
