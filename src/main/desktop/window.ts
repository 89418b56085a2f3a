/**
 * The app's one window: the secure webPreferences, its remembered size and position, and the
 * guards on what it may load (nothing but the app's own page; links to allowed hosts open in the
 * user's browser, every other new window is refused).
 */
import { join } from 'node:path'
import { BrowserWindow, screen, shell } from 'electron'
import { isAllowedExternalLink, isAppPage, type AppPage } from './security'
import {
  fitToDisplays,
  MIN_WINDOW_SIZE,
  readWindowState,
  writeWindowState,
  type WindowState
} from './window-state'

export interface MainWindowOptions {
  page: AppPage
  preload: string
  /** Where the window's size and position are kept between starts. */
  stateFile: string
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = fitToDisplays(
    readWindowState(options.stateFile),
    screen.getAllDisplays().map((display) => display.workArea)
  )
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Backdoor Lab',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false
    }
  })
  if (state.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())
  window.on('close', () => {
    const saved: WindowState = { ...window.getNormalBounds(), maximized: window.isMaximized() }
    try {
      writeWindowState(options.stateFile, saved)
    } catch (error) {
      // Losing the window's position is not worth an error dialog on the way out.
      console.error(`Could not save the window position: ${String(error)}`)
    }
  })

  const contents = window.webContents
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalLink(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  const stayOnAppPage = (event: { preventDefault(): void }, url: string) => {
    if (!isAppPage(url, options.page)) event.preventDefault()
  }
  contents.on('will-navigate', stayOnAppPage)
  contents.on('will-redirect', stayOnAppPage)
  contents.on('will-attach-webview', (event) => event.preventDefault())

  if (options.page.devServerUrl) void window.loadURL(options.page.devServerUrl)
  else void window.loadFile(options.page.file)
  return window
}

/** The state file's usual place: the app's data folder. */
export function windowStateFile(userData: string): string {
  return join(userData, 'window-state.json')
}
