/**
 * `npm run package` (electron-builder). The installers themselves cannot be built here: the
 * packager downloads Electron, and AppImage, deb, dmg and NSIS tools. What can run does: the
 * configuration through electron-builder's own schema, and, on Linux, a real `electron-builder
 * --dir` run against a local stand-in of Electron's release (a shell script in place of the
 * binary), which shows what goes into the package and what is unpacked from the asar, and runs
 * the afterPack hook that fetches better-sqlite3 for Electron's ABI (from a stand-in server too).
 * The fuses are left out of that run: flipping them needs the real binary.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, relative } from 'node:path'
import { listPackage } from '@electron/asar'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, projectRoot } from './testing/build'
import {
  electronRelease,
  prebuiltAddonTarball,
  serveFiles,
  type ReleaseServer
} from './testing/releases'

type BuildConfig = Record<string, unknown> & {
  electronFuses: Record<string, boolean>
  linux: { target: string[] }
  mac: { target: string[] }
  win: { target: string[] }
  asarUnpack: string[]
  files: string[]
}

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  build: BuildConfig
  scripts: Record<string, string>
  devDependencies: Record<string, string>
}
const electronVersion = (
  JSON.parse(
    readFileSync(join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8')
  ) as { version: string }
).version

describe('the package configuration', () => {
  it('passes electron-builder’s own schema, as electron-builder reads it from package.json', async () => {
    const config = await getConfig(projectRoot, null, null)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('is refused by that schema when an option is misspelt', async () => {
    const config = await getConfig(projectRoot, null, null)
    await expect(
      validateConfiguration({ ...config, electronFuse: {} } as never, new DebugLogger(false))
    ).rejects.toThrow(/unknown property 'electronFuse'/)
  })

  it('sets the fuses: no RunAsNode, no NODE_OPTIONS, no --inspect, encrypted cookies, asar integrity', () => {
    expect(pkg.build.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true
    })
  })

  it('builds AppImage and deb on Linux, a dmg on macOS and an NSIS installer on Windows', () => {
    expect(pkg.build.linux.target).toEqual(['AppImage', 'deb'])
    expect(pkg.build.mac.target).toEqual(['dmg'])
    expect(pkg.build.win.target).toEqual(['nsis'])
    expect(pkg.scripts.package).toBe('electron-vite build && electron-builder --publish never')
  })
})

describe.skipIf(process.platform !== 'linux')(
  'a Linux package built by electron-builder around a stand-in Electron',
  () => {
    let dir: string
    let server: ReleaseServer
    let resources: string
    let packaged: string[]
    let log = ''

    beforeAll(async () => {
      dir = mkdtempSync(join(os.tmpdir(), 'lab-package-'))
      const outDir = buildApp('packaging')
      const release = electronRelease(electronVersion)
      const addon = await prebuiltAddonTarball(
        'better_sqlite3.node',
        'stand-in for better-sqlite3 built for Electron'
      )
      server = await serveFiles((path) => (path.endsWith('.tar.gz') ? addon : release.get(path)))
      const config = {
        ...pkg.build,
        // The bundles of this test's own build, in place of out/.
        files: pkg.build.files.map((pattern) =>
          pattern === 'out/**/*'
            ? { from: relative(projectRoot, outDir), to: 'out', filter: ['**/*'] }
            : pattern
        ),
        directories: { output: join(dir, 'dist'), buildResources: 'resources' },
        electronDownload: { mirror: server.url, cache: join(dir, 'cache') },
        electronFuses: null
      }
      const configFile = join(dir, 'builder.json')
      writeFileSync(configFile, JSON.stringify(config))
      const cli = join(projectRoot, 'node_modules', 'electron-builder', 'cli.js')
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TMPDIR: dir,
        npm_config_better_sqlite3_binary_host: server.url.replace(/\/$/, ''),
        ELECTRON_BUILDER_CACHE: join(dir, 'builder-cache')
      }
      // Asynchronously: the stand-in server answers from this process.
      const child = spawn(
        process.execPath,
        [cli, '--dir', '--linux', '--x64', '--config', configFile, '--publish', 'never'],
        { cwd: projectRoot, env }
      )
      child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
      const status = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      if (status !== 0) throw new Error(`electron-builder failed (exit ${status}):\n${log}`)
      resources = join(dir, 'dist', 'linux-unpacked', 'resources')
      packaged = listPackage(join(resources, 'app.asar'), { isPack: false })
    }, 240_000)

    afterAll(async () => {
      await server?.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('puts the built app and the production dependencies in the asar, nothing else', () => {
      for (const file of [
        '/package.json',
        '/out/main/index.js',
        '/out/main/worker.js',
        '/out/preload/index.js',
        '/out/renderer/index.html',
        '/node_modules/better-sqlite3/package.json',
        '/node_modules/@tensorflow/tfjs-backend-wasm/package.json',
        '/node_modules/zod/package.json'
      ]) {
        expect(packaged).toContain(file)
      }
      const tooMuch = packaged.filter((path) =>
        /^\/(src|e2e|scripts|\.cache)\/|^\/node_modules\/(electron|vite|vitest|vue|electron-builder)\//.test(
          path
        )
      )
      expect(tooMuch).toEqual([])
      expect(packaged.filter((path) => path.endsWith('.map'))).toEqual([])
    })

    it('unpacks the native addons and the wasm backend from the asar', () => {
      const unpacked = join(resources, 'app.asar.unpacked', 'node_modules')
      expect(
        existsSync(join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))
      ).toBe(true)
      expect(
        existsSync(
          join(unpacked, '@tensorflow', 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm.wasm')
        )
      ).toBe(true)
    })

    it('ships better-sqlite3 built for Electron, fetched for the packaged platform and arch', () => {
      const addon = join(
        resources,
        'app.asar.unpacked',
        'node_modules',
        'better-sqlite3',
        'build',
        'Release',
        'better_sqlite3.node'
      )
      expect(readFileSync(addon, 'utf8')).toBe('stand-in for better-sqlite3 built for Electron')
      expect(server.requests.filter((path) => path.endsWith('.tar.gz'))).toEqual([
        expect.stringMatching(/\/better-sqlite3-v[\d.]+-electron-v\d+-linux-x64\.tar\.gz$/)
      ])
      // The project's own better-sqlite3 (Node's ABI, for tests and the CLI) is untouched.
      const own = readFileSync(
        join(
          projectRoot,
          'node_modules',
          'better-sqlite3',
          'build',
          'Release',
          'better_sqlite3.node'
        )
      )
      expect(own.subarray(0, 4).toString('latin1')).toBe('\x7fELF')
    })
  }
)
