/**
 * The only bridge between the sandboxed renderer and the main process. A sandboxed preload can
 * require nothing but `electron` (and `events`, `timers`, `url`), so this file imports values
 * only from the zod-free channel tables, and electron-vite bundles it into one file
 * (src/preload/sandbox.test.ts loads the built file under exactly that rule). Methods are
 * checked against the channel table; nothing else of ipcRenderer is exposed. Replies are plain
 * data, since contextBridge keeps only the message of a thrown error.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { BridgeReply, LabBridge, LabEvent } from '../shared/api'
import { apiChannels, EVENTS_CHANNEL } from '../shared/channels'
import {
  DESKTOP_COMMAND_CHANNEL,
  desktopChannels,
  type DesktopBridge,
  type DesktopCommand
} from '../shared/desktop'

/** Listens on one main-to-renderer channel; returns the function that stops listening. */
function listen<T>(channel: string, listener: (payload: T) => void): () => void {
  const handler = (_event: IpcRendererEvent, payload: T) => listener(payload)
  ipcRenderer.on(channel, handler)
  return () => void ipcRenderer.removeListener(channel, handler)
}

const desktop: DesktopBridge = {
  async saveFile(request) {
    return (await ipcRenderer.invoke(desktopChannels.saveFile, request)) as BridgeReply<never>
  },
  async openFile(purpose) {
    return (await ipcRenderer.invoke(desktopChannels.openFile, purpose)) as BridgeReply<never>
  },
  onCommand: (listener) => listen<DesktopCommand>(DESKTOP_COMMAND_CHANNEL, listener)
}

const bridge: LabBridge & { desktop: DesktopBridge } = {
  async invoke(method, params) {
    if (typeof method !== 'string' || !Object.hasOwn(apiChannels, method)) {
      return { ok: false, error: `Unknown method '${String(method)}'`, status: 404 }
    }
    return (await ipcRenderer.invoke(apiChannels[method], params)) as BridgeReply<unknown>
  },
  subscribe: (listener) => listen<LabEvent>(EVENTS_CHANNEL, listener),
  desktop
}

contextBridge.exposeInMainWorld('labBridge', bridge)
