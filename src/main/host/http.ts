/**
 * The headless host: serves the built renderer and the LabApi over HTTP on 127.0.0.1, with
 * progress as server-sent events.
 *
 * Access: the page is opened with `?token=`; it keeps the token in the tab and sends it as the
 * `x-lab-token` header of every API call (the event stream, which cannot set headers, takes it
 * in its query). No cookie carries it: cookies are not scoped by port, so every other server on
 * 127.0.0.1 would receive it, and every other local page would send it along. An API call must
 * also come from the lab's own origin (Origin, Sec-Fetch-Site) with a JSON body, so that no
 * request another page can send without CORS consent (a form, a no-cors fetch, a beacon) acts
 * on the lab. Only the built scripts and styles under /assets/ answer without the token: they
 * are the same for everyone and hold nothing of the lab.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import { streamSSE } from 'hono/streaming'
import { formatBytes, LabApiError, MAX_DATASET_BYTES, type ApiMethod } from '../../shared/api'
import { MAX_BUNDLE_BYTES } from '../../shared/apiExport'
import type { LabService } from '../service/service'

const LOOPBACK = '127.0.0.1'
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']

/** Largest request body of an API call, in bytes. */
export const API_BODY_LIMIT = 2 * 1024 * 1024
/**
 * Largest body of importDataset: a CSV file at the size limit, as a JSON string. Escaping can
 * double a text (every newline and quote takes two characters), plus room for the name.
 */
export const IMPORT_BODY_LIMIT = 2 * MAX_DATASET_BYTES + 64 * 1024
/** Largest body of importBundle: a bundle at its size limit, as a JSON string (see above). */
export const BUNDLE_BODY_LIMIT = 2 * MAX_BUNDLE_BYTES + 64 * 1024

/**
 * Refuses an oversized body with a 413 JSON error: at once from its Content-Length, or, for a
 * body without one, as soon as the bytes read pass the limit (at most the limit is held).
 */
function limitBody(maxSize: number, what: string): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: (c) => {
      const declared = Number(c.req.header('content-length'))
      const size =
        Number.isFinite(declared) && declared > 0 ? `is ${formatBytes(declared)}` : 'is larger'
      const error = `The request ${size}; the lab accepts at most ${formatBytes(maxSize)} for ${what}.`
      return c.json({ error, fields: [{ field: 'body', message: error }] }, 413)
    }
  })
}

export function createToken(): string {
  return randomBytes(24).toString('base64url')
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined || a.length !== b.length) return false
  return timingSafeEqual(Buffer.from(a), Buffer.from(b))
}

/** Sent with every answer, errors included (the page's meta tag cannot say frame-ancestors). */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"]
  },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  crossOriginResourcePolicy: 'same-origin',
  crossOriginOpenerPolicy: 'same-origin',
  // Plain HTTP on loopback: there is no HTTPS to pin.
  strictTransportSecurity: false
})

/**
 * Why a request does not come from the lab's own page (and which header says so), or null when
 * it does. Browsers send both headers; a client outside a browser (the tests, curl) sends
 * neither and still needs the token.
 */
export function foreignRequest(headers: {
  host?: string
  origin?: string
  secFetchSite?: string
}): { header: string; reason: string } | null {
  const site = headers.secFetchSite
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return {
      header: 'Sec-Fetch-Site',
      reason: `the request comes from another site (Sec-Fetch-Site: ${site})`
    }
  }
  const origin = headers.origin
  if (origin !== undefined && origin !== `http://${headers.host ?? ''}`) {
    return { header: 'Origin', reason: `the request comes from another origin (Origin: ${origin})` }
  }
  return null
}

export function createHttpApp(
  service: LabService,
  options: { token: string; rendererDir: string }
): Hono {
  const { token } = options
  const app = new Hono()
  /** A refusal in the API's error shape, naming the part of the request that is wrong. */
  const refuse = (c: Context, status: 400 | 401 | 403 | 405 | 415, field: string, error: string) =>
    c.json({ error, fields: [{ field, message: error }] }, status)
  const needsToken =
    'Backdoor Lab needs its access token: open the address the host printed (it ends in ?token=...).'

  app.use('*', securityHeaders)
  app.use('*', async (c, next) => {
    // Only loopback names: a page on another origin cannot rebind a domain name to this port.
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '')
    if (!LOOPBACK_NAMES.includes(host)) {
      return refuse(c, 403, 'Host', `Backdoor Lab answers on 127.0.0.1 only (got Host: ${host})`)
    }
    return next()
  })

  // The built scripts and styles: no token (a <script> tag cannot send one), nothing secret.
  app.use('/assets/*', serveStatic({ root: options.rendererDir }))

  app.on(['GET', 'HEAD'], '/api/events', async (c, next) => {
    const foreign = foreignRequest(requestOrigin(c))
    if (foreign)
      return refuse(c, 403, foreign.header, `Backdoor Lab refuses this request: ${foreign.reason}.`)
    if (same(c.req.header('x-lab-token'), token) || same(c.req.query('token'), token)) return next()
    return refuse(c, 401, 'token', needsToken)
  })

  app.all('/api/:method', async (c, next) => {
    if (c.req.method !== 'POST' && c.req.param('method') !== 'events') {
      c.header('Allow', 'POST')
      return refuse(
        c,
        405,
        'method',
        `The lab's API takes POST requests with a JSON body (got ${c.req.method} /api/${c.req.param('method')}).`
      )
    }
    if (c.req.method !== 'POST') return next()
    const foreign = foreignRequest(requestOrigin(c))
    if (foreign)
      return refuse(c, 403, foreign.header, `Backdoor Lab refuses this request: ${foreign.reason}.`)
    if (!same(c.req.header('x-lab-token'), token)) return refuse(c, 401, 'x-lab-token', needsToken)
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json') {
      return refuse(
        c,
        415,
        'Content-Type',
        `The lab's API takes a JSON body, sent as Content-Type: application/json (got ${type || 'none'}).`
      )
    }
    return next()
  })

  const importLimit = limitBody(
    IMPORT_BODY_LIMIT,
    `importDataset (a CSV file of at most ${formatBytes(MAX_DATASET_BYTES)})`
  )
  const bundleLimit = limitBody(
    BUNDLE_BODY_LIMIT,
    `importBundle (a bundle of at most ${formatBytes(MAX_BUNDLE_BYTES)})`
  )
  const apiLimit = limitBody(API_BODY_LIMIT, 'an API call')
  const limits: Record<string, MiddlewareHandler> = {
    importDataset: importLimit,
    importBundle: bundleLimit
  }
  app.post('/api/:method', (c, next) => (limits[c.req.param('method')] ?? apiLimit)(c, next))

  app.post('/api/:method', async (c) => {
    let body: unknown
    try {
      const text = await c.req.text()
      body = text ? JSON.parse(text) : undefined
    } catch (error) {
      return refuse(
        c,
        400,
        'body',
        `The request body is not valid JSON (${(error as Error).message})`
      )
    }
    try {
      return c.json(await service.dispatch(c.req.param('method') as ApiMethod, body))
    } catch (error) {
      const e = error instanceof LabApiError ? error : new LabApiError(String(error))
      return c.json({ error: e.message, fields: e.fields }, e.status as ContentfulStatusCode)
    }
  })

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const unsubscribe = service.subscribe(
        (event) => void stream.writeSSE({ data: JSON.stringify(event) })
      )
      stream.onAbort(unsubscribe)
      while (!stream.aborted) {
        await stream.sleep(15_000)
        if (!stream.aborted) await stream.writeSSE({ event: 'ping', data: '' })
      }
    })
  )

  // The page itself: opened with ?token= (the tab then keeps it; a reload keeps the query).
  app.get('*', async (c, next) => {
    if (same(c.req.query('token'), token)) return next()
    return c.text(needsToken, 401)
  })
  app.get('*', serveStatic({ root: options.rendererDir, path: 'index.html' }))
  return app
}

function requestOrigin(c: Context) {
  return {
    host: c.req.header('host'),
    origin: c.req.header('origin'),
    secFetchSite: c.req.header('sec-fetch-site')
  }
}

export interface RunningHost {
  url: string
  port: number
  close(): Promise<void>
}

export function listen(app: Hono, port: number, token: string): Promise<RunningHost> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: LOOPBACK }, (info: AddressInfo) => {
      resolve({
        url: `http://${LOOPBACK}:${info.port}/?token=${token}`,
        port: info.port,
        close: () =>
          new Promise((done) => {
            server.close(() => done())
            ;(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.()
          })
      })
    })
    server.once('error', reject)
  })
}
