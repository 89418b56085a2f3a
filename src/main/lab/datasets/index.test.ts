import { describe, expect, it } from 'vitest'
import { datasetSchema, classDatasetSchema } from '../../../shared/datasets'
import { datasetFeatureCount, loadRealClassDataset, loadRealDataset } from './index'
import { DatasetError } from './errors'
import { loadIris } from './iris'
import { loadMnistPair } from './mnist'

const csv = {
  datasetId: 4,
  name: 'toy.csv',
  sha256: '0'.repeat(64),
  content: 'a,b,y\n1,2,0\n3,5,1\n4,4,1\n'
}

describe('datasetFeatureCount', () => {
  it('knows Iris and MNIST without loading them, and a CSV file from its columns', () => {
    expect(datasetFeatureCount(datasetSchema.parse({ kind: 'iris' }))).toBe(4)
    expect(datasetFeatureCount(datasetSchema.parse({ kind: 'mnist' }))).toBe(784)
    expect(datasetFeatureCount(classDatasetSchema.parse({ kind: 'mnist' }))).toBe(784)
    const spec = datasetSchema.parse({ kind: 'csv', datasetId: 4, labelColumn: 'y' })
    expect(datasetFeatureCount(spec, ['a', 'b', 'y'])).toBe(2)
    expect(datasetFeatureCount(spec)).toBeNull()
    expect(datasetFeatureCount(datasetSchema.parse({ kind: 'synthetic' }))).toBeNull()
    expect(datasetFeatureCount(classDatasetSchema.parse({ kind: 'mixture' }))).toBeNull()
  })

  it('agrees with what the loaders give', () => {
    expect(loadIris(0).d).toBe(datasetFeatureCount({ kind: 'iris', positiveClass: 0 }))
    expect(loadMnistPair(0, 1).d).toBe(
      datasetFeatureCount({ kind: 'mnist', positiveDigit: 0, negativeDigit: 1 })
    )
  })
})

describe('loadRealDataset', () => {
  it('loads each kind of spec', () => {
    expect(loadRealDataset(datasetSchema.parse({ kind: 'iris' }) as never).n).toBe(150)
    const spec = datasetSchema.parse({ kind: 'csv', datasetId: 4, labelColumn: 'y' })
    const data = loadRealDataset(spec as never, csv)
    expect([data.n, data.d, Array.from(data.y)]).toEqual([3, 2, [-1, 1, 1]])
    const classes = loadRealClassDataset(
      classDatasetSchema.parse({ kind: 'csv', datasetId: 4, labelColumn: 'y' }) as never,
      csv
    )
    expect([classes.L, classes.classNames]).toEqual([2, ['0', '1']])
    expect(loadRealClassDataset({ kind: 'iris' }).L).toBe(3)
  })

  it('says so when the run was not handed the CSV text it needs', () => {
    const spec = { kind: 'csv' as const, datasetId: 5, labelColumn: 'y' }
    expect(() => loadRealDataset(spec, csv)).toThrow(
      'the text of imported data set 5 was not handed to this run'
    )
    expect(() => loadRealDataset(spec)).toThrow(DatasetError)
  })
})
