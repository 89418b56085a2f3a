/**
 * The LabApi and the native file dialogs bound to IPC. Every call is answered only for the app's
 * own page (the exact built index.html, or the dev server), and every answer is plain data, since
 * contextBridge keeps nothing of a thrown error but its message.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { apiChannels, apiMethods, LabApiError, type BridgeReply } from '../../shared/api'
import { desktopChannels } from '../../shared/desktop'
import type { LabService } from '../service/service'
import type { NativeFiles } from './files'
import { isAppPage, type AppPage } from './security'

type Handler = (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>

function answer(page: AppPage, handler: Handler) {
  return async (event: IpcMainInvokeEvent, payload: unknown): Promise<BridgeReply<unknown>> => {
    if (!isAppPage(event.senderFrame?.url, page)) {
      return { ok: false, error: 'IPC from a page other than the app was refused', status: 403 }
    }
    try {
      return { ok: true, result: await handler(event, payload) }
    } catch (error) {
      const e = error instanceof LabApiError ? error : new LabApiError(String(error))
      return { ok: false, error: e.message, fields: e.fields, status: e.status }
    }
  }
}

export function bindIpc(service: LabService, files: NativeFiles, page: AppPage): void {
  for (const method of apiMethods) {
    ipcMain.handle(
      apiChannels[method],
      answer(page, (_event, params) => service.dispatch(method, params))
    )
  }
  const windowOf = (event: IpcMainInvokeEvent) => BrowserWindow.fromWebContents(event.sender)
  ipcMain.handle(
    desktopChannels.saveFile,
    answer(page, (event, request) => files.save(windowOf(event), request))
  )
  ipcMain.handle(
    desktopChannels.openFile,
    answer(page, (event, purpose) => files.open(windowOf(event), purpose))
  )
}
