/**
 * The only bridge between the sandboxed renderer and the main process. Methods are checked
 * against the shared channel table; nothing else of ipcRenderer is exposed. Replies are plain
 * data, since contextBridge keeps only the message of a thrown error.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  apiChannels,
  EVENTS_CHANNEL,
  type BridgeReply,
  type LabBridge,
  type LabEvent
} from '../shared/api'

const bridge: LabBridge = {
  async invoke(method, params) {
    if (typeof method !== 'string' || !Object.hasOwn(apiChannels, method)) {
      return { ok: false, error: `Unknown method '${String(method)}'`, status: 404 }
    }
    return (await ipcRenderer.invoke(apiChannels[method], params)) as BridgeReply<unknown>
  },
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, payload: LabEvent) => listener(payload)
    ipcRenderer.on(EVENTS_CHANNEL, handler)
    return () => void ipcRenderer.removeListener(EVENTS_CHANNEL, handler)
  }
}

contextBridge.exposeInMainWorld('labBridge', bridge)
