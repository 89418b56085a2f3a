/**
 * Starts the real headless host (the built out/main/host.js) on a free port with a temporary
 * database, once per Playwright worker, and hands its tokened URL to the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { test as base, expect } from '@playwright/test'

export interface LabHost {
  url: string
  origin: string
  dbPath: string
  /** The host's process id (its run workers are its children). */
  pid: number
  /** Stops the host and starts a new one on the same database (an app restart). */
  restart(): Promise<void>
}

const root = resolve(__dirname, '..')

/** The e2e host's memory budget per run. */
export const E2E_MEMORY_BUDGET = '2G'

function startHost(
  dbPath: string,
  env: Record<string, string> = {}
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'host.js'), '--port', '0', '--db', dbPath],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A stated memory budget per run, so that what is over it does not depend on the machine.
      env: { ...process.env, BACKDOOR_LAB_MEMORY_BUDGET: E2E_MEMORY_BUDGET, ...env }
    }
  )
  return new Promise((done, fail) => {
    let output = ''
    const timer = setTimeout(
      () => fail(new Error(`host did not start in 60 s:\n${output}`)),
      60_000
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = output.match(/running at (http:\/\/\S+)/)
      if (match) {
        clearTimeout(timer)
        done({ child, url: match[1] })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => fail(new Error(`host exited with ${code}:\n${output}`)))
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null) return done()
    child.once('exit', () => done())
    child.kill('SIGTERM')
  })
}

export const test = base.extend<{ lab: LabHost; labEnv: Record<string, string> }>({
  /** More environment for the host (`test.use({ labEnv: { BACKDOOR_LAB_WORKERS: '1' } })`). */
  labEnv: [{}, { option: true }],
  lab: async ({ labEnv }, use) => {
    const dir = mkdtempSync(join(os.tmpdir(), 'lab-e2e-'))
    const dbPath = join(dir, 'lab.db')
    let current = await startHost(dbPath, labEnv)
    const host: LabHost = {
      url: current.url,
      origin: new URL(current.url).origin,
      dbPath,
      pid: current.child.pid!,
      async restart() {
        await stop(current.child)
        current = await startHost(dbPath, labEnv)
        host.url = current.url
        host.origin = new URL(current.url).origin
        host.pid = current.child.pid!
      }
    }
    await use(host)
    await stop(current.child)
    rmSync(dir, { recursive: true, force: true })
  }
})

export { expect }
