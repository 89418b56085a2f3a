/**
 * What the desktop window adds to the bridge: native save and open dialogs, and the commands of
 * the application menu. The renderer uses them when `window.labBridge.desktop` is there and keeps
 * download links and file inputs otherwise. No Node, no DOM, no schema library (the sandboxed
 * preload bundles this file).
 */
import type { BridgeReply } from './api'

export const desktopChannels = {
  saveFile: 'desktop:saveFile',
  openFile: 'desktop:openFile'
} as const

/** Main to renderer: a command from the application menu or a notification. */
export const DESKTOP_COMMAND_CHANNEL = 'desktop:command'

/** A file to save through the native save dialog; `fileName` is the suggested name. */
export interface SaveFileRequest {
  fileName: string
  data: string | Uint8Array
}
export type SaveFileResult = { saved: true; path: string } | { saved: false }

/** Which kind of file to open: the main process picks the dialog's filters and size limit. */
export type OpenFilePurpose = 'bundle' | 'csv'
export type OpenFileResult = { opened: true; name: string; content: string } | { opened: false }

export type DesktopCommand =
  /** Show a page of the app (a hash route such as `/runs/3`). */
  | { type: 'navigate'; path: string }
  /** File > Export...: export what the page shows (the open run, the selected runs). */
  | { type: 'export' }

export interface DesktopBridge {
  saveFile(request: SaveFileRequest): Promise<BridgeReply<SaveFileResult>>
  openFile(purpose: OpenFilePurpose): Promise<BridgeReply<OpenFileResult>>
  onCommand(listener: (command: DesktopCommand) => void): () => void
}

/** Paths a navigate command may carry: the app's own pages (the form as a sweep too), nothing else. */
export function isAppPath(path: string): boolean {
  return /^\/(new|runs|compare|sweeps)(\/\d+)?$/.test(path) || path === NEW_SWEEP_PATH
}

/** The New experiment form, switched to Sweep. */
export const NEW_SWEEP_PATH = '/new?mode=sweep'
