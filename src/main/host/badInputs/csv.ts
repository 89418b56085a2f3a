/** Bad CSV files for importDataset: each refusal names the row and the column. */
import { MAX_DATASET_BYTES } from '../../../shared/api'
import type { CsvBadInput } from './types'

export const csvBadInputs: Omit<CsvBadInput, 'channel'>[] = [
  {
    title: 'a CSV file with text in a numeric column',
    content: 'a,b,label\n1,2,x\n3,abc,y\n',
    field: 'content',
    rule: 'row 3, column "b": "abc" is not a number'
  },
  {
    title: 'a CSV file with a row short of a cell',
    content: 'a,b,label\n1,2,x\n3,4\n',
    field: 'content',
    rule: 'row 3 has 2 cells, but the header has 3 columns'
  },
  {
    title: 'a CSV file with NaN in a cell',
    content: 'a,b,label\n1,NaN,x\n3,4,y\n',
    field: 'content',
    rule: 'row 2, column "b": "NaN" is not a finite number'
  },
  {
    title: 'a CSV file with an empty label',
    content: 'a,b,label\n1,2,\n3,4,y\n',
    field: 'content',
    rule: 'row 2, column "label": the label is empty'
  },
  {
    title: 'a CSV file with two columns of the same name',
    content: 'a,a,label\n1,2,x\n3,4,y\n',
    field: 'content',
    rule: 'names two columns "a" (columns 1 and 2)'
  },
  {
    title: 'a CSV file with a header and no rows',
    content: 'a,b,label\n',
    field: 'content',
    rule: 'no data rows'
  },
  {
    title: 'a CSV file one byte over the limit',
    content: 'a,label\n' + '1,x\n'.repeat(Math.floor(MAX_DATASET_BYTES / 4)),
    field: 'content',
    rule: 'the lab imports CSV files of at most'
  }
]
