/**
 * The only bridge between the sandboxed renderer and the main process: a LabClient over IPC.
 * Methods are checked against the shared channel table; nothing else of ipcRenderer is exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  apiChannels,
  EVENTS_CHANNEL,
  LabApiError,
  type ApiMethod,
  type ApiResults,
  type LabClient,
  type LabEvent
} from '../shared/api'

type Reply<T> =
  | { ok: true; result: T }
  | { ok: false; error: string; fields?: { field: string; message: string }[]; status?: number }

const client: LabClient = {
  async call(method, params) {
    if (!Object.hasOwn(apiChannels, method))
      throw new LabApiError(`Unknown method '${String(method)}'`, [], 404)
    const reply = (await ipcRenderer.invoke(apiChannels[method as ApiMethod], params)) as Reply<
      ApiResults[typeof method]
    >
    if (reply.ok) return reply.result
    throw new LabApiError(reply.error, reply.fields ?? [], reply.status ?? 500)
  },
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, payload: LabEvent) => listener(payload)
    ipcRenderer.on(EVENTS_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(EVENTS_CHANNEL, handler)
  }
}

contextBridge.exposeInMainWorld('lab', client)
