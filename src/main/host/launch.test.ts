/**
 * `npm run lab` as a user runs it: scripts/lab.mjs builds the main bundles when the sources are
 * newer than them, then runs the built CLI, whose run leaves no worker process behind.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const dir = mkdtempSync(join(os.tmpdir(), 'lab-launch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function lab(...args: string[]) {
  const result = spawnSync(process.execPath, ['scripts/lab.mjs', ...args], {
    cwd: root,
    encoding: 'utf8'
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('npm run lab', () => {
  it('rebuilds the CLI when a source is newer than the build, then runs the built CLI', () => {
    // A source file touched after the build: the next start rebuilds.
    const source = join(root, 'src/main/host/cli.ts')
    const cli = join(root, 'out/main/cli.js')
    const later = new Date(existsSync(cli) ? statSync(cli).mtimeMs + 10 : Date.now() - 1000)
    utimesSync(source, later, later)
    const config = join(dir, 'small.json')
    writeFileSync(
      config,
      JSON.stringify({ kind: 'effectiveness', d: 20, m: 200, k: 4, n: 200, nTest: 200 })
    )
    const first = lab('run', '--config', config, '--db', join(dir, 'lab.db'), '--json')
    expect(first.code, first.stderr).toBe(0)
    // This start rebuilt it, or another test's start did a moment before (they share out/main):
    // either way the CLI that ran is newer than the touched source.
    expect(statSync(cli).mtimeMs).toBeGreaterThan(statSync(source).mtimeMs)
    const run = JSON.parse(first.stdout) as { status: string; backend: string }
    expect(run.status).toBe('done')

    // Up to date: no build this time.
    const second = lab('list', '--db', join(dir, 'lab.db'), '--json')
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).not.toContain('Built out/main')
    expect(JSON.parse(second.stdout)).toHaveLength(1)
  })

  it.skipIf(process.platform !== 'linux')(
    'leaves no worker behind, also when the config is refused before any run starts',
    async () => {
      const before = workerPids()
      const bad = join(dir, 'bad.json')
      writeFileSync(bad, JSON.stringify({ kind: 'effectiveness', d: 10, k: 50 }))
      const refused = lab('run', '--config', bad, '--db', join(dir, 'lab.db'))
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('k must be at most d')
      // The worker started ahead for the run is killed as the CLI exits: wait until it is gone.
      let left = workerPids().filter((pid) => !before.includes(pid))
      while (left.some(running)) await new Promise((done) => setTimeout(done, 20))
      left = workerPids().filter((pid) => !before.includes(pid))
      expect(left.filter(running)).toEqual([])
    }
  )
})

/** Processes running this checkout's built worker (Linux: /proc). */
function workerPids(): number[] {
  const worker = join(root, 'out/main/worker.js')
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(worker)
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Not ended (a zombie waiting to be reaped has ended). */
function running(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
