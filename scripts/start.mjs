// `npm start`: builds the app, then opens the desktop window when Electron's binary is there (or
// can be downloaded) and a display exists; otherwise starts the headless host on 127.0.0.1 and
// says why. `--headless` forces the host. Other arguments (--port, --db) go to the host.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildElectronNative } from './electron-native.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const args = process.argv.slice(2)
const forceHeadless = args.includes('--headless') || process.env.BACKDOOR_LAB_HEADLESS === '1'
const hostArgs = args.filter((a) => a !== '--headless')

function run(command, commandArgs, options = {}) {
  return spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options })
}

const electronVite = join(
  dirname(require.resolve('electron-vite/package.json')),
  'bin',
  'electron-vite.js'
)
const build = run(process.execPath, [electronVite, 'build'])
if (build.status !== 0) process.exit(build.status ?? 1)

const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')

/** The installed Electron binary, or null. */
function installedElectron() {
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(binary) ? binary : null
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

/** The Electron binary to open, or the reason the app cannot be a window here. */
function electronBinary() {
  const installed = installedElectron()
  if (!installed && process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') {
    return {
      reason:
        "Electron's binary is not installed (the install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1)"
    }
  }
  if (!hasDisplay()) {
    return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' }
  }
  if (installed) return { path: installed }
  console.log("Downloading Electron's binary (first start only)...")
  const download = run(process.execPath, [join(electronDir, 'install.js')], { timeout: 300_000 })
  const downloaded = installedElectron()
  if (download.status === 0 && downloaded) return { path: downloaded }
  return { reason: "Electron's binary could not be downloaded on this machine" }
}

function startHeadless(reason) {
  const note = `Backdoor Lab opens in your browser instead of a desktop window: ${reason}.`
  const child = spawn(process.execPath, [join(root, 'out', 'main', 'host.js'), ...hostArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BACKDOOR_LAB_HOST_NOTE: note }
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code) => process.exit(code ?? 0))
}

function main() {
  if (forceHeadless) return startHeadless('--headless was given')
  const electron = electronBinary()
  if (!electron.path) return startHeadless(electron.reason)
  const nativeFailure = buildElectronNative()
  if (nativeFailure)
    return startHeadless(`${nativeFailure}, so the desktop app cannot open its database`)
  const child = spawn(electron.path, [root], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

main()
