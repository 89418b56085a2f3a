/**
 * Electron entry: app lifecycle, one window, the LabApi bound to IPC, and a desktop's manners
 * (one instance, a remembered window, a native menu and dialogs, a taskbar progress bar, a
 * notification when a long run finishes unseen). Everything else lives in the service, shared
 * with the headless host and the CLI.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { app, BrowserWindow, dialog, Menu, session } from 'electron'
import { EVENTS_CHANNEL } from '../shared/api'
import { openLab } from './host/lab'
import { DatabaseOpenError } from './store/open'
import { APP_NAME, databasePath } from './host/paths'
import { menuActions, notifyIfLongRun, type DesktopContext } from './desktop/commands'
import { NativeFiles } from './desktop/files'
import { bindIpc } from './desktop/ipc'
import { menuTemplate } from './desktop/menu'
import { TaskbarProgress } from './desktop/run-feedback'
import type { AppPage } from './desktop/security'
import { guardSession } from './desktop/session'
import { createMainWindow, windowStateFile } from './desktop/window'
import { utilityWorkerSpawner } from './desktop/worker'

// The dev server's address comes from electron-vite while developing; a packaged app loads its
// own file whatever the environment says.
const page: AppPage = {
  file: join(__dirname, '../renderer/index.html'),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL
}

/**
 * better-sqlite3 built for Electron's ABI by scripts/electron-native.mjs, when running from the
 * source tree. The packaged app has it in its own node_modules (electron-builder rebuilds it).
 */
function electronNativeBinding(): string | undefined {
  if (app.isPackaged) return undefined
  const file = join(app.getAppPath(), 'build', 'electron-native', 'better_sqlite3.node')
  return existsSync(file) ? file : undefined
}

function openDatabase() {
  const dbPath = databasePath(
    process.env.BACKDOOR_LAB_DB ? undefined : join(app.getPath('userData'), 'lab.db')
  )
  return openLab({
    dbPath,
    host: 'electron',
    worker: utilityWorkerSpawner(join(__dirname, 'worker.js')),
    nativeBinding: electronNativeBinding(),
    resumeSweeps: true
  })
}

/** Brings the window to the front (creating it when needed); set once the app is ready. */
let showWindow: (() => BrowserWindow) | null = null

function start(): void {
  guardSession(session.defaultSession, page)
  let lab: ReturnType<typeof openDatabase>
  try {
    lab = openDatabase()
  } catch (error) {
    // A database that cannot be opened says which file and why; anything else is the native module.
    dialog.showErrorBox(
      'Backdoor Lab cannot open its database',
      error instanceof DatabaseOpenError
        ? error.message
        : `${error instanceof Error ? error.message : String(error)}\n\n` +
            'Start the app with `npm start`, which fetches better-sqlite3 built for Electron, or ' +
            'use the browser version with `npm run host`.'
    )
    app.quit()
    return
  }
  const dbPath = lab.store.path
  const files = new NativeFiles(app.getPath('documents'))
  bindIpc(lab.service, files, page)

  let window: BrowserWindow | null = null
  const show = (): BrowserWindow => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({
        page,
        preload: join(__dirname, '../preload/index.js'),
        stateFile: windowStateFile(app.getPath('userData'))
      })
      window.on('closed', () => (window = null))
    } else {
      if (window.isMinimized()) window.restore()
      window.show()
    }
    window.focus()
    return window
  }
  showWindow = show
  const ctx: DesktopContext = {
    service: lab.service,
    files,
    databasePath: dbPath,
    showWindow: show
  }

  const taskbar = new TaskbarProgress()
  lab.service.subscribe((event) => {
    const progress = taskbar.update(event)
    for (const open of BrowserWindow.getAllWindows()) {
      open.webContents.send(EVENTS_CHANNEL, event)
      if (progress !== null) open.setProgressBar(progress)
    }
    if (event.type === 'run') notifyIfLongRun(ctx, event.run)
  })

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(menuActions(ctx), {
        platform: process.platform,
        appName: 'Backdoor Lab',
        databasePath: dbPath,
        devTools: !app.isPackaged
      })
    )
  )
  show()
  app.on('activate', () => show())
  app.on('before-quit', () => lab.close())
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  if (process.platform === 'win32') app.setAppUserModelId(`org.${APP_NAME}.desktop`)
  // A second launch hands over to this one: its window comes to the front.
  app.on('second-instance', () => showWindow?.())
  void app.whenReady().then(start)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
