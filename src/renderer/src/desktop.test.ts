import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Router } from 'vue-router'
import { LabApiError } from '@shared/api'
import type { DesktopBridge, DesktopCommand } from '@shared/desktop'
import { followDesktopCommands, openFile, saveFile } from './desktop'

/** A desktop bridge whose answers the test scripts, and whose commands it can send. */
function fakeDesktop(answers: { save?: unknown; open?: unknown }) {
  const listeners: ((command: DesktopCommand) => void)[] = []
  const saved: unknown[] = []
  const bridge: DesktopBridge = {
    saveFile: async (request) => {
      saved.push(request)
      return answers.save as never
    },
    openFile: async () => answers.open as never,
    onCommand: (listener) => {
      listeners.push(listener)
      return () => undefined
    }
  }
  return { bridge, saved, send: (c: DesktopCommand) => listeners.forEach((l) => l(c)) }
}

const globals = globalThis as { window?: unknown }
let pushed: string[]
const router = { push: async (path: string) => void pushed.push(path) } as unknown as Router

beforeEach(() => (pushed = []))
afterEach(() => delete globals.window)

describe('saving and opening in the desktop window', () => {
  it('saves through the native dialog and returns where the file went', async () => {
    const desktop = fakeDesktop({ save: { ok: true, result: { saved: true, path: '/d/a.csv' } } })
    globals.window = { labBridge: { desktop: desktop.bridge } }
    expect(await saveFile('a.csv', 'text/csv', 'x,y\n')).toBe('/d/a.csv')
    expect(desktop.saved).toEqual([{ fileName: 'a.csv', data: 'x,y\n' }])
  })

  it('returns null when the user cancels the dialog', async () => {
    globals.window = {
      labBridge: { desktop: fakeDesktop({ save: { ok: true, result: { saved: false } } }).bridge }
    }
    expect(await saveFile('a.csv', 'text/csv', '')).toBeNull()
  })

  it('turns a refused request back into a LabApiError with its fields', async () => {
    const reply = {
      ok: false,
      error: 'Invalid request: fileName: must be a file name without folders',
      fields: [{ field: 'fileName', message: 'must be a file name without folders' }],
      status: 400
    }
    globals.window = { labBridge: { desktop: fakeDesktop({ save: reply }).bridge } }
    const error = await saveFile('../a.csv', 'text/csv', '').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabApiError)
    expect(error).toMatchObject({ status: 400, fields: reply.fields })
  })

  it('opens a file through the native dialog, or null when cancelled', async () => {
    globals.window = {
      labBridge: {
        desktop: fakeDesktop({
          open: { ok: true, result: { opened: true, name: 'b.json', content: '{}' } }
        }).bridge
      }
    }
    expect(await openFile('bundle')).toEqual({ name: 'b.json', content: '{}' })
    globals.window = {
      labBridge: { desktop: fakeDesktop({ open: { ok: true, result: { opened: false } } }).bridge }
    }
    expect(await openFile('bundle')).toBeNull()
  })
})

describe('following the menu', () => {
  it('goes to the app pages it names and to nothing else', () => {
    const desktop = fakeDesktop({})
    globals.window = { labBridge: { desktop: desktop.bridge } }
    followDesktopCommands(router)
    const pages = ['/new', '/new?mode=sweep', '/runs', '/runs/12', '/compare/3', '/sweeps/4']
    for (const path of pages) desktop.send({ type: 'navigate', path })
    for (const path of [
      'https://example.org/',
      '//example.org',
      '/runs/../x',
      '/settings',
      '/new?mode=other',
      '/new?from=1&x=2'
    ])
      desktop.send({ type: 'navigate', path })
    expect(pushed).toEqual(pages)
  })

  it('sends Export… to the runs when the page on screen has nothing to export', () => {
    const desktop = fakeDesktop({})
    globals.window = { labBridge: { desktop: desktop.bridge } }
    followDesktopCommands(router)
    desktop.send({ type: 'export' })
    expect(pushed).toEqual(['/runs'])
  })

  it('does nothing in a browser, where there is no desktop bridge', () => {
    globals.window = { labBridge: undefined }
    expect(() => followDesktopCommands(router)).not.toThrow()
  })
})
