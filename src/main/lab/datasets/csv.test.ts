import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MAX_DATASET_BYTES } from '../../../shared/api'
import { csvDataset, inspectCsv, labelCandidates, parseCsv } from './csv'
import { DatasetError } from './errors'
import { loadIris } from './iris'
import { IRIS_FEATURE_NAMES, irisClasses, irisMeasurements } from './iris'

/** The Iris data as a user would export it from a spreadsheet. */
function irisCsv(edit?: (rows: string[][]) => void): string {
  const rows = irisMeasurements().map((r, i) => [...r.map(String), irisClasses()[i]])
  edit?.(rows)
  return [[...IRIS_FEATURE_NAMES, 'species'], ...rows].map((r) => r.join(',')).join('\n') + '\n'
}

/** Rows of `a,b,label` from pairs of numbers and a label. */
function small(...rows: string[]): string {
  return ['a,b,label', ...rows].join('\n') + '\n'
}

interface BadFile {
  name: string
  text: () => string
  /** Read as a data set with this label column; otherwise as an import (inspectCsv). */
  label?: string
  positiveLabel?: string
  message: string | RegExp
  at?: { row?: number; column?: string }
}

const note = '(the header is row 1)'

const badFiles: BadFile[] = [
  { name: 'an empty file', text: () => '', message: 'the file is empty' },
  { name: 'blank lines only', text: () => ' \n\r\n\t\n', message: 'the file is empty' },
  {
    name: 'a header and no rows',
    text: () => 'a,b,label\n\n\n',
    message: 'the file has a header row ("a", "b", "label") but no data rows'
  },
  {
    name: 'a row with too few cells',
    text: () => small('1,2,x', '3,4'),
    message: `row 3 has 2 cells, but the header has 3 columns ${note}`,
    at: { row: 3 }
  },
  {
    name: 'a row with too many cells, after a blank line that still counts as a row',
    text: () => small('1,2,x', '', '3,4,y,5'),
    message: `row 4 has 4 cells, but the header has 3 columns ${note}`,
    at: { row: 4 }
  },
  {
    name: 'text in a numeric cell (import)',
    text: () => irisCsv((rows) => (rows[5][3] = 'abc')),
    message: `row 7, column "petal_width": "abc" is not a number ${note}; only the label column may hold text, and "species" does too`,
    at: { row: 7, column: 'petal_width' }
  },
  {
    name: 'text in a numeric cell (run)',
    text: () => irisCsv((rows) => (rows[5][3] = 'abc')),
    label: 'species',
    positiveLabel: 'setosa',
    message: `row 7, column "petal_width": "abc" is not a number ${note}`,
    at: { row: 7, column: 'petal_width' }
  },
  {
    name: 'a decimal comma in a comma-separated file',
    text: () => 'a;b;label\n1,5;2;x\n2;3;y\n',
    message: `row 2, column "a": "1,5" is not a number ${note}; only the label column may hold text, and "label" does too`,
    at: { row: 2, column: 'a' }
  },
  {
    name: 'a missing label column',
    text: () => irisCsv(),
    label: 'class',
    message:
      'no column "class"; the columns are: "sepal_length", "sepal_width", "petal_length", "petal_width", "species"',
    at: { column: 'class' }
  },
  {
    name: 'one class only (import)',
    text: () => small('1,2,cat', '3,4,cat', '5,6,cat'),
    message:
      'column "label" holds one value only ("cat") in every row: a label needs at least two classes',
    at: { column: 'label' }
  },
  {
    name: 'one class only (run)',
    text: () => small('1,2,1', '3,4,1.0', '5,6,1'),
    label: 'label',
    message:
      'column "label" holds one value only ("1") in every row: a label needs at least two classes'
  },
  {
    name: 'NaN in a feature',
    text: () => small('1,2,0', '3,NaN,1'),
    message: `row 3, column "b": "NaN" is not a finite number ${note}`,
    at: { row: 3, column: 'b' }
  },
  {
    name: 'Infinity in a feature',
    text: () => small('-Infinity,2,x', '3,4,y'),
    label: 'label',
    message: `row 2, column "a": "-Infinity" is not a finite number ${note}`,
    at: { row: 2, column: 'a' }
  },
  {
    name: 'a number beyond 32-bit floats',
    text: () => small('1e39,2,x', '3,4,y'),
    message: `row 2, column "a": "1e39" is too large (32-bit floats reach about 3.4e38) ${note}`
  },
  {
    name: 'an empty feature cell',
    text: () => small('1,2,x', ',4,y'),
    message: `row 3, column "a" is empty (a missing value) ${note}`,
    at: { row: 3, column: 'a' }
  },
  {
    name: 'an empty label (import)',
    text: () => small('1,2,x', '3,4,', '5,6,y'),
    message: `row 3, column "label": the label is empty ${note}`,
    at: { row: 3, column: 'label' }
  },
  {
    name: 'an empty label (run)',
    text: () => small('1,2,0', '3,4,', '5,6,1'),
    label: 'label',
    message: `row 3, column "label": the label is empty ${note}`
  },
  {
    name: 'a duplicate column name',
    text: () => 'a,b,a\n1,2,3\n',
    message: 'the header (row 1) names two columns "a" (columns 1 and 3); column names must differ',
    at: { row: 1, column: 'a' }
  },
  {
    name: 'an empty column name',
    text: () => 'a,,label\n1,2,x\n',
    message: 'column 2 of the header (row 1) has no name; every column needs one',
    at: { row: 1 }
  },
  {
    name: 'an unclosed quote',
    text: () => small('1,2,x', '3,4,"y', '5,6,z'),
    message: `row 3, column "label": a quoted cell starts here and its closing " never comes ${note}`,
    at: { row: 3, column: 'label' }
  },
  {
    name: 'a stray quote inside a cell',
    text: () => small('1,2"x,y'),
    message: `row 2, column "b": a " inside a cell that does not start with one (quote the whole cell and double the " inside it) ${note}`
  },
  {
    name: 'three classes and no positive label',
    text: () => irisCsv(),
    label: 'species',
    message:
      'column "species" has 3 values ("setosa" 50 rows, "versicolor" 50 rows, "virginica" 50 rows): choose the one labelled +1 (positiveLabel); all the others become -1'
  },
  {
    name: 'a positive label the column does not hold',
    text: () => irisCsv(),
    label: 'species',
    positiveLabel: 'Setosa',
    message:
      'positiveLabel "Setosa" is not a value of column "species"; its values are: "setosa", "versicolor", "virginica"'
  },
  {
    name: 'one column only',
    text: () => 'x\n1\n2\n',
    message:
      'the file has one column ("x"): it needs a label column and at least one numeric feature column'
  },
  {
    name: 'the label as the only column',
    text: () => 'label\na\nb\n',
    label: 'label',
    message:
      'the file has only the label column "label": it needs at least one numeric feature column too'
  },
  {
    name: 'a text column with too many values to be a label',
    text: () =>
      'id,x,y\n' + Array.from({ length: 150 }, (_, i) => `s${i},${i},${i % 2}`).join('\n'),
    message: `row 2, column "id": "s0" is not a number ${note}; with more than 100 distinct values, column "id" cannot be the label either`
  },
  {
    name: 'no column that can be a label',
    text: () => 'x,y\n' + Array.from({ length: 150 }, (_, i) => `${i},${i * 2}`).join('\n'),
    message:
      'no column can be the label: a label column needs between 2 and 100 distinct values, and each column here holds one value only or more than 100'
  },
  {
    name: 'binary: a NUL byte',
    text: () => 'a,b\n1,\u00002\n',
    message:
      'the file is not text: it holds a NUL byte (line 2, character 3), as binary files such as .xlsx spreadsheets, images or archives do; save the data as CSV and import that'
  },
  {
    name: 'binary: a zip (.xlsx) header',
    text: () => 'PK\u0003\u0004\u0014\u0000\u0006\u0000',
    message:
      'the file is not text: it holds the control character U+0003 (line 1, character 3); save the data as CSV and import that'
  },
  {
    name: 'binary: 1 MB of random bytes',
    text: () => randomBytes(1024 * 1024).toString('latin1'),
    message:
      /^the file is not text: it holds (a NUL byte|the control character U\+00[01][0-9A-F]) \(line \d+, character \d+\)/
  },
  {
    name: 'text that is not UTF-8 (decoded with replacement characters)',
    text: () => 'name,label\ncaf\uFFFD,1\n',
    message:
      'the file is not UTF-8 text: line 2, character 4 could not be decoded; save it as "CSV UTF-8" and import it again'
  },
  {
    name: 'a file over the size limit (multi-byte characters counted in UTF-8)',
    // 16.0 M characters, 20.0 MB + 58 bytes.
    text: () => 'a,label\n' + 'é,1\n'.repeat(MAX_DATASET_BYTES / 5 + 10),
    message: 'the file is 20,971,578 bytes; the lab imports CSV files of at most 20,971,520 bytes'
  }
]

describe('bad CSV files', () => {
  it.each(badFiles)('refuses $name with a message naming the place', (bad) => {
    const text = bad.text()
    let error: unknown
    try {
      if (bad.label) csvDataset(parseCsv(text), bad.label, bad.positiveLabel)
      else inspectCsv(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DatasetError)
    const e = error as DatasetError
    if (typeof bad.message === 'string') expect(e.message).toBe(bad.message)
    else expect(e.message).toMatch(bad.message)
    if (bad.at) expect(e.at).toEqual(bad.at)
  })

  it('refuses 50 MB of garbage by its size, before reading it', () => {
    // ASCII garbage so that characters and bytes agree: exactly 50 MB.
    const bytes = randomBytes(50 * 1024 * 1024)
    for (let i = 0; i < bytes.length; i++) bytes[i] &= 0x7f
    const garbage = bytes.toString('latin1')
    expect(() => parseCsv(garbage)).toThrow(DatasetError)
    // The size's message, not a row's: garbage read cell by cell would fail on its first row.
    expect(() => parseCsv(garbage)).toThrow(
      'the file is 50.0 MB; the lab imports CSV files of at most 20.0 MB'
    )
  })

  it('accepts a file at the limit and refuses one byte more', () => {
    const text = 'a,label\n' + '1,0\n2,1\n'.repeat(123) + '3,00000\n'
    expect(text.length).toBe(1000)
    expect(() => parseCsv(text, { maxBytes: 999 })).toThrow(
      'the file is 1,000 bytes; the lab imports CSV files of at most 999 bytes'
    )
    expect(parseCsv(text, { maxBytes: 1000 }).rows).toHaveLength(247)
  })
})

describe('parseCsv', () => {
  it('reads header and rows, trimming cells, skipping blank lines but counting them as rows', () => {
    const parsed = parseCsv('\ufeff a , b ,label\r\n1, 2 ,x\r\n\r\n 3,4,"y, z"\r\n')
    expect(parsed.columns).toEqual(['a', 'b', 'label'])
    expect(parsed.rows).toEqual([
      ['1', '2', 'x'],
      ['3', '4', 'y, z']
    ])
    expect(parsed.rowNumbers).toEqual([2, 4])
    expect(parsed.headerRow).toBe(1)
    expect(parsed.delimiter).toBe(',')
  })

  it('counts a cell with a line break inside quotes as one spreadsheet row', () => {
    const parsed = parseCsv('a,label\n1,"two\nlines"\nx,y\n')
    expect(parsed.rowNumbers).toEqual([2, 3])
    expect(() => csvDataset(parsed, 'label')).toThrow(
      `row 3, column "a": "x" is not a number ${note}`
    )
  })

  it('detects semicolons and tabs as separators, and takes a given one', () => {
    expect(parseCsv('a;b;label\n1.5;2;x\n').delimiter).toBe(';')
    expect(parseCsv('a\tb\tlabel\n1\t2\tx\n').rows).toEqual([['1', '2', 'x']])
    expect(parseCsv('a,b;c\n1,2;3\n', { delimiter: ';' }).columns).toEqual(['a,b', 'c'])
  })

  it('reports the size of the text in UTF-8 bytes', () => {
    expect(parseCsv('é,label\n1,2\n').bytes).toBe(13)
  })
})

describe('csvDataset', () => {
  it('gives the same data set as loadIris for the same table', () => {
    const fromCsv = csvDataset(parseCsv(irisCsv()), 'species', 'virginica')
    const fromPackage = loadIris(2)
    expect(fromCsv.n).toBe(150)
    expect(fromCsv.d).toBe(4)
    expect(fromCsv.featureColumns).toEqual(IRIS_FEATURE_NAMES)
    expect(fromCsv.positiveLabel).toBe('virginica')
    expect(Array.from(fromCsv.y)).toEqual(Array.from(fromPackage.y))
    expect(Array.from(fromCsv.x)).toEqual(Array.from(fromPackage.x))
  })

  it('standardises each feature to mean 0 and sd 1, a constant one to 0, wherever the label sits', () => {
    const data = csvDataset(parseCsv('label,a,c,b\nx,1,5,10\ny,2,5,30\nx,3,5,20\n'), 'label')
    expect(data.d).toBe(3)
    expect(data.featureColumns).toEqual(['a', 'c', 'b'])
    const column = (j: number) => [0, 1, 2].map((i) => data.x[i * 3 + j])
    const sd = Math.sqrt(2 / 3) // population sd of 1, 2, 3
    expect(column(0)).toEqual([-1 / sd, 0, 1 / sd].map(Math.fround))
    expect(column(1)).toEqual([0, 0, 0])
    expect(column(2)).toEqual([-1 / sd, 1 / sd, 0].map(Math.fround))
  })

  it('with two label values, the larger in sort order is +1: numeric order for numbers', () => {
    const numbers = csvDataset(parseCsv(small('1,2,10', '3,4,9', '5,6,10.0')), 'label')
    expect(numbers.positiveLabel).toBe('10')
    expect(Array.from(numbers.y)).toEqual([1, -1, 1])
    const words = csvDataset(parseCsv(small('1,2,no', '3,4,yes')), 'label')
    expect(words.positiveLabel).toBe('yes')
    expect(Array.from(words.y)).toEqual([-1, 1])
  })

  it('a positive label makes that value +1 and every other -1', () => {
    const data = csvDataset(parseCsv(irisCsv()), 'species', ' setosa ')
    expect(data.y.filter((v) => v === 1)).toHaveLength(50)
    expect(Array.from(data.y.slice(0, 50))).toEqual(Array(50).fill(1))
    const numeric = csvDataset(parseCsv(small('1,2,0', '3,4,1', '5,6,2')), 'label', '1.0')
    expect(Array.from(numeric.y)).toEqual([-1, 1, -1])
  })
})

describe('labelCandidates', () => {
  it('offers the one text column, with its values and counts', () => {
    expect(inspectCsv(irisCsv()).labelCandidates).toEqual([
      {
        column: 'species',
        numeric: false,
        values: [
          { value: 'setosa', count: 50 },
          { value: 'versicolor', count: 50 },
          { value: 'virginica', count: 50 }
        ]
      }
    ])
  })

  it('in an all-numeric file, offers every column with 2 to 100 values, merging 1 and 1.0', () => {
    const text =
      'x,flag,y\n' +
      Array.from(
        { length: 120 },
        (_, i) => `${i},${i % 3 === 0 ? '1.0' : i % 3 === 1 ? '1' : '0'},${i % 2}`
      ).join('\n')
    const candidates = labelCandidates(parseCsv(text))
    expect(candidates.map((c) => c.column)).toEqual(['flag', 'y'])
    expect(candidates[0]).toEqual({
      column: 'flag',
      numeric: true,
      values: [
        { value: '1', count: 80 },
        { value: '0', count: 40 }
      ]
    })
  })
})
