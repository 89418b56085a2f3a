// Builds the main-process bundles (out/main: the CLI, the workers, the headless host, the
// Electron entry) when they are missing or older than their sources, so that `npm run lab`
// runs built JavaScript from a fresh clone without a separate build step. electron-vite's own
// configuration is used, main target only (about a second); the renderer is left alone.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outMain = join(root, 'out', 'main')
/** Built files the CLI needs; the oldest of them is compared with the sources. */
const products = ['cli.js', 'worker.js', 'nullThread.js'].map((f) => join(outMain, f))
const sourceDirs = ['src/main', 'src/shared', 'src/kinds'].map((d) => join(root, d))
const sourceFiles = [
  'package.json',
  'package-lock.json',
  'electron.vite.config.ts',
  'tsconfig.json',
  'tsconfig.node.json'
].map((f) => join(root, f))
const lockFile = join(root, 'out', '.main-build.lock')

/** Newest modification time under `dir` (files and folders, so deletions count), tests aside. */
function newest(dir) {
  let latest = statSync(dir).mtimeMs
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) latest = Math.max(latest, newest(path))
    else if (!/\.(test|spec)\.ts$/.test(entry.name))
      latest = Math.max(latest, statSync(path).mtimeMs)
  }
  return latest
}

/** Why out/main must be built, or null when it is up to date. */
export function staleReason() {
  const missing = products.find((p) => !existsSync(p))
  if (missing) return `${missing.slice(root.length + 1)} is missing`
  const built = Math.min(...products.map((p) => statSync(p).mtimeMs))
  let sources = 0
  for (const dir of sourceDirs) if (existsSync(dir)) sources = Math.max(sources, newest(dir))
  for (const file of sourceFiles)
    if (existsSync(file)) sources = Math.max(sources, statSync(file).mtimeMs)
  return sources > built ? 'the sources changed since the last build' : null
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

/** Holds out/.main-build.lock while `fn` runs, so that two processes never build at once. */
async function withLock(fn) {
  mkdirSync(dirname(lockFile), { recursive: true })
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx')
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      const holder = Number(readFileSync(lockFile, 'utf8'))
      if (holder && !alive(holder)) rmSync(lockFile, { force: true })
      else await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  try {
    return await fn()
  } finally {
    rmSync(lockFile, { force: true })
  }
}

/**
 * Builds the main-process bundles with electron-vite's configuration, into out/main or, for a
 * test that must not share out/main with other tests, into `outDir`.
 */
export async function buildMain(outDir) {
  // As electron-vite's own build command does before it reads the configuration.
  process.env.NODE_ENV_ELECTRON_VITE = 'production'
  const [electronVite, vite] = await Promise.all([import('electron-vite'), import('vite')])
  const config = await electronVite.resolveConfig({ root, logLevel: 'warn' }, 'build', 'production')
  const main = config.config?.main
  if (!main) throw new Error('electron.vite.config.ts has no main build')
  await vite.build(outDir ? { ...main, build: { ...main.build, outDir, emptyOutDir: true } } : main)
}

/** Builds out/main if it is missing or stale; says so on stderr. Returns whether it built. */
export async function ensureMainBuilt() {
  if (!staleReason()) return false
  return withLock(async () => {
    const reason = staleReason()
    if (!reason) return false
    const start = performance.now()
    await buildMain()
    console.error(
      `Built out/main (${reason}) in ${((performance.now() - start) / 1000).toFixed(1)} s.`
    )
    return true
  })
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureMainBuilt().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}
