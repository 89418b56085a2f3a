import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_DATASET_BYTES } from '../../shared/api'
import { API_BODY_LIMIT, createHttpApp, createToken, IMPORT_BODY_LIMIT, listen } from './http'
import { openLab } from './lab'

// The real host on a loopback port, over a real SQLite file; no run is started.
const worker = resolve(__dirname, '../service/worker.ts')
let dir: string
let lab: ReturnType<typeof openLab>
let host: Awaited<ReturnType<typeof listen>>
let base: string
const token = createToken()

beforeEach(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-http-'))
  lab = openLab({ dbPath: join(dir, 'lab.db'), host: 'headless', worker, parallelRuns: 1 })
  host = await listen(createHttpApp(lab.service, { token, rendererDir: dir }), 0, token)
  base = `http://127.0.0.1:${host.port}`
})
afterEach(async () => {
  await host.close()
  lab.close()
  rmSync(dir, { recursive: true, force: true })
})

function post(method: string, body: RequestInit['body'], headers: Record<string, string> = {}) {
  return fetch(`${base}/api/${method}`, {
    method: 'POST',
    headers: { 'x-lab-token': token, 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half'
  } as RequestInit)
}

/** A valid CSV file of just under `bytes` bytes. */
function csvOf(bytes: number): string {
  const header = 'a,b,c,label\n'
  const rows = ['0.25,1.5,-3,x\n', '0.5,2.5,4e-3,y\n']
  const pair = rows.join('')
  let text = header + pair.repeat(Math.floor((bytes - header.length) / pair.length))
  if (text.length + rows[0].length <= bytes) text += rows[0]
  return text
}

/** A body that never ends, counting how many chunks the server pulled. */
function endless(chunkBytes: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0
  const chunk = new Uint8Array(chunkBytes).fill(0x20)
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++
      controller.enqueue(chunk)
    }
  })
  return { stream, pulled: () => pulled }
}

describe('headless host: request sizes', () => {
  it('accepts a CSV file of 20 MB', async () => {
    const content = csvOf(MAX_DATASET_BYTES)
    expect(content.length).toBeGreaterThan(MAX_DATASET_BYTES - 20)
    const body = JSON.stringify({ name: 'twenty.csv', content })
    const response = await post('importDataset', body)
    expect(response.status).toBe(200)
    const summary = (await response.json()) as { id: number; bytes: number; rows: number }
    expect(summary.bytes).toBe(content.length)
    expect(summary.rows).toBeGreaterThan(1_000_000)
    expect(lab.store.getDataset(summary.id).content).toBe(content)
  })

  it('refuses a larger body with a 413 JSON error, from its declared length', async () => {
    const body = new Uint8Array(50 * 1024 * 1024).fill(0x20)
    const response = await post('importDataset', body)
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({
      error:
        'The request is 50.0 MB; the lab accepts at most 40.1 MB for importDataset (a CSV file of at most 20.0 MB).'
    })
    expect(lab.store.listDatasets()).toEqual([])
  })

  it('stops reading a body without a declared length once it passes the limit', async () => {
    const chunk = 1024 * 1024
    const { stream, pulled } = endless(chunk)
    const response = await post('importDataset', stream)
    expect(response.status).toBe(413)
    expect(((await response.json()) as { error: string }).error).toBe(
      'The request is larger; the lab accepts at most 40.1 MB for importDataset (a CSV file of at most 20.0 MB).'
    )
    // The server read up to the limit and then stopped: nowhere near unbounded.
    expect(pulled() * chunk).toBeGreaterThan(IMPORT_BODY_LIMIT)
    expect(pulled() * chunk).toBeLessThan(IMPORT_BODY_LIMIT + 64 * chunk)
    await stream.cancel().catch(() => undefined)
  })

  it('keeps other API calls to a small body', async () => {
    const response = await post(
      'updateRun',
      JSON.stringify({ id: 1, notes: 'x'.repeat(API_BODY_LIMIT) })
    )
    expect(response.status).toBe(413)
    expect(((await response.json()) as { error: string }).error).toBe(
      'The request is 2.0 MB; the lab accepts at most 2.0 MB for an API call.'
    )
    const small = await post('listDatasets', '{}')
    expect(small.status).toBe(200)
    expect(await small.json()).toEqual([])
  })

  it('refuses an upload without the token before reading it', async () => {
    const response = await fetch(`${base}/api/importDataset`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x', content: 'a,b\n1,2\n' })
    })
    expect(response.status).toBe(401)
  })
})
