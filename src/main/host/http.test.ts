import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_DATASET_BYTES } from '../../shared/api'
import { API_BODY_LIMIT, createHttpApp, createToken, IMPORT_BODY_LIMIT, listen } from './http'
import { openTempLab, type TempLab } from '../testing/tempLab'

// The real host on a loopback port, over a real SQLite file; no run is started.
let lab: TempLab
let host: Awaited<ReturnType<typeof listen>>
let base: string
const token = createToken()

beforeEach(async () => {
  lab = openTempLab('lab-http-', { host: 'headless', parallelRuns: 1 })
  host = await listen(createHttpApp(lab.service, { token, rendererDir: lab.dir }), 0, token)
  base = `http://127.0.0.1:${host.port}`
})
afterEach(async () => {
  await host.close()
  lab.close()
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
    expect(lab.store.datasets.get(summary.id).content).toBe(content)
  })

  it('refuses a larger body with a 413 JSON error, from its declared length', async () => {
    const body = new Uint8Array(50 * 1024 * 1024).fill(0x20)
    const response = await post('importDataset', body)
    expect(response.status).toBe(413)
    const error =
      'The request is 50.0 MB; the lab accepts at most 40.1 MB for importDataset (a CSV file of at most 20.0 MB).'
    // The API's error shape, naming the part of the request that is wrong.
    expect(await response.json()).toEqual({ error, fields: [{ field: 'body', message: error }] })
    expect(lab.store.datasets.list()).toEqual([])
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

describe('headless host: only the lab page acts on the lab', () => {
  it('refuses a call from another origin or site, even with the token, and changes nothing', async () => {
    const other = `http://127.0.0.1:${host.port + 1}`
    const body = JSON.stringify({ name: 'x.csv', content: 'a,label\n1,x\n2,y\n' })
    for (const headers of <Record<string, string>[]>[
      { origin: other },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' }
    ]) {
      const response = await post('importDataset', body, headers)
      expect(response.status, JSON.stringify(headers)).toBe(403)
      expect(((await response.json()) as { error: string }).error).toMatch(/another (origin|site)/)
    }
    expect(lab.store.datasets.list()).toEqual([])
    const own = await post('importDataset', body, { origin: base, 'sec-fetch-site': 'same-origin' })
    expect(own.status).toBe(200)
  })

  it('takes only JSON bodies: a form or text body is refused with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const response = await post('deleteRuns', '{"ids":[1]}', { 'content-type': type })
      expect(response.status).toBe(415)
      expect(((await response.json()) as { error: string }).error).toContain('application/json')
    }
  })

  it('answers the token in a cookie or in the query of an API call with 401, and sets no cookie', async () => {
    const page = await fetch(`${base}/?token=${token}`)
    expect(page.headers.get('set-cookie')).toBeNull()
    const cookie = await fetch(`${base}/api/listRuns`, {
      method: 'POST',
      headers: { cookie: `lab_token=${token}`, 'content-type': 'application/json' },
      body: '{}'
    })
    expect(cookie.status).toBe(401)
    const query = await fetch(`${base}/api/listRuns?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}'
    })
    expect(query.status).toBe(401)
  })

  it('sends the security headers with every answer, errors included', async () => {
    const answers = [
      await fetch(`${base}/`),
      await post('listRuns', '{}'),
      await post('getRun', '{"id": 99}'),
      await fetch(`${base}/api/listRuns`)
    ]
    expect(answers.map((r) => r.status)).toEqual([401, 200, 404, 405])
    for (const response of answers) {
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("script-src 'self'")
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('referrer-policy')).toBe('no-referrer')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
    }
  })

  it('answers GET on an API method with a JSON 405, not the page', async () => {
    const response = await fetch(`${base}/api/deleteRuns?token=${token}`)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(((await response.json()) as { error: string }).error).toBe(
      "The lab's API takes POST requests with a JSON body (got GET /api/deleteRuns)."
    )
  })

  it('streams events to the token in the query (EventSource sends no headers), not without it', async () => {
    const refused = await fetch(`${base}/api/events`)
    expect(refused.status).toBe(401)
    const controller = new AbortController()
    const stream = await fetch(`${base}/api/events?token=${token}`, { signal: controller.signal })
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toContain('text/event-stream')
    controller.abort()
  })
})
