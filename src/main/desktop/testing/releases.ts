/**
 * Local stand-ins for the two downloads the desktop app's installers make, served on 127.0.0.1:
 * Electron's release archive (with its SHASUMS256.txt), and better-sqlite3's prebuilt addon for
 * Electron. The archives hold small stand-in files, not the real binaries: the tests that use
 * them check that the real installers and the packager fetch, verify and place what they should.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { create as createTar } from 'tar'

export interface ReleaseServer {
  /** Base URL, ending in a slash. */
  url: string
  /** Every path asked for, in order. */
  requests: string[]
  close(): Promise<void>
}

/** Serves what `lookup` finds for a path (a map of paths, or a function); anything else is a 404. */
export async function serveFiles(
  lookup: Map<string, Uint8Array> | ((path: string) => Uint8Array | undefined)
): Promise<ReleaseServer> {
  const find = typeof lookup === 'function' ? lookup : (path: string) => lookup.get(path)
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    requests.push(path)
    const body = find(path)
    if (!body) {
      response.writeHead(404).end('not found')
      return
    }
    response.writeHead(200, { 'content-length': body.byteLength }).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

/** Where Electron's archive keeps the executable, as its installer expects (install.js). */
export function electronExecutablePath(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron'
  if (platform === 'win32') return 'electron.exe'
  return 'electron'
}

/**
 * The archive Electron's installer downloads for this platform, with a shell script in place of
 * the binary, and the SHASUMS256.txt that vouches for it (`tamper` makes the sum wrong).
 */
export function electronRelease(
  version: string,
  options: { tamper?: boolean } = {}
): Map<string, Uint8Array> {
  const text = (s: string) => new TextEncoder().encode(s)
  const name = `electron-v${version}-${process.platform}-${process.arch}.zip`
  const zip = zipSync({
    [electronExecutablePath(process.platform)]: [
      text('#!/bin/sh\necho "stand-in for Electron"\n'),
      // Unix mode bits for the executable (fflate writes them as the entry's attributes).
      { os: 3, attrs: 0o100755 << 16 }
    ],
    version: text(`v${version}`),
    LICENSE: text('stand-in'),
    'LICENSES.chromium.html': text('stand-in')
  })
  const sum = createHash('sha256')
    .update(options.tamper ? text('something else') : zip)
    .digest('hex')
  return new Map([
    [`/v${version}/${name}`, zip],
    [`/v${version}/SHASUMS256.txt`, text(`${sum} *${name}\n`)]
  ])
}

/** A prebuilt-addon tarball as prebuild-install fetches it: `build/Release/<file>`. */
export async function prebuiltAddonTarball(file: string, content: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(os.tmpdir(), 'lab-prebuild-'))
  try {
    mkdirSync(join(dir, 'build', 'Release'), { recursive: true })
    writeFileSync(join(dir, 'build', 'Release', file), content)
    const tarball = join(dir, 'addon.tar.gz')
    await createTar({ gzip: true, cwd: dir, file: tarball, portable: true }, ['build'])
    return new Uint8Array(readFileSync(tarball))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
