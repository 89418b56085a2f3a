/**
 * Another local page cannot act on the lab. A second server on another 127.0.0.1 port (any dev
 * server, a notebook, a page a browser extension opened) serves a hostile page in the same
 * browser, after the lab's own page was opened there. Cookies are not scoped by port, so the
 * page's requests and its own server would receive anything the lab keeps in a cookie; the
 * page tries every request a browser lets it send without reading the answer.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RunDetail, RunSummary } from '../src/shared/results'
import { expect, test } from './fixtures'
import { api } from './pages/api'

/** The attacks, each a request a page may send to another origin without CORS consent. */
function hostilePage(lab: string, runId: number): string {
  const json = (value: unknown) => JSON.stringify(JSON.stringify(value))
  return `<!doctype html><html><body>
<form id="form" method="POST" action="${lab}/api/updateRun" enctype="text/plain" target="sink">
  <input name='{"id":${runId},"name":"renamed by another page","x":"' value='"}'>
</form>
<iframe name="sink"></iframe>
<script>
const lab = ${JSON.stringify(lab)}
const tries = [
  // The request of the report: a simple no-cors POST with the cookies of 127.0.0.1.
  () => fetch(lab + '/api/deleteRuns', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'Content-Type': 'text/plain' }, body: ${json({ ids: [runId] })} }),
  () => fetch(lab + '/api/updateRun', { method: 'POST', mode: 'no-cors', credentials: 'include',
    body: new URLSearchParams({ a: '1' }) }),
  // A JSON content type needs a preflight, which the lab must not grant.
  () => fetch(lab + '/api/deleteRuns', { method: 'POST', credentials: 'include',
    headers: { 'Content-Type': 'application/json' }, body: ${json({ ids: [runId] })} }),
  () => navigator.sendBeacon(lab + '/api/deleteRuns', ${json({ ids: [runId] })}),
  () => navigator.sendBeacon(lab + '/api/deleteRuns',
    new Blob([${json({ ids: [runId] })}], { type: 'application/json' })),
  () => new Promise((done) => {
    const source = new EventSource(lab + '/api/events', { withCredentials: true })
    source.onerror = () => { source.close(); done() }
    setTimeout(() => { source.close(); done() }, 2000)
  }),
  () => { document.getElementById('form').submit() },
  // Its own server: does it receive the lab's token in a cookie?
  () => fetch('/echo', { credentials: 'include' })
]
;(async () => {
  for (const attempt of tries) {
    try { await attempt() } catch {}
  }
  await new Promise((done) => setTimeout(done, 1000))
  await fetch('/done', { credentials: 'include' })
})()
</script></body></html>`
}

interface Seen {
  url: string
  headers: IncomingHttpHeaders
}

function startHostileServer(page: (port: number) => string): Promise<{
  server: Server
  origin: string
  seen: Seen[]
}> {
  const seen: Seen[] = []
  const server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers })
    if (request.url === '/') {
      response.setHeader('content-type', 'text/html; charset=utf-8')
      response.end(page((server.address() as AddressInfo).port))
    } else response.end('ok')
  })
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      done({ server, origin: `http://127.0.0.1:${port}`, seen })
    })
  )
}

test('a page served from another local port changes nothing and never sees the token', async ({
  page,
  context,
  lab
}) => {
  await page.goto(lab.url)
  await expect(page.getByTestId('nav-runs')).toBeVisible()
  const token = new URL(lab.url).searchParams.get('token')!
  const run = await api<RunSummary>(page, 'startRun', {
    name: 'kept',
    config: {
      kind: 'effectiveness',
      d: 20,
      m: 200,
      k: 4,
      n: 200,
      nTest: 200,
      lambdas: { from: 0, to: 6, steps: 7 }
    }
  })
  await expect
    .poll(async () => (await api<RunDetail>(page, 'getRun', { id: run.id })).status, {
      timeout: 90_000
    })
    .toBe('done')
  // What the lab's own page holds in cookies must not carry the token.
  for (const cookie of await context.cookies()) expect(cookie.value).not.toContain(token)

  const hostile = await startHostileServer(() => hostilePage(lab.origin, run.id))
  try {
    const other = await context.newPage()
    await other.goto(hostile.origin)
    await expect
      .poll(() => hostile.seen.some((s) => s.url === '/done'), { timeout: 30_000 })
      .toBe(true)
    await other.close()

    // Nothing the other server received carries the token.
    expect(hostile.seen.map((s) => s.url)).toContain('/echo')
    for (const { headers } of hostile.seen) expect(JSON.stringify(headers)).not.toContain(token)

    // And the lab is as it was: the run is there, under its name.
    const runs = await api<RunSummary[]>(page, 'listRuns', {})
    expect(runs.map((r) => [r.id, r.name])).toEqual([[run.id, 'kept']])
  } finally {
    hostile.server.closeAllConnections()
    hostile.server.close()
  }
})

test('every answer carries the security headers; GET on an API method is a JSON 405', async ({
  page,
  lab
}) => {
  const response = await page.goto(lab.url)
  const headers = response!.headers()
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(headers['content-security-policy']).toContain("default-src 'self'")
  expect(headers['x-content-type-options']).toBe('nosniff')
  expect(headers['referrer-policy']).toBe('no-referrer')

  const get = await page.request.get(`${lab.origin}/api/listRuns`)
  expect(get.status()).toBe(405)
  expect(get.headers()['content-type']).toContain('application/json')
  expect(get.headers()['x-content-type-options']).toBe('nosniff')
  expect(((await get.json()) as { error: string }).error).toContain('POST')
})
