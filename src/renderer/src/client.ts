/**
 * The LabClient the views talk to: the preload's `window.labBridge` inside Electron, otherwise the
 * headless host's HTTP API on the same origin (POST /api/<method>, events over SSE).
 */
import {
  clientFromBridge,
  LabApiError,
  type ApiErrorBody,
  type ApiMethod,
  type ApiParams,
  type ApiResults,
  type LabClient,
  type LabEvent
} from '@shared/api'

const TOKEN_KEY = 'backdoor-lab.token'

/**
 * The host prints its URL with `?token=`; keep the token for this tab so a reload or a hash
 * navigation that drops the query still works. It travels only as the `x-lab-token` header of
 * API calls and in the query of the event stream, both to this origin: never in a cookie, which
 * every other server on 127.0.0.1 would receive.
 */
export function labToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token')
  try {
    if (fromUrl) {
      sessionStorage.setItem(TOKEN_KEY, fromUrl)
      return fromUrl
    }
    return sessionStorage.getItem(TOKEN_KEY)
  } catch {
    // sessionStorage can be unavailable (opaque origins); the query still works.
    return fromUrl
  }
}

async function errorFromResponse(response: Response): Promise<LabApiError> {
  let body: Partial<ApiErrorBody> | null = null
  try {
    body = (await response.json()) as Partial<ApiErrorBody>
  } catch {
    body = null
  }
  if (body && typeof body.error === 'string') {
    const fields = Array.isArray(body.fields) ? body.fields : []
    return new LabApiError(body.error, fields, response.status)
  }
  const hint =
    response.status === 401 || response.status === 403
      ? ': the lab host needs its token; open the URL it printed (with ?token=…)'
      : ''
  return new LabApiError(
    `The lab host answered ${response.status} ${response.statusText}${hint}`,
    [],
    response.status
  )
}

export function httpClient(token: string | null = labToken()): LabClient {
  const listeners = new Set<(event: LabEvent) => void>()
  let source: EventSource | null = null

  const openEvents = () => {
    const query = token ? `?token=${encodeURIComponent(token)}` : ''
    source = new EventSource(`/api/events${query}`)
    source.onmessage = (message: MessageEvent<string>) => {
      let event: LabEvent
      try {
        event = JSON.parse(message.data) as LabEvent
      } catch {
        return
      }
      for (const listener of [...listeners]) listener(event)
    }
  }

  return {
    async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]> {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (token) headers['x-lab-token'] = token
      let response: Response
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(params ?? {}),
          credentials: 'same-origin'
        })
      } catch (cause) {
        throw new LabApiError(
          `Cannot reach the lab host (${cause instanceof Error ? cause.message : String(cause)})`,
          [],
          0
        )
      }
      if (!response.ok) throw await errorFromResponse(response)
      return (await response.json()) as ApiResults[M]
    },
    subscribe(listener) {
      listeners.add(listener)
      if (!source) openEvents()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && source) {
          source.close()
          source = null
        }
      }
    }
  }
}

let client: LabClient | null = null

export function getClient(): LabClient {
  client ??= window.labBridge ? clientFromBridge(window.labBridge) : httpClient()
  return client
}

/** A message for the user from anything a call can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
