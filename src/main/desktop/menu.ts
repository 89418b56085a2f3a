/**
 * The application menu as a template: File (new experiment, new sweep, imports, export), Edit, View
 * (reload, zoom, full screen), Help (About, the data folder, the database). The UI has no dark
 * mode, so View has no toggle for one. Plain data plus the actions it calls, so that a test can
 * read it without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron'

export interface MenuActions {
  newExperiment(): void
  newSweep(): void
  importBundle(): void
  importCsv(): void
  exportCurrent(): void
  about(): void
  openDataFolder(): void
  showDatabase(): void
  openLink(url: string): void
}

export interface MenuOptions {
  platform: NodeJS.Platform
  appName: string
  databasePath: string
  /** Developer tools in View (not in the packaged app). */
  devTools: boolean
}

/** The paper whose backdoor the lab plants (GKVZ22); its host is in security.ts's allow-list. */
export const PAPER_URL = 'https://arxiv.org/abs/2204.06974'

export function menuTemplate(
  actions: MenuActions,
  options: MenuOptions
): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin'
  const about: MenuItemConstructorOptions = {
    label: `About ${options.appName}`,
    click: () => actions.about()
  }
  const template: MenuItemConstructorOptions[] = []
  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        about,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' }
      ]
    })
  }
  template.push(
    {
      label: '&File',
      submenu: [
        {
          label: 'New experiment',
          accelerator: 'CmdOrCtrl+N',
          click: () => actions.newExperiment()
        },
        {
          label: 'New sweep',
          accelerator: 'CmdOrCtrl+Shift+N',
          click: () => actions.newSweep()
        },
        { type: 'separator' },
        {
          label: 'Import bundle…',
          accelerator: 'CmdOrCtrl+O',
          click: () => actions.importBundle()
        },
        {
          label: 'Import CSV…',
          accelerator: 'CmdOrCtrl+Shift+O',
          click: () => actions.importCsv()
        },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportCurrent() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' }
      ]
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' }
      ]
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        ...(options.devTools ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' }
      ]
    }
  )
  if (mac) template.push({ role: 'windowMenu' })
  template.push({
    role: 'help',
    label: '&Help',
    submenu: [
      ...(mac ? [] : [about, { type: 'separator' } as const]),
      { label: 'Open data folder', click: () => actions.openDataFolder() },
      {
        label: `Database: ${options.databasePath}`,
        toolTip: 'Show the database file in its folder',
        click: () => actions.showDatabase()
      },
      { type: 'separator' },
      {
        label: 'Planting Undetectable Backdoors (GKVZ22, arXiv)',
        click: () => actions.openLink(PAPER_URL)
      }
    ]
  })
  return template
}
