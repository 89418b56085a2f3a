// Fetches better-sqlite3's prebuilt addon for Electron's ABI into build/electron-native/, leaving
// the Node build in node_modules untouched (tests and the CLI use that one). Runs once, from
// `npm start`, only where the Electron binary exists; the desktop app opens the database with
// better-sqlite3's `nativeBinding` option pointing at the result. (A packaged app needs none of
// this: electron-builder rebuilds better-sqlite3 for Electron inside the package.)
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

/** The last line prebuild-install printed that says what went wrong, without its prefix. */
function cause(output) {
  const lines = output
    .split('\n')
    .map((line) => line.replace(/^prebuild-install (warn|err!?|info)\s*(install\s*)?/i, '').trim())
    .filter(Boolean)
  return lines.at(-1) ?? 'no output'
}

/**
 * Fetches the addon and copies it to `target`. Returns null on success, else the reason it
 * failed, in one line. The packager (scripts/after-pack.mjs) passes the platform, arch, Electron
 * version and target of the package it builds; `npm start` takes the defaults (this machine).
 */
export function buildElectronNative(options = {}) {
  const destination = options.target ?? target
  if (!options.target && electronNativeReady()) return null
  const electronVersion = options.electronVersion ?? require('electron/package.json').version
  const platform = options.platform ?? process.platform
  const arch = options.arch ?? process.arch
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'))
  const work = join(outDir, `pkg-${platform}-${arch}`)
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  try {
    cpSync(sqliteDir, work, {
      recursive: true,
      filter: (src) => !src.includes(`${join(sqliteDir, 'build')}`)
    })
    const bin = require.resolve('prebuild-install/bin.js')
    const result = spawnSync(
      process.execPath,
      [
        bin,
        ...['--runtime', 'electron', '--target', electronVersion],
        ...['--platform', platform, '--arch', arch]
      ],
      { cwd: work, encoding: 'utf8', timeout: 300_000 }
    )
    const built = join(work, 'build', 'Release', 'better_sqlite3.node')
    if (result.status !== 0 || !existsSync(built)) {
      const why = result.error ? result.error.message : cause(`${result.stdout}\n${result.stderr}`)
      return `better-sqlite3 for Electron ${electronVersion} (${platform}-${arch}) could not be fetched (${why})`
    }
    mkdirSync(dirname(destination), { recursive: true })
    cpSync(built, destination)
    return null
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const failure = buildElectronNative()
  if (failure) {
    console.error(failure)
    process.exit(1)
  }
  console.log(`better-sqlite3 for Electron is in ${target}`)
}
