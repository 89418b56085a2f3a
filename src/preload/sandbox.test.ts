/**
 * The built preload under the one rule a sandboxed renderer enforces (Electron, "Process
 * Sandboxing"): the script runs as a function of (require, process, Buffer, global, setImmediate,
 * clearImmediate, exports, module), and its `require` loads only `electron`, `events`, `timers`
 * and `url`. A preload that requires anything else (a schema library, a chunk of its own) throws
 * there, and `window.labBridge` never appears. This emulates that rule in a Node `vm` context; the
 * Electron end-to-end test (e2e/electron.spec.ts) still runs the real window where the binary is.
 */
import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import * as timers from 'node:timers'
import * as url from 'node:url'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiMethods, type LabBridge } from '../shared/api'
import type { DesktopBridge } from '../shared/desktop'
import { buildApp } from '../main/desktop/testing/build'
import {
  recordElectron,
  requireWithElectron,
  settle,
  type RecordedElectron
} from '../main/desktop/testing/recordedElectron'

const SANDBOX_MODULES = ['electron', 'events', 'timers', 'url']

interface Preloaded {
  exposed: Map<string, unknown>
  required: string[]
  invoked: { channel: string; args: unknown[] }[]
  listeners: Map<string, Set<(...args: unknown[]) => void>>
}

/** Runs the built preload the way a sandboxed renderer does, with recording fakes of electron. */
function runSandboxed(code: string): Preloaded {
  const result: Preloaded = { exposed: new Map(), required: [], invoked: [], listeners: new Map() }
  const electron = {
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        if (result.exposed.has(key)) throw new Error(`'${key}' is already exposed`)
        result.exposed.set(key, api)
      }
    },
    ipcRenderer: {
      invoke(channel: string, ...args: unknown[]) {
        result.invoked.push({ channel, args })
        return Promise.resolve({ ok: true, result: channel })
      },
      on(channel: string, listener: (...args: unknown[]) => void) {
        if (!result.listeners.has(channel)) result.listeners.set(channel, new Set())
        result.listeners.get(channel)!.add(listener)
      },
      removeListener(channel: string, listener: (...args: unknown[]) => void) {
        result.listeners.get(channel)?.delete(listener)
      }
    }
  }
  const polyfills: Record<string, unknown> = {
    electron,
    events: { EventEmitter, default: EventEmitter },
    timers,
    url
  }
  const sandboxRequire = (name: string) => {
    result.required.push(name)
    if (!SANDBOX_MODULES.includes(name)) throw new Error(`module not found: ${name}`)
    return polyfills[name]
  }
  // A bare context: no Node globals but what the sandbox hands the script.
  const context = vm.createContext({ console })
  const wrapped = vm.runInContext(
    `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {\n${code}\n})`,
    context,
    { filename: 'preload/index.js' }
  ) as (...args: unknown[]) => void
  const module = { exports: {} }
  const sandboxProcess = { platform: process.platform, versions: { ...process.versions } }
  wrapped(
    sandboxRequire,
    sandboxProcess,
    Buffer,
    context,
    setImmediate,
    clearImmediate,
    module.exports,
    module
  )
  return result
}

describe('the built preload in a sandboxed renderer', () => {
  let base: string
  let preload: Preloaded
  let handled: Set<string>
  let recorded: RecordedElectron

  beforeAll(async () => {
    base = mkdtempSync(join(os.tmpdir(), 'lab-preload-'))
    const outDir = buildApp('preload-sandbox')
    preload = runSandboxed(readFileSync(join(outDir, 'preload', 'index.js'), 'utf8'))
    // The channels the built main process handles, from the same build.
    recorded = recordElectron(base)
    requireWithElectron(join(outDir, 'main', 'index.js'), recorded)
    recorded.app.ready()
    await settle()
    handled = new Set(recorded.ipcHandlers.keys())
  })

  afterAll(() => {
    recorded?.app.emit('before-quit')
    for (const child of recorded?.utilityProcesses ?? []) child.kill()
    rmSync(base, { recursive: true, force: true })
  })

  it('requires nothing but the modules the sandbox provides', () => {
    expect(preload.required.length).toBeGreaterThan(0)
    for (const name of preload.required) expect(SANDBOX_MODULES).toContain(name)
  })

  it('exposes the lab bridge and nothing else', () => {
    expect([...preload.exposed.keys()]).toEqual(['labBridge'])
    const bridge = preload.exposed.get('labBridge') as Record<string, unknown>
    expect(Object.keys(bridge).sort()).toEqual(['desktop', 'invoke', 'subscribe'])
    expect(Object.keys(bridge.desktop as object).sort()).toEqual([
      'onCommand',
      'openFile',
      'saveFile'
    ])
  })

  it('calls only channels the main process handles, one per LabApi method', async () => {
    const bridge = preload.exposed.get('labBridge') as LabBridge & { desktop: DesktopBridge }
    for (const method of apiMethods) await bridge.invoke(method, {})
    await bridge.desktop.saveFile({ fileName: 'a.json', data: '{}' })
    await bridge.desktop.openFile('bundle')
    const channels = preload.invoked.map((call) => call.channel)
    expect(new Set(channels).size).toBe(apiMethods.length + 2)
    for (const channel of channels) expect(handled).toContain(channel)
  })

  it('refuses a method outside the contract without calling the main process', async () => {
    const bridge = preload.exposed.get('labBridge') as LabBridge
    const before = preload.invoked.length
    const reply = await bridge.invoke('toString' as never, {})
    expect(reply).toMatchObject({ ok: false, status: 404 })
    expect(preload.invoked.length).toBe(before)
  })

  it('listens on the events and menu channels, and stops when asked', () => {
    const bridge = preload.exposed.get('labBridge') as LabBridge & { desktop: DesktopBridge }
    const seen: unknown[] = []
    const stopEvents = bridge.subscribe((event) => seen.push(event))
    const stopCommands = bridge.desktop.onCommand((command) => seen.push(command))
    const listening = [...preload.listeners].filter(([, set]) => set.size > 0)
    expect(listening.map(([channel]) => channel).sort()).toEqual(['desktop:command', 'runs:event'])
    for (const [channel, set] of listening) for (const l of set) l({}, { from: channel })
    expect(seen).toEqual(
      expect.arrayContaining([{ from: 'runs:event' }, { from: 'desktop:command' }])
    )
    stopEvents()
    stopCommands()
    expect([...preload.listeners.values()].every((set) => set.size === 0)).toBe(true)
  })
})
