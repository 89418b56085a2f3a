/**
 * A smoke test of the BUILT main process (out/main/index.js) without Electron's binary: it is
 * loaded with a recorded `electron` module, and the test reads what it set up. This checks
 * WIRING, NOT BEHAVIOUR: the options given to the window, the handlers installed on it and on
 * the session, the IPC channels, the menu. Whether Electron honours them (the sandbox, the CSP,
 * the dialogs) only the real binary shows: e2e/electron.spec.ts, where the binary exists. The
 * service, SQLite and the run worker behind the handlers are the real ones.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiChannels, apiMethods, type BridgeReply } from '../../shared/api'
import type { RunSummary } from '../../shared/results'
import { desktopChannels } from '../../shared/desktop'
import { buildApp } from './testing/build'
import {
  FakeWindow,
  recordElectron,
  requireWithElectron,
  settle,
  until,
  type MenuItem,
  type RecordedElectron
} from './testing/recordedElectron'
import { CONTENT_SECURITY_POLICY } from './security'

let base: string
let outDir: string
let electron: RecordedElectron
let window: FakeWindow
let appPage: string

function menu(label: string): MenuItem[] {
  const top = electron.applicationMenu!.template.find(
    (item) => item.label?.replace('&', '') === label
  )
  if (!top?.submenu) throw new Error(`no ${label} menu`)
  return top.submenu
}

function item(menuLabel: string, label: string | RegExp): MenuItem {
  const found = menu(menuLabel).find((i) =>
    typeof label === 'string' ? i.label === label : label.test(i.label ?? '')
  )
  if (!found) throw new Error(`no '${String(label)}' in ${menuLabel}`)
  return found
}

async function invoke<T>(
  channel: string,
  payload: unknown,
  url = appPage
): Promise<BridgeReply<T>> {
  const handler = electron.ipcHandlers.get(channel)
  if (!handler) throw new Error(`no handler for ${channel}`)
  const event = { senderFrame: { url }, sender: window.webContents }
  return (await handler(event, payload)) as BridgeReply<T>
}

beforeAll(async () => {
  base = mkdtempSync(join(os.tmpdir(), 'lab-wiring-'))
  outDir = buildApp('main-wiring')
  electron = recordElectron(base)
  // A window position saved by an earlier start.
  writeFileSync(
    join(electron.userData, 'window-state.json'),
    JSON.stringify({ x: 120, y: 80, width: 1000, height: 700, maximized: false })
  )
  requireWithElectron(join(outDir, 'main', 'index.js'), electron)
  electron.app.ready()
  await settle()
  window = FakeWindow.all[0]
  appPage = `${pathToFileURL(join(outDir, 'renderer', 'index.html')).href}#/runs`
})

afterAll(() => {
  electron?.app.emit('before-quit')
  for (const child of electron?.utilityProcesses ?? []) child.kill()
  rmSync(base, { recursive: true, force: true })
})

describe('the built main process (wiring, not behaviour)', () => {
  it('opens one window, sandboxed and isolated, on the built renderer file', () => {
    expect(FakeWindow.all).toHaveLength(1)
    const prefs = window.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false
    })
    expect(prefs.preload).toBe(join(outDir, 'preload', 'index.js'))
    expect(existsSync(prefs.preload as string)).toBe(true)
    expect(window.loaded.file).toBe(join(outDir, 'renderer', 'index.html'))
  })

  it('takes the lock of a single instance, and a second launch brings the window back', () => {
    expect(electron.app.listenerCount('second-instance')).toBe(1)
    window.minimized = true
    const before = window.focusCount
    electron.app.emit('second-instance')
    expect(window.minimized).toBe(false)
    expect(window.focusCount).toBe(before + 1)
    expect(FakeWindow.all).toHaveLength(1)
  })

  it('opens at the saved size and position, and saves them when closed', () => {
    expect(window.options).toMatchObject({ x: 120, y: 80, width: 1000, height: 700 })
    window.bounds = { x: 10, y: 20, width: 1111, height: 777 }
    window.emit('close', { preventDefault() {} })
    const saved = JSON.parse(readFileSync(join(electron.userData, 'window-state.json'), 'utf8'))
    expect(saved).toEqual({ x: 10, y: 20, width: 1111, height: 777, maximized: false })
  })

  it('denies every new window, opening only links to allowed hosts in the browser', () => {
    const open = window.webContents.windowOpenHandler!
    for (const url of [
      'https://arxiv.org/abs/2204.06974',
      'https://evil.example/',
      'http://arxiv.org/abs/1',
      'https://arxiv.org.evil.example/',
      'https://user@arxiv.org/',
      'file:///etc/passwd'
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' })
    }
    expect(electron.shellCalls).toEqual([
      { kind: 'openExternal', target: 'https://arxiv.org/abs/2204.06974' }
    ])
  })

  it('keeps the window on the app page: navigation elsewhere is prevented', () => {
    const navigate = (url: string) => {
      let prevented = false
      window.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(navigate(appPage)).toBe(false)
    expect(navigate(`${pathToFileURL(join(outDir, 'renderer', 'index.html')).href}#/new`)).toBe(
      false
    )
    // Another file with the same name is not the app (a suffix match would let it in).
    expect(navigate(pathToFileURL(join(base, 'renderer', 'index.html')).href)).toBe(true)
    expect(navigate('https://example.org/')).toBe(true)
    expect(window.webContents.listenerCount('will-redirect')).toBe(1)
    expect(window.webContents.listenerCount('will-attach-webview')).toBe(1)
  })

  it('grants the clipboard to the app page only and refuses every other permission', () => {
    const request = (permission: string, requestingUrl: string) => {
      let granted: boolean | null = null
      electron.permissionRequestHandler!(
        window.webContents,
        permission,
        (ok: boolean) => (granted = ok),
        { requestingUrl }
      )
      return granted
    }
    const check = (permission: string, requestingUrl: string) =>
      electron.permissionCheckHandler!(window.webContents, permission, 'file:///', {
        requestingUrl
      })
    expect(request('clipboard-sanitized-write', appPage)).toBe(true)
    expect(check('clipboard-sanitized-write', appPage)).toBe(true)
    const elsewhere = pathToFileURL(join(base, 'renderer', 'index.html')).href
    expect(request('clipboard-sanitized-write', elsewhere)).toBe(false)
    expect(check('clipboard-sanitized-write', elsewhere)).toBe(false)
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      expect(request(permission, appPage)).toBe(false)
      expect(check(permission, appPage)).toBe(false)
    }
  })

  it('sends the Content-Security-Policy as a response header for the app page', () => {
    const headers = (url: string) => {
      let answer: unknown
      electron.headersReceived!(
        { url, responseHeaders: { 'content-security-policy': ['default-src *'] } },
        (response: unknown) => (answer = response)
      )
      return answer as { responseHeaders?: Record<string, string[]> }
    }
    expect(headers(appPage).responseHeaders).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY]
    })
    expect(headers('https://example.org/')).toEqual({})
  })

  it('handles every LabApi method and the two file dialogs over IPC, and nothing else', () => {
    const expected = [
      ...apiMethods.map((method) => apiChannels[method]),
      desktopChannels.saveFile,
      desktopChannels.openFile
    ]
    expect([...electron.ipcHandlers.keys()].sort()).toEqual(expected.sort())
  })

  it('answers the app page and refuses any other sender', async () => {
    const refused = await invoke('app:info', {}, 'https://example.org/')
    expect(refused).toMatchObject({ ok: false, status: 403 })
    const info = await invoke<{ host: string; databasePath: string }>('app:info', {})
    expect(info.ok && info.result.host).toBe('electron')
    expect(info.ok && info.result.databasePath).toBe(join(electron.userData, 'lab.db'))
  })

  it('runs experiments in utility processes, none of them told to run Electron as Node', () => {
    expect(electron.forks.length).toBeGreaterThan(0)
    for (const fork of electron.forks) {
      expect(fork.modulePath).toBe(join(outDir, 'main', 'worker.js'))
      const env = fork.options.env as NodeJS.ProcessEnv
      expect(env.ELECTRON_RUN_AS_NODE).toBeUndefined()
    }
  })

  it('saves through the native dialog and refuses a file name with a folder', async () => {
    const target = join(base, 'saved', 'figure.svg')
    mkdirSync(join(base, 'saved'))
    electron.dialogScript.save.push({ canceled: false, filePath: target })
    const saved = await invoke('desktop:saveFile', { fileName: 'figure.svg', data: '<svg/>' })
    expect(saved).toEqual({ ok: true, result: { saved: true, path: target } })
    expect(readFileSync(target, 'utf8')).toBe('<svg/>')
    const dialog = electron.dialogCalls.at(-1)!
    expect(dialog.options.defaultPath).toBe(join(base, 'documents', 'figure.svg'))
    expect(dialog.options.filters).toEqual([{ name: 'SVG image', extensions: ['svg'] }])

    const bad = await invoke('desktop:saveFile', { fileName: '../x.svg', data: '' })
    expect(bad).toMatchObject({ ok: false, status: 400 })
    expect(electron.dialogCalls.at(-1)).toBe(dialog)
  })

  it('has a File, View and Help menu whose items reach the page or the lab', async () => {
    expect(menu('File').map((i) => i.label ?? i.role)).toEqual(
      expect.arrayContaining([
        'New experiment',
        'New sweep',
        'Import bundle…',
        'Import CSV…',
        'Export…'
      ])
    )
    expect(menu('View').map((i) => i.role)).toEqual(
      expect.arrayContaining(['reload', 'resetZoom', 'zoomIn', 'zoomOut'])
    )
    const dbPath = join(electron.userData, 'lab.db')
    expect(menu('Help').map((i) => i.label)).toEqual(
      expect.arrayContaining(['About Backdoor Lab', 'Open data folder', `Database: ${dbPath}`])
    )

    const sent = window.webContents.sent
    item('File', 'New experiment').click!()
    item('File', 'New sweep').click!()
    item('File', 'Export…').click!()
    expect(sent.filter((s) => s.channel === 'desktop:command').map((s) => s.payload)).toEqual([
      { type: 'navigate', path: '/new' },
      { type: 'navigate', path: '/new?mode=sweep' },
      { type: 'export' }
    ])

    item('Help', 'Open data folder').click!()
    item('Help', /^Database: /).click!()
    expect(electron.shellCalls.slice(-2)).toEqual([
      { kind: 'openPath', target: electron.userData },
      { kind: 'showItem', target: dbPath }
    ])

    item('Help', 'About Backdoor Lab').click!()
    await until(() => electron.dialogCalls.some((c) => c.options.title === 'About Backdoor Lab'))
    const about = electron.dialogCalls.find((c) => c.options.title === 'About Backdoor Lab')!
    const detail = about.options.detail as string
    expect(detail).toContain(`Node ${process.versions.node}`)
    expect(detail).toMatch(/tfjs-core \d+\.\d+\.\d+/)
    expect(detail).toMatch(/Backend: (tensorflow|wasm|cpu)/)
    expect(detail).toContain(`Database: ${dbPath}`)
  })

  it('imports a CSV file from the menu and says what came in', async () => {
    const csv = join(base, 'points.csv')
    writeFileSync(csv, 'x1,x2,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n')
    electron.dialogScript.open.push({ canceled: false, filePaths: [csv] })
    const before = electron.dialogCalls.length
    item('File', 'Import CSV…').click!()
    await until(() => electron.dialogCalls.slice(before).some((c) => c.kind === 'message'))
    const answer = electron.dialogCalls.slice(before).find((c) => c.kind === 'message')!
    expect(answer.options).toMatchObject({ type: 'info' })
    expect(answer.options.message).toMatch(/^Imported points\.csv as data set #\d+$/)
    expect(answer.options.detail).toMatch(/^4 rows, 3 columns\./)
    const listed = await invoke<{ name: string }[]>('datasets:list', {})
    expect(listed.ok && listed.result.map((d) => d.name)).toEqual(['points.csv'])
  })

  it('refuses a broken bundle from the menu, saying so, with nothing imported', async () => {
    const bundle = join(base, 'broken.lab.json')
    writeFileSync(bundle, '{"not": "a bundle"}')
    electron.dialogScript.open.push({ canceled: false, filePaths: [bundle] })
    const before = electron.dialogCalls.length
    item('File', 'Import bundle…').click!()
    await until(() => electron.dialogCalls.slice(before).some((c) => c.kind === 'message'))
    const answer = electron.dialogCalls.slice(before).find((c) => c.kind === 'message')!
    expect(answer.options).toMatchObject({
      type: 'error',
      message: 'broken.lab.json was not imported, nothing changed'
    })
    const runs = await invoke<RunSummary[]>('runs:list', {})
    expect(runs.ok && runs.result).toEqual([])
  })

  it('shows a run on the taskbar while it computes and removes the bar when it is done', async () => {
    const started = await invoke<RunSummary>('runs:start', {
      config: {
        kind: 'effectiveness',
        d: 20,
        m: 200,
        k: 4,
        theta: 4,
        n: 200,
        nTest: 200,
        lambdas: { from: 0, to: 6, steps: 7 }
      }
    })
    if (!started.ok) throw new Error(started.error)
    const events = () =>
      window.webContents.sent.filter((s) => s.channel === 'runs:event').map((s) => s.payload)
    await until(() =>
      events().some(
        (e) =>
          (e as { type: string; run?: RunSummary }).run?.id === started.result.id &&
          (e as { run: RunSummary }).run.status === 'done'
      )
    )
    const bar = window.progress
    expect(bar.length).toBeGreaterThan(1)
    expect(bar.at(-1)).toBe(-1)
    const during = bar.slice(0, -1)
    expect(during.every((v) => v >= 0 && v <= 1)).toBe(true)
    // Never backwards within one run.
    expect(during).toEqual([...during].sort((a, b) => a - b))
  })
})
