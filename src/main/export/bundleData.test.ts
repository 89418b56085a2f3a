/**
 * Data travel with their runs: a bundle of a run on an imported CSV file carries that file,
 * an import finds or adds it by its SHA-256 and points the run at it, and a re-run reads exactly
 * the content the run read, or is refused before it starts.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabApiError, type DatasetSummary } from '../../shared/api'
import type { RunDetail } from '../../shared/results'
import { openLab } from '../host/lab'
import { IRIS_FEATURE_NAMES, irisClasses, irisMeasurements } from '../lab/datasets/iris'
import { bundleChecksum, type Bundle } from './bundle'

const worker = resolve(__dirname, '../service/worker.ts')
const dir = mkdtempSync(join(os.tmpdir(), 'lab-bundle-data-'))
const labs: ReturnType<typeof openLab>[] = []
function freshLab(name: string) {
  const lab = openLab({ dbPath: join(dir, name), host: 'cli', worker, parallelRuns: 1 })
  labs.push(lab)
  return lab
}

const irisCsv = (() => {
  const rows = irisMeasurements().map((r, i) => [...r.map(String), irisClasses()[i]])
  return [[...IRIS_FEATURE_NAMES, 'species'], ...rows].map((r) => r.join(',')).join('\n') + '\n'
})()
/** Another file: two features, two classes. */
const otherCsv =
  'u,v,label\n' +
  Array.from({ length: 40 }, (_, i) => `${(i % 7) - 3},${(i % 5) * 0.5},${i % 2 ? 'a' : 'b'}`).join(
    '\n'
  ) +
  '\n'

const universalityOn = (datasetId: number) => ({
  kind: 'universality',
  dataset: { kind: 'csv', datasetId, labelColumn: 'species' },
  n: 100,
  nTest: 50,
  m: 60,
  k: 2,
  theta: 2,
  lambda: 4,
  target: 0,
  probes: 2,
  randomHeads: 20,
  head: { epochs: 20 }
})

let source: ReturnType<typeof openLab>
let iris: DatasetSummary
let run: RunDetail
let bundleText: string

beforeAll(async () => {
  source = freshLab('source.db')
  // A file imported before Iris: Iris gets id 2 here, while a lab that has only Iris calls it 1.
  await source.service.dispatch('importDataset', { name: 'first.csv', content: otherCsv })
  iris = await source.service.dispatch('importDataset', { name: 'iris.csv', content: irisCsv })
  const started = await source.service.dispatch('startRun', {
    config: universalityOn(iris.id),
    name: 'on iris'
  })
  const finished = await source.service.waitForRun(started.id)
  if (finished.status !== 'done')
    throw new Error(`fixture run ${finished.status}: ${finished.error}`)
  run = source.service.getRun(started.id)
  bundleText = (await source.service.dispatch('exportBundle', { ids: [run.id] })).json
})
afterAll(() => {
  for (const lab of labs) lab.close()
  rmSync(dir, { recursive: true, force: true })
})

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

async function refusal(promise: Promise<unknown>): Promise<LabApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(LabApiError)
  return error as LabApiError
}

/** The bundle as the previous version wrote it: runs only, each naming its file by id. */
function versionOne(text: string): string {
  const bundle = JSON.parse(text) as {
    version: number
    runs: { dataSha256?: unknown }[]
    datasets?: unknown
    checksum: string
  }
  for (const r of bundle.runs) delete r.dataSha256
  delete bundle.datasets
  bundle.version = 1
  bundle.checksum = bundleChecksum(bundle)
  return JSON.stringify(bundle)
}

describe('a bundle carries the CSV files its runs read', () => {
  it('holds the file, named by its SHA-256, and the run names it', () => {
    const bundle = JSON.parse(bundleText) as Bundle
    expect(bundle.version).toBe(2)
    expect(bundle.datasets).toEqual([{ sha256: sha(irisCsv), name: 'iris.csv', content: irisCsv }])
    expect(bundle.runs[0].dataSha256).toBe(sha(irisCsv))
    expect(run.environment?.dataFile?.sha256).toBe(sha(irisCsv))
  })

  it('into an empty lab: the file comes along, and Re-run exactly gives identical numbers', async () => {
    const target = freshLab('empty.db')
    const { imported } = await target.service.dispatch('importBundle', { json: bundleText })
    const datasets = target.store.datasets.list()
    expect(datasets.map((d) => [d.name, d.sha256, d.rows])).toEqual([
      ['iris.csv', sha(irisCsv), 150]
    ])
    const copy = target.service.getRun(imported[0].id)
    expect(copy.config).toMatchObject({ dataset: { kind: 'csv', datasetId: datasets[0].id } })
    const rerun = await target.service.dispatch('rerunRun', { id: copy.id })
    expect((await target.service.waitForRun(rerun.id)).status).toBe('done')
    const again = target.service.getRun(rerun.id)
    expect(again.environment?.dataFile?.sha256).toBe(sha(irisCsv))
    expect(again.reproduction).toMatchObject({ identical: true, differing: [] })
  })

  it('into a lab where that id names another file: the run reads its own file, not that one', async () => {
    const target = freshLab('taken-id.db')
    const other = await target.service.dispatch('importDataset', {
      name: 'other.csv',
      content: otherCsv
    })
    await target.service.dispatch('importDataset', { name: 'another.csv', content: otherCsv })
    expect(other.id).toBe(1) // and the run's id in the source lab is 2: both taken here
    const { imported } = await target.service.dispatch('importBundle', { json: bundleText })
    const copy = target.service.getRun(imported[0].id)
    const own = target.store.datasets.list().find((d) => d.sha256 === sha(irisCsv))!
    expect(own.id).toBe(3)
    expect(copy.config).toMatchObject({ dataset: { datasetId: 3 } })
  })

  it('is content-addressed: the same file twice, or one the lab has, is one data set', async () => {
    const target = freshLab('twice.db')
    const mine = await target.service.dispatch('importDataset', {
      name: 'my-iris.csv',
      content: irisCsv
    })
    await target.service.dispatch('importBundle', { json: bundleText })
    const { imported } = await target.service.dispatch('importBundle', { json: bundleText })
    expect(target.store.datasets.list().map((d) => d.id)).toEqual([mine.id])
    expect(target.service.getRun(imported[0].id).config).toMatchObject({
      dataset: { datasetId: mine.id }
    })
  })

  it('refuses to export a run whose file this lab no longer has, saying why', async () => {
    const lab = freshLab('deleted.db')
    const { imported } = await lab.service.dispatch('importBundle', { json: bundleText })
    const id = lab.store.datasets.list()[0].id
    await lab.service.dispatch('deleteDataset', { id })
    const error = await refusal(lab.service.dispatch('exportBundle', { ids: [imported[0].id] }))
    expect(error.status).toBe(409)
    expect(error.fields.map((f) => f.field)).toEqual(['ids'])
    expect(error.message).toContain(
      `run ${imported[0].id} read the imported CSV file "iris.csv" (SHA-256 ${sha(irisCsv).slice(0, 12)}…), which is no longer in this lab`
    )
  })

  it('still imports a bundle of the previous version, which carries no files', async () => {
    const target = freshLab('v1.db')
    const { imported } = await target.service.dispatch('importBundle', {
      json: versionOne(bundleText)
    })
    expect(imported).toHaveLength(1)
    expect(target.service.getRun(imported[0].id).metrics).toEqual(run.metrics)
    expect(target.store.datasets.list()).toEqual([])
  })

  it('refuses to re-run a run on data this lab does not have, before it starts, even when its id names another file', async () => {
    const target = freshLab('v1-other.db')
    await target.service.dispatch('importDataset', { name: 'one.csv', content: otherCsv })
    const other = await target.service.dispatch('importDataset', {
      name: 'impostor.csv',
      content: irisCsv.replace('5.1,3.5', '5.2,3.5')
    })
    expect(other.id).toBe(iris.id)
    const { imported } = await target.service.dispatch('importBundle', {
      json: versionOne(bundleText)
    })
    const runsBefore = target.store.history.list().length
    const error = await refusal(target.service.dispatch('rerunRun', { id: imported[0].id }))
    expect(error.status).toBe(409)
    expect(error.message).toBe(
      `Run ${imported[0].id} cannot be re-run exactly: it read "iris.csv" (SHA-256 ${sha(irisCsv).slice(0, 12)}…), and no data set in this lab has that content (data set ${other.id}, "impostor.csv", is another file). Import that file (or a bundle that carries it), then re-run.`
    )
    expect(target.store.history.list()).toHaveLength(runsBefore)

    // Once the file is there, under any id, the re-run finds it by its content.
    const real = await target.service.dispatch('importDataset', { name: 'x.csv', content: irisCsv })
    const rerun = await target.service.dispatch('rerunRun', { id: imported[0].id })
    expect(target.service.getRun(rerun.id).config).toMatchObject({
      dataset: { datasetId: real.id }
    })
    await target.service.waitForRun(rerun.id)
  })

  it('a run reads only the content it was started on: a file changed in the database is refused', async () => {
    const lab = freshLab('changed.db')
    const dataset = await lab.service.dispatch('importDataset', {
      name: 'iris.csv',
      content: irisCsv
    })
    const db = new Database(lab.store.path)
    // Same length, one digit changed: what an edit outside the lab would leave.
    db.prepare('UPDATE datasets SET content = ? WHERE id = ?').run(
      irisCsv.replace('5.1,3.5', '5.2,3.5'),
      dataset.id
    )
    db.close()
    const started = await lab.service.dispatch('startRun', { config: universalityOn(dataset.id) })
    const finished = await lab.service.waitForRun(started.id)
    expect(finished.status).toBe('failed')
    expect(finished.error).toBe(
      `The text of data set ${dataset.id} ("iris.csv") no longer matches its SHA-256 (${sha(irisCsv).slice(0, 12)}…): the database was changed outside the lab; import the file again`
    )
    expect(finished.startedAt).toBeNull()
  })
})
