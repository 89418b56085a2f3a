/**
 * Runs the corpus of bad inputs against the real hosts: the service's dispatch (what Electron's
 * IPC and the CLI call), the headless HTTP host, the CLI as a process, over one real SQLite file
 * holding two finished runs and an imported CSV file. Each input must be refused naming its
 * field and stating its rule, and leave every table of the database as it was.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import os from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabApiError, type ApiErrorBody, type ApiMethod } from '../../../shared/api'
import { bundleChecksum, type Bundle } from '../../export/bundle'
import { IRIS_FEATURE_NAMES, irisClasses, irisMeasurements } from '../../lab/datasets/iris'
import { createHttpApp, createToken, listen } from '../http'
import { openLab } from '../lab'
import { apiBadInputs } from './api'
import { configBadInputs, CORPUS_BUDGET } from './configs'
import { bundleBadInputs } from './bundles'
import { cliBadInputs } from './cli'
import { csvBadInputs } from './csv'
import { httpBadInputs } from './http'
import type {
  ApiBadInput,
  BadInput,
  BundleBadInput,
  CliBadInput,
  CsvBadInput,
  HttpBadInput
} from './types'

const root = resolve(__dirname, '../../../..')
const worker = resolve(__dirname, '../../service/worker.ts')
const dir = mkdtempSync(join(os.tmpdir(), 'lab-bad-inputs-'))
const dbPath = join(dir, 'lab.db')
const token = createToken()
let lab: ReturnType<typeof openLab>
let host: Awaited<ReturnType<typeof listen>>
let validBundle: string

const irisCsv =
  [
    [...IRIS_FEATURE_NAMES, 'species'],
    ...irisMeasurements().map((r, i) => [...r.map(String), irisClasses()[i]])
  ]
    .map((r) => r.join(','))
    .join('\n') + '\n'

beforeAll(async () => {
  // A stated memory budget, so that what is over it does not depend on this machine's memory.
  lab = openLab({ dbPath, host: 'headless', worker, parallelRuns: 2, memoryBudget: CORPUS_BUDGET })
  const iris = await lab.service.dispatch('importDataset', { name: 'iris.csv', content: irisCsv })
  const runs = [
    await lab.service.dispatch('startRun', {
      name: 'effectiveness',
      config: { kind: 'effectiveness', d: 20, m: 200, k: 4, n: 200, nTest: 200 }
    }),
    await lab.service.dispatch('startRun', {
      name: 'universality on iris',
      config: {
        kind: 'universality',
        dataset: { kind: 'csv', datasetId: iris.id, labelColumn: 'species' },
        n: 100,
        nTest: 50,
        m: 60,
        k: 2,
        probes: 2,
        randomHeads: 20,
        head: { epochs: 20 }
      }
    })
  ]
  for (const run of runs) {
    const finished = await lab.service.waitForRun(run.id)
    if (finished.status !== 'done')
      throw new Error(`corpus run ${finished.status}: ${finished.error}`)
  }
  await lab.service.dispatch('updateRun', { id: runs[0].id, tags: ['kept'], notes: 'as it was' })
  validBundle = (await lab.service.dispatch('exportBundle', { ids: runs.map((r) => r.id) })).json
  host = await listen(createHttpApp(lab.service, { token, rendererDir: dir }), 0, token)
})
afterAll(async () => {
  await host?.close()
  lab?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Every row of every table, read by another connection. */
function snapshot() {
  const db = new Database(dbPath, { readonly: true })
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((t) => t.name)
  const rows = Object.fromEntries(
    tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()])
  )
  db.close()
  return rows
}

/** The message of `field` among an error's fields. */
function fieldMessage(fields: { field: string; message: string }[] | undefined, field: string) {
  const found = (fields ?? []).find((f) => f.field === field)
  expect(found, `no field ${field} in ${JSON.stringify(fields)}`).toBeDefined()
  return found!.message
}

async function refuseApi(input: ApiBadInput) {
  const error = await lab.service
    .dispatch(input.method as ApiMethod, input.params)
    .then(() => null)
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(LabApiError)
  const e = error as LabApiError
  expect(e.status).toBe(input.status ?? 400)
  expect(fieldMessage(e.fields, input.field)).toContain(input.rule)
}

async function refuseCsv(input: CsvBadInput) {
  await refuseApi({
    ...input,
    channel: 'api',
    method: 'importDataset',
    params: { name: 'bad.csv', content: input.content }
  })
}

function refuseHttp(input: HttpBadInput): Promise<void> {
  const { method, path, headers = {}, body, token: withToken, json } = input.request
  const sent: Record<string, string> = {}
  if (withToken) sent['x-lab-token'] = token
  if (json) sent['content-type'] = 'application/json'
  for (const [name, value] of Object.entries(headers)) sent[name] = value.replace('{token}', token)
  return new Promise((done, fail) => {
    const req = request(
      // A fresh connection each: one the host closed (after a 413) is not reused.
      { host: '127.0.0.1', port: host.port, method, path, headers: sent, agent: false },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => {
          try {
            expect(response.statusCode).toBe(input.status)
            expect(response.headers['content-type']).toContain('application/json')
            const answer = JSON.parse(text) as ApiErrorBody
            expect(fieldMessage(answer.fields, input.field)).toContain(input.rule)
            done()
          } catch (error) {
            fail(error as Error)
          }
        })
      }
    )
    req.on('error', fail)
    req.end(body)
  })
}

async function refuseBundle(input: BundleBadInput) {
  let text: string
  if (input.text) text = input.text(validBundle)
  else {
    const bundle = JSON.parse(validBundle) as Bundle
    input.edit!(bundle)
    if (input.resign) bundle.checksum = bundleChecksum(bundle)
    text = JSON.stringify(bundle)
  }
  const error = (await lab.service
    .dispatch('importBundle', { json: text })
    .then(() => null)
    .catch((e: unknown) => e)) as LabApiError
  expect(error).toBeInstanceOf(LabApiError)
  expect(error.status).toBe(400)
  const message = fieldMessage(error.fields, 'json')
  if (input.field === 'json') {
    expect(message).toContain(input.rule)
    return
  }
  // "the bundle is not valid: runs.0.metrics.0.value: attackSuccessRate is a rate: ...; ..."
  const problems = message.replace(/^the bundle is not valid: /, '').split('; ')
  const named = problems.filter((p) => p.startsWith(`${input.field}: `))
  expect(named, message).not.toEqual([])
  expect(named.join('; ')).toContain(input.rule)
}

function refuseCli(input: CliBadInput) {
  const files = Object.fromEntries(
    Object.entries(input.files ?? {}).map(([name, text]) => {
      const path = join(dir, `${name}-${Math.random().toString(36).slice(2)}.json`)
      writeFileSync(path, text)
      return [name, path]
    })
  )
  const args = input.args.map((a) => a.replace(/^\{(\w+)\}$/, (_, name: string) => files[name]))
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/main/host/cli.ts', ...args, '--db', dbPath],
    { cwd: root, encoding: 'utf8' }
  )
  expect(result.status, result.stderr).toBe(input.code ?? 2)
  expect(result.stderr).toContain(input.field)
  expect(result.stderr).toContain(input.rule)
  // One sentence, no stack trace, no raw control characters.
  expect(result.stderr).not.toMatch(/^\s+at .+[:(]/m)
  expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
}

const corpus: BadInput[] = [
  ...apiBadInputs.map((i) => ({ ...i, channel: 'api' as const })),
  ...configBadInputs.map((i) => ({ ...i, channel: 'api' as const })),
  ...csvBadInputs.map((i) => ({ ...i, channel: 'csv' as const })),
  ...httpBadInputs.map((i) => ({ ...i, channel: 'http' as const })),
  ...bundleBadInputs.map((i) => ({ ...i, channel: 'bundle' as const })),
  ...cliBadInputs.map((i) => ({ ...i, channel: 'cli' as const }))
]

describe('the corpus of bad inputs', () => {
  it('holds at least 60 inputs, each with a field and a rule', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60)
    for (const input of corpus) {
      expect(input.field, input.title).not.toBe('')
      expect(input.rule, input.title).not.toBe('')
    }
    expect(new Set(corpus.map((i) => i.title)).size).toBe(corpus.length)
  })

  it.each(corpus.map((input) => [`${input.channel}: ${input.title}`, input] as const))(
    '%s is refused naming its field, and changes nothing',
    async (_, input) => {
      const before = snapshot()
      if (input.channel === 'api') await refuseApi(input)
      else if (input.channel === 'csv') await refuseCsv(input)
      else if (input.channel === 'http') await refuseHttp(input)
      else if (input.channel === 'bundle') await refuseBundle(input)
      else refuseCli(input)
      expect(snapshot()).toEqual(before)
    }
  )
})
