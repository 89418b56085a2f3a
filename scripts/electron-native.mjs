// Fetches better-sqlite3's prebuilt addon for Electron's ABI into build/electron-native/, leaving
// the Node build in node_modules untouched (tests and the CLI use that one). Runs once, from
// `npm start`, only where the Electron binary exists; the desktop app opens the database with
// better-sqlite3's `nativeBinding` option pointing at the result.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const outDir = join(root, 'build', 'electron-native')
const target = join(outDir, 'better_sqlite3.node')

export function electronNativeReady() {
  return existsSync(target)
}

/** Returns null on success, else the reason it failed. */
export function buildElectronNative() {
  if (electronNativeReady()) return null
  const electronVersion = require('electron/package.json').version
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
  const work = join(outDir, 'pkg')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  cpSync(sqliteDir, work, {
    recursive: true,
    filter: (src) => !src.includes(`${join(sqliteDir, 'build')}`)
  })
  const bin = require.resolve('prebuild-install/bin.js')
  const result = spawnSync(
    process.execPath,
    [bin, '--runtime', 'electron', '--target', electronVersion],
    {
      cwd: work,
      stdio: 'inherit'
    }
  )
  const built = join(work, 'build', 'Release', 'better_sqlite3.node')
  if (result.status !== 0 || !existsSync(built)) {
    return `prebuild-install could not fetch better-sqlite3 for Electron ${electronVersion} (exit ${result.status})`
  }
  cpSync(built, target)
  rmSync(work, { recursive: true, force: true })
  return null
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const failure = buildElectronNative()
  if (failure) {
    console.error(failure)
    process.exit(1)
  }
  console.log(`better-sqlite3 for Electron is in ${target}`)
}
