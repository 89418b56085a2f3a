/**
 * What the page does differently inside the desktop window: files save through the native save
 * dialog (a download link in a browser), bundles open through the native open dialog (a file
 * input in a browser), and the application menu's commands are followed. Everything here falls
 * back to the browser's way when `window.labBridge.desktop` is absent.
 */
import { onBeforeUnmount, onMounted } from 'vue'
import type { Router } from 'vue-router'
import { LabApiError, type BridgeReply } from '@shared/api'
import { isAppPath, type DesktopBridge, type OpenFilePurpose } from '@shared/desktop'
import { downloadFile } from './download'

export function desktopBridge(): DesktopBridge | null {
  return window.labBridge?.desktop ?? null
}

function unwrap<T>(reply: BridgeReply<T>): T {
  if (reply.ok) return reply.result
  throw new LabApiError(reply.error, reply.fields ?? [], reply.status ?? 500)
}

/**
 * Saves a file: the native save dialog in the desktop app, a download in a browser. Returns
 * where it went (the full path on the desktop, the file name in a browser), or null when the
 * user cancelled the dialog.
 */
export async function saveFile(
  fileName: string,
  mimeType: string,
  data: Uint8Array | string
): Promise<string | null> {
  const desktop = desktopBridge()
  if (!desktop) {
    downloadFile(fileName, mimeType, data)
    return fileName
  }
  const result = unwrap(await desktop.saveFile({ fileName, data }))
  return result.saved ? result.path : null
}

/** A file chosen in the native open dialog (desktop only); null when the user cancelled. */
export async function openFile(
  purpose: OpenFilePurpose
): Promise<{ name: string; content: string } | null> {
  const desktop = desktopBridge()
  if (!desktop) throw new Error('The native open dialog exists in the desktop app only')
  const result = unwrap(await desktop.openFile(purpose))
  return result.opened ? { name: result.name, content: result.content } : null
}

// File > Export…: the page on screen says what it exports (the open run, the selected runs).
let exportHere: (() => void) | null = null

/** Registers what File > Export… does while the calling view is on screen. */
export function useMenuExport(action: () => void): void {
  onMounted(() => (exportHere = action))
  onBeforeUnmount(() => {
    if (exportHere === action) exportHere = null
  })
}

/** Follows the application menu: go to a page, or export what the page shows. */
export function followDesktopCommands(router: Router): void {
  desktopBridge()?.onCommand((command) => {
    if (command.type === 'navigate' && isAppPath(command.path)) void router.push(command.path)
    else if (command.type === 'export') {
      // Pages with nothing to export send the user to the runs, where runs can be selected.
      if (exportHere) exportHere()
      else void router.push('/runs')
    }
  })
}
