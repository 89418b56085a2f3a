/**
 * What the application menu and the notifications do. Imports from the menu happen here, in the
 * main process, with the native open dialog and a native message saying what came in; Export and
 * New experiment go to the page, which knows what is open and selected.
 */
import { dirname } from 'node:path'
import {
  BrowserWindow,
  clipboard,
  dialog,
  Notification,
  shell,
  type MessageBoxOptions
} from 'electron'
import type { RunSummary } from '../../shared/results'
import { DESKTOP_COMMAND_CHANNEL, NEW_SWEEP_PATH, type DesktopCommand } from '../../shared/desktop'
import type { LabService } from '../service/service'
import { aboutDetail } from './about'
import type { NativeFiles } from './files'
import type { MenuActions } from './menu'
import { finishedRunNotice } from './run-feedback'
import { isAllowedExternalLink } from './security'

export interface DesktopContext {
  service: LabService
  files: NativeFiles
  databasePath: string
  /** The window, shown and focused (created again on macOS when it was closed). */
  showWindow(): BrowserWindow
}

export function sendCommand(window: BrowserWindow, command: DesktopCommand): void {
  if (!window.isDestroyed()) window.webContents.send(DESKTOP_COMMAND_CHANNEL, command)
}

function message(text: unknown): string {
  return text instanceof Error ? text.message : String(text)
}

async function messageBox(window: BrowserWindow, options: MessageBoxOptions) {
  return dialog.showMessageBox(window, options)
}

async function importFromMenu(ctx: DesktopContext, purpose: 'bundle' | 'csv'): Promise<void> {
  const window = ctx.showWindow()
  let file
  try {
    file = await ctx.files.open(window, purpose)
  } catch (error) {
    await messageBox(window, {
      type: 'error',
      message: 'Nothing was imported',
      detail: message(error)
    })
    return
  }
  if (!file.opened) return
  try {
    if (purpose === 'bundle') {
      const { imported } = await ctx.service.dispatch('importBundle', { json: file.content })
      sendCommand(window, { type: 'navigate', path: '/runs' })
      await messageBox(window, {
        type: 'info',
        message: `Imported ${imported.length} ${imported.length === 1 ? 'run' : 'runs'} from ${file.name}`,
        detail: imported.map((run) => `#${run.id} ${run.name}`).join('\n')
      })
    } else {
      const dataset = await ctx.service.dispatch('importDataset', {
        name: file.name,
        content: file.content
      })
      sendCommand(window, { type: 'navigate', path: '/new' })
      await messageBox(window, {
        type: 'info',
        message: `Imported ${file.name} as data set #${dataset.id}`,
        detail:
          `${dataset.rows} rows, ${dataset.columns.length} columns. ` +
          'Choose it in New experiment: Data set, A CSV file, Imported file.'
      })
    }
  } catch (error) {
    await messageBox(window, {
      type: 'error',
      message: `${file.name} was not imported, nothing changed`,
      detail: message(error)
    })
  }
}

async function showAbout(ctx: DesktopContext): Promise<void> {
  const window = ctx.showWindow()
  const info = await ctx.service.appInfo()
  const detail = aboutDetail(info, process.versions)
  const { response } = await messageBox(window, {
    type: 'info',
    title: 'About Backdoor Lab',
    message: `Backdoor Lab ${info.appVersion}`,
    detail,
    buttons: ['OK', 'Copy'],
    defaultId: 0,
    cancelId: 0
  })
  if (response === 1) clipboard.writeText(detail)
}

export function menuActions(ctx: DesktopContext): MenuActions {
  return {
    newExperiment: () => sendCommand(ctx.showWindow(), { type: 'navigate', path: '/new' }),
    newSweep: () => sendCommand(ctx.showWindow(), { type: 'navigate', path: NEW_SWEEP_PATH }),
    importBundle: () => void importFromMenu(ctx, 'bundle'),
    importCsv: () => void importFromMenu(ctx, 'csv'),
    exportCurrent: () => sendCommand(ctx.showWindow(), { type: 'export' }),
    about: () => void showAbout(ctx),
    openDataFolder: () =>
      void shell.openPath(dirname(ctx.databasePath)).then((failure) => {
        if (failure) dialog.showErrorBox('The data folder did not open', failure)
      }),
    showDatabase: () => shell.showItemInFolder(ctx.databasePath),
    openLink: (url) => {
      if (isAllowedExternalLink(url)) void shell.openExternal(url)
    }
  }
}

// Notifications are kept until closed or clicked: one collected early loses its click handler.
const shown = new Set<Notification>()

/** A notification for a long run that finished while no window of the app had the focus. */
export function notifyIfLongRun(ctx: DesktopContext, run: RunSummary): void {
  const notice = finishedRunNotice(run, BrowserWindow.getFocusedWindow() !== null)
  if (!notice || !Notification.isSupported()) return
  const notification = new Notification(notice)
  shown.add(notification)
  notification.on('click', () => {
    shown.delete(notification)
    sendCommand(ctx.showWindow(), { type: 'navigate', path: `/runs/${run.id}` })
  })
  notification.on('close', () => shown.delete(notification))
  notification.show()
}
