/**
 * Electron's own installer (node_modules/electron/install.js, which `npm start` runs on a first
 * start) on the Node running this test. Electron 45 and its download helpers declare Node 22.12
 * in `engines`, so npm warns on Node 20; what they need of Node is require() of ES modules, which
 * Node has from 20.19, the floor in this project's `engines`. This runs the real installer, with
 * the real download, checksum and unzip code, against a local stand-in of Electron's release
 * server (the archive holds a shell script, not the binary).
 */
import { spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync
} from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { projectRoot } from './testing/build'
import { electronExecutablePath, electronRelease, serveFiles } from './testing/releases'

const electronDir = join(projectRoot, 'node_modules', 'electron')
const version = (
  JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as {
    version: string
  }
).version

let dir: string
let installed: string

beforeEach(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-electron-install-'))
  // A copy of the electron package (so that the real one keeps no binary), next to links to the
  // installer's own dependencies.
  const modules = join(dir, 'node_modules')
  installed = join(modules, 'electron')
  mkdirSync(modules)
  cpSync(electronDir, installed, {
    recursive: true,
    filter: (src) => !/[\\/](dist|path\.txt)$/.test(src)
  })
  for (const scope of ['@electron', '@electron-internal']) {
    symlinkSync(join(projectRoot, 'node_modules', scope), join(modules, scope), 'junction')
  }
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

function install(mirror: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELECTRON_MIRROR: mirror,
    electron_use_remote_checksums: '1',
    electron_config_cache: join(dir, 'cache'),
    ELECTRON_GET_NO_PROGRESS: '1'
  }
  for (const name of [
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'https_proxy',
    'http_proxy',
    'ELECTRON_GET_USE_PROXY'
  ])
    delete env[name]
  // Asynchronously: the stand-in server answers from this process.
  const child = spawn(process.execPath, [join(installed, 'install.js')], { cwd: dir, env })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise<{ status: number | null; stderr: string }>((resolve) =>
    child.once('exit', (status) => resolve({ status, stderr }))
  )
}

describe(`Electron ${version}'s installer on Node ${process.versions.node}`, () => {
  it('downloads, verifies and unpacks the binary where `npm start` looks for it', async () => {
    const server = await serveFiles(electronRelease(version))
    try {
      const result = await install(server.url)
      expect(result.stderr).toBe('')
      expect(result.status).toBe(0)
      expect(server.requests).toEqual(
        expect.arrayContaining([
          `/v${version}/SHASUMS256.txt`,
          `/v${version}/electron-v${version}-${process.platform}-${process.arch}.zip`
        ])
      )
    } finally {
      await server.close()
    }
    const executable = electronExecutablePath(process.platform)
    expect(readFileSync(join(installed, 'path.txt'), 'utf8')).toBe(executable)
    expect(existsSync(join(installed, 'dist', executable))).toBe(true)
    expect(readFileSync(join(installed, 'dist', 'version'), 'utf8')).toBe(`v${version}`)
  })

  it('refuses an archive whose checksum does not match, installing nothing', async () => {
    const server = await serveFiles(electronRelease(version, { tamper: true }))
    try {
      const result = await install(server.url)
      expect(result.status).not.toBe(0)
      expect(result.stderr).toMatch(/checksum|sha/i)
    } finally {
      await server.close()
    }
    expect(existsSync(join(installed, 'path.txt'))).toBe(false)
  })
})
