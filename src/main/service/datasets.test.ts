import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabApiError, MAX_DATASET_BYTES } from '../../shared/api'
import { parseExperimentConfig } from '../../kinds/registry'
import { datasetSchema } from '../../shared/datasets'
import { loadIris } from '../lab/datasets/iris'
import { loadRealDataset } from '../lab/datasets/index'
import { IRIS_FEATURE_NAMES, irisClasses, irisMeasurements } from '../lab/datasets/iris'
import { openTempLab, type TempLab } from '../testing/tempLab'

// A real SQLite file; no run is started here, so no worker process either.
let lab: TempLab
beforeEach(() => {
  lab = openTempLab('lab-datasets-', { parallelRuns: 1 })
})
afterEach(() => lab.close())

function irisCsv(edit?: (rows: string[][]) => void): string {
  const rows = irisMeasurements().map((r, i) => [...r.map(String), irisClasses()[i]])
  edit?.(rows)
  return [[...IRIS_FEATURE_NAMES, 'species'], ...rows].map((r) => r.join(',')).join('\n') + '\n'
}

/** Rows in the database, read by another connection: what a crash would leave. */
function datasetRows(): number {
  const db = new Database(lab.dbPath, { readonly: true })
  const n = (db.prepare('SELECT COUNT(*) AS n FROM datasets').get() as { n: number }).n
  db.close()
  return n
}

async function failure(promise: Promise<unknown>): Promise<LabApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(LabApiError)
  return error as LabApiError
}

function finetune(dataset: unknown) {
  return { kind: 'finetune', m: 100, n: 50, nTest: 50, dataset }
}

describe('LabService: imported data sets', () => {
  it('imports a CSV file, lists it without its text, and keeps the text for runs', async () => {
    const content = irisCsv()
    const summary = await lab.service.dispatch('importDataset', { name: ' iris.csv ', content })
    expect(summary).toMatchObject({
      name: 'iris.csv',
      columns: [...IRIS_FEATURE_NAMES, 'species'],
      rows: 150,
      bytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex')
    })
    expect(summary.labelCandidates.map((c) => c.column)).toEqual(['species'])
    expect(summary.labelCandidates[0].values).toHaveLength(3)
    expect(await lab.service.dispatch('listDatasets', {})).toEqual([summary])
    expect(datasetRows()).toBe(1)

    // What the worker gets, and the data set it builds from it, equal the packaged Iris.
    const spec = datasetSchema.parse({
      kind: 'csv',
      datasetId: summary.id,
      labelColumn: 'species',
      positiveLabel: 'virginica'
    })
    const source = lab.service.datasetForRun(spec)
    expect(source).toEqual({
      datasetId: summary.id,
      name: 'iris.csv',
      sha256: summary.sha256,
      content
    })
    const data = loadRealDataset(spec as Extract<typeof spec, { kind: 'csv' }>, source)
    expect(Array.from(data.x)).toEqual(Array.from(loadIris(2).x))
    expect(Array.from(data.y)).toEqual(Array.from(loadIris(2).y))
    expect(lab.service.datasetForRun({ kind: 'iris', positiveClass: 0 })).toBeNull()
  })

  it('refuses a bad CSV file with a 400 naming row and column, and stores nothing', async () => {
    const error = await failure(
      lab.service.dispatch('importDataset', {
        name: 'typo.csv',
        content: irisCsv((rows) => (rows[5][3] = 'abc'))
      })
    )
    const message =
      'row 7, column "petal_width": "abc" is not a number (the header is row 1); only the label column may hold text, and "species" does too'
    expect(error.status).toBe(400)
    expect(error.message).toBe(`Cannot import "typo.csv": ${message}`)
    expect(error.fields).toEqual([{ field: 'content', message }])
    expect(await lab.service.dispatch('listDatasets', {})).toEqual([])
    expect(datasetRows()).toBe(0)
  })

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['one class only', 'x,y\n1,a\n2,a\n', 'column "y" holds one value only ("a") in every row'],
    ['binary garbage', 'PK\u0003\u0004\u0000\u0000', 'the file is not text']
  ])('refuses %s and stores nothing', async (_, content, message) => {
    const error = await failure(lab.service.dispatch('importDataset', { name: 'bad.csv', content }))
    expect(error.status).toBe(400)
    expect(error.fields).toHaveLength(1)
    expect(error.fields[0].field).toBe('content')
    expect(error.fields[0].message).toContain(message)
    expect(datasetRows()).toBe(0)
  })

  it('refuses a request over the size limit or without a name, saying which field', async () => {
    const big = 'x,y\n' + '1,0\n'.repeat(MAX_DATASET_BYTES / 4)
    const tooBig = await failure(
      lab.service.dispatch('importDataset', { name: 'big.csv', content: big })
    )
    expect(tooBig.status).toBe(400)
    expect(tooBig.fields).toEqual([
      {
        field: 'content',
        message:
          'the file is 20,971,524 bytes; the lab imports CSV files of at most 20,971,520 bytes'
      }
    ])
    const noName = await failure(
      lab.service.dispatch('importDataset', { name: '  ', content: irisCsv() })
    )
    expect(noName.fields).toEqual([{ field: 'name', message: 'name must not be empty' }])
    expect(datasetRows()).toBe(0)
  })

  it('deletes a data set unless a queued or running run reads it', async () => {
    const { id } = await lab.service.dispatch('importDataset', { name: 'iris', content: irisCsv() })
    const config = parseExperimentConfig(
      finetune({ kind: 'csv', datasetId: id, labelColumn: 'species', positiveLabel: 'setosa' })
    )
    // Straight into the store: a queued run that the service has not launched.
    const run = lab.store.runs.create({ name: 'reads iris', config, appVersion: 'test' })
    const busy = await failure(lab.service.dispatch('deleteDataset', { id }))
    expect(busy.status).toBe(409)
    expect(busy.message).toContain(`in use by run ${run.id}`)
    expect(datasetRows()).toBe(1)

    lab.store.runs.finish(run.id, 'done')
    expect(await lab.service.dispatch('deleteDataset', { id })).toEqual({ deleted: 1 })
    expect(await lab.service.dispatch('deleteDataset', { id })).toEqual({ deleted: 0 })
    expect(await lab.service.dispatch('listDatasets', {})).toEqual([])
    const gone = (() => {
      try {
        lab.service.datasetForRun({ kind: 'csv', datasetId: id, labelColumn: 'species' })
      } catch (e) {
        return e as LabApiError
      }
    })()
    expect(gone?.status).toBe(404)
    expect(gone?.message).toBe(`The imported data set ${id} this run reads was deleted`)
  })

  it('refuses to start a run on a csv spec that names no data set or no usable label', async () => {
    const { id } = await lab.service.dispatch('importDataset', { name: 'iris', content: irisCsv() })
    const cases: [unknown, string, string][] = [
      [
        { kind: 'csv', datasetId: id + 1, labelColumn: 'species' },
        'dataset.datasetId',
        `dataset.datasetId: no imported data set has id ${id + 1}`
      ],
      [
        { kind: 'csv', datasetId: id, labelColumn: 'class' },
        'dataset.labelColumn',
        'dataset.labelColumn: "iris" has no column "class"; the columns are: "sepal_length", "sepal_width", "petal_length", "petal_width", "species"'
      ],
      [
        { kind: 'csv', datasetId: id, labelColumn: 'petal_width' },
        'dataset.labelColumn',
        'dataset.labelColumn: column "petal_width" of "iris" cannot be the label (a label needs 2 to 100 distinct values, no empty cell, and every other column numeric); the columns that can are: "species"'
      ],
      [
        { kind: 'csv', datasetId: id, labelColumn: 'species' },
        'dataset.positiveLabel',
        'dataset.positiveLabel: column "species" has 3 values ("setosa", "versicolor", "virginica"): choose the one labelled +1'
      ],
      [
        { kind: 'csv', datasetId: id, labelColumn: 'species', positiveLabel: 'rose' },
        'dataset.positiveLabel',
        'dataset.positiveLabel: "rose" is not a value of column "species"; its values are: "setosa", "versicolor", "virginica"'
      ]
    ]
    for (const [dataset, field, message] of cases) {
      const error = await failure(lab.service.dispatch('startRun', { config: finetune(dataset) }))
      expect(error.status).toBe(400)
      expect(error.fields).toEqual([{ field, message }])
    }
    expect(lab.store.history.list()).toEqual([])

    // A good spec passes the same check.
    const good = parseExperimentConfig(
      finetune({ kind: 'csv', datasetId: id, labelColumn: 'species', positiveLabel: 'setosa' })
    )
    expect(() =>
      lab.service.checkDatasetSpec('dataset' in good ? good.dataset : never(), { binary: true })
    ).not.toThrow()
    // With all its classes (universality), three values need no positive label.
    expect(() =>
      lab.service.checkDatasetSpec(
        { kind: 'csv', datasetId: id, labelColumn: 'species' },
        { binary: false }
      )
    ).not.toThrow()
  })
})

function never(): never {
  throw new Error('unreachable')
}
