/**
 * Which columns of a user's CSV file can be its label (csv.ts): every other column numeric, 2 to
 * MAX_LABEL_VALUES distinct values, no empty label; or the DatasetError saying why none can.
 */
import type { LabelCandidate } from '../../../shared/api'
import type { ParsedCsv } from './csv'
import {
  byNumber,
  byText,
  canonicalNumber,
  cellMessage,
  classify,
  emptyLabelMessage,
  MAX_LABEL_VALUES,
  oneClassMessage,
  quote,
  type CellKind
} from './csvCells'
import { DatasetError } from './errors'

export interface ColumnScan {
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
export function unusableLabel(parsed: ParsedCsv, j: number, scan: ColumnScan): DatasetError {
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
