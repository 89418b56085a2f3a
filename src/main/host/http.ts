/**
 * The headless host: serves the built renderer and the LabApi over HTTP on 127.0.0.1, with
 * progress as server-sent events. Every request needs the access token (query `token` once,
 * then an HttpOnly cookie, or the `x-lab-token` header).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { getCookie, setCookie } from 'hono/cookie'
import { streamSSE } from 'hono/streaming'
import { formatBytes, LabApiError, MAX_DATASET_BYTES, type ApiMethod } from '../../shared/api'
import type { LabService } from '../service/service'

const COOKIE = 'lab_token'
const LOOPBACK = '127.0.0.1'

/** Largest request body of an API call, in bytes. */
export const API_BODY_LIMIT = 2 * 1024 * 1024
/**
 * Largest body of importDataset: a CSV file at the size limit, as a JSON string. Escaping can
 * double a text (every newline and quote takes two characters), plus room for the name.
 */
export const IMPORT_BODY_LIMIT = 2 * MAX_DATASET_BYTES + 64 * 1024

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
      return c.json(
        {
          error: `The request ${size}; the lab accepts at most ${formatBytes(maxSize)} for ${what}.`
        },
        413
      )
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

export function createHttpApp(
  service: LabService,
  options: { token: string; rendererDir: string }
): Hono {
  const { token } = options
  const app = new Hono()

  app.use('*', async (c, next) => {
    // Only loopback names: a page on another origin cannot rebind a domain name to this port.
    const host = (c.req.header('host') ?? '').replace(/:\d+$/, '')
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
      return c.text(`Backdoor Lab answers on 127.0.0.1 only (got Host: ${host})`, 403)
    }
    if (same(c.req.query('token'), token)) {
      setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' })
      return next()
    }
    if (same(c.req.header('x-lab-token'), token) || same(getCookie(c, COOKIE), token)) return next()
    return c.text(
      'Backdoor Lab needs its access token: open the address the host printed (it ends in ?token=...).',
      401
    )
  })

  const importLimit = limitBody(
    IMPORT_BODY_LIMIT,
    `importDataset (a CSV file of at most ${formatBytes(MAX_DATASET_BYTES)})`
  )
  const apiLimit = limitBody(API_BODY_LIMIT, 'an API call')
  app.post('/api/:method', (c, next) =>
    (c.req.param('method') === 'importDataset' ? importLimit : apiLimit)(c, next)
  )

  app.post('/api/:method', async (c) => {
    let body: unknown
    try {
      const text = await c.req.text()
      body = text ? JSON.parse(text) : undefined
    } catch {
      return c.json({ error: 'The request body is not valid JSON' }, 400)
    }
    try {
      return c.json(await service.dispatch(c.req.param('method') as ApiMethod, body))
    } catch (error) {
      const e = error instanceof LabApiError ? error : new LabApiError(String(error))
      return c.json({ error: e.message, fields: e.fields }, e.status as 400 | 404 | 409 | 500)
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

  app.use('/*', serveStatic({ root: options.rendererDir }))
  app.get('*', serveStatic({ root: options.rendererDir, path: 'index.html' }))
  return app
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
