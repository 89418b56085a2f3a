/** Where things live on disk, shared by every host. */
import { existsSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import pkg from '../../../package.json'

export const APP_NAME = pkg.name
export const APP_VERSION = pkg.version

/**
 * The folder Electron calls `userData` for this app, so that the desktop app, the headless host
 * and the CLI open the same database by default.
 */
export function defaultDataFolder(): string {
  const home = os.homedir()
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME)
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME)
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME)
  }
}

/** `--db` wins, then BACKDOOR_LAB_DB, then the app's data folder. */
export function databasePath(option?: string): string {
  const chosen = option ?? process.env.BACKDOOR_LAB_DB
  return chosen ? resolve(chosen) : join(defaultDataFolder(), 'lab.db')
}

/**
 * The run worker's entry: the built `worker.js` beside the bundle, or the TypeScript source when
 * running from source (CLI through tsx, tests).
 */
export function workerEntry(bundleDir: string): string {
  const built = join(bundleDir, 'worker.js')
  if (existsSync(built)) return built
  return resolve(bundleDir, '..', 'service', 'worker.ts')
}

/**
 * The built renderer: beside the bundle (`out/main` -> `out/renderer`), or in `out/` when
 * running from source (`src/main/host`).
 */
export function rendererDir(bundleDir: string): string {
  const beside = resolve(bundleDir, '..', 'renderer')
  if (existsSync(join(bundleDir, 'worker.js'))) return beside
  return resolve(bundleDir, '..', '..', '..', 'out', 'renderer')
}
