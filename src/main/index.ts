/**
 * Electron entry: app lifecycle, one window, and the LabApi bound to IPC. Everything else lives
 * in the service, shared with the headless host and the CLI.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { app, BrowserWindow, ipcMain, session, shell, utilityProcess } from 'electron'
import {
  apiChannels,
  apiMethods,
  EVENTS_CHANNEL,
  LabApiError,
  type BridgeReply
} from '../shared/api'
import type { FromWorker, SpawnWorker } from './service/protocol'
import { openLab } from './host/lab'
import { databasePath } from './host/paths'

const rendererUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = join(__dirname, '../renderer/index.html')

/** Runs each experiment in an Electron utility process (a Node child that Electron manages). */
const utilitySpawner: SpawnWorker = () => {
  const child = utilityProcess.fork(join(__dirname, 'worker.js'), [], {
    stdio: 'pipe',
    serviceName: 'Backdoor Lab run'
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', (message: FromWorker) => listener(message)),
    onExit: (listener) => void child.once('exit', (code) => listener(code, stderr.trim())),
    kill: () => void child.kill()
  }
}

/** better-sqlite3 built for Electron's ABI by scripts/electron-native.mjs, when present. */
function electronNativeBinding(): string | undefined {
  const file = join(__dirname, '../../build/electron-native/better_sqlite3.node')
  return existsSync(file) ? file : undefined
}

function isTrustedSender(frameUrl: string | undefined): boolean {
  if (!frameUrl) return false
  if (rendererUrl) return frameUrl.startsWith(rendererUrl)
  return (
    frameUrl.startsWith('file://') &&
    decodeURIComponent(new URL(frameUrl).pathname).endsWith('/renderer/index.html')
  )
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Backdoor Lab',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  window.once('ready-to-show', () => window.show())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedSender(url)) event.preventDefault()
  })
  if (rendererUrl) void window.loadURL(rendererUrl)
  else void window.loadFile(rendererFile)
  return window
}

app.whenReady().then(() => {
  // Deny every permission but writing text to the clipboard (Copy caption), and that only for
  // the app's own page.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(permission === 'clipboard-sanitized-write' && isTrustedSender(details.requestingUrl))
  )
  const lab = openLab({
    dbPath: databasePath(
      process.env.BACKDOOR_LAB_DB ? undefined : join(app.getPath('userData'), 'lab.db')
    ),
    host: 'electron',
    worker: utilitySpawner,
    nativeBinding: electronNativeBinding()
  })
  for (const method of apiMethods) {
    ipcMain.handle(
      apiChannels[method],
      async (event, params: unknown): Promise<BridgeReply<unknown>> => {
        if (!isTrustedSender(event.senderFrame?.url)) {
          return { ok: false, error: 'IPC from an untrusted frame was refused', status: 403 }
        }
        try {
          return { ok: true, result: await lab.service.dispatch(method, params) }
        } catch (error) {
          const e = error instanceof LabApiError ? error : new LabApiError(String(error))
          return { ok: false, error: e.message, fields: e.fields, status: e.status }
        }
      }
    )
  }
  lab.service.subscribe((event) => {
    for (const window of BrowserWindow.getAllWindows())
      window.webContents.send(EVENTS_CHANNEL, event)
  })
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  app.on('before-quit', () => lab.close())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
