/**
 * A stand-in for the `electron` module that records what the built main process asks of it, for
 * tests that load `out/main/index.js` without Electron's binary. It checks wiring (which options,
 * handlers and channels the main process sets up), not Electron's behaviour.
 *
 * `utilityProcess.fork` starts the real worker with Node's `child_process.fork`, behind the same
 * interface (postMessage, 'message', 'exit', stdout/stderr), so a call that needs a worker
 * (appInfo's backend probe) gets a real answer.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdirSync } from 'node:fs'
import Module from 'node:module'
import { join } from 'node:path'

type Listener = (...args: unknown[]) => unknown

export interface Bounds {
  x: number
  y: number
  width: number
  height: number
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
  readonly sent: { channel: string; payload: unknown }[] = []
  url = ''
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  getURL(): string {
    return this.url
  }
  isDestroyed(): boolean {
    return false
  }
}

export class FakeWindow extends EventEmitter {
  static all: FakeWindow[] = []
  static focused: FakeWindow | null = null
  readonly webContents = new FakeWebContents()
  readonly progress: number[] = []
  loaded: { file?: string; url?: string } = {}
  bounds: Bounds
  maximized = false
  minimized = false
  focusCount = 0
  visible = false
  destroyed = false

  constructor(readonly options: Record<string, unknown>) {
    super()
    this.bounds = {
      x: (options.x as number) ?? 0,
      y: (options.y as number) ?? 0,
      width: (options.width as number) ?? 800,
      height: (options.height as number) ?? 600
    }
    FakeWindow.all.push(this)
  }
  static getAllWindows(): FakeWindow[] {
    return FakeWindow.all.filter((w) => !w.destroyed)
  }
  static getFocusedWindow(): FakeWindow | null {
    return FakeWindow.focused
  }
  static fromWebContents(contents: unknown): FakeWindow | null {
    return FakeWindow.all.find((w) => w.webContents === contents) ?? null
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file }
    this.webContents.url = `file://${file}`
    return Promise.resolve()
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url }
    this.webContents.url = url
    return Promise.resolve()
  }
  show(): void {
    this.visible = true
  }
  focus(): void {
    this.focusCount++
    FakeWindow.focused = this
  }
  restore(): void {
    this.minimized = false
  }
  isMinimized(): boolean {
    return this.minimized
  }
  maximize(): void {
    this.maximized = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  isFullScreen(): boolean {
    return false
  }
  isFocused(): boolean {
    return FakeWindow.focused === this
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getNormalBounds(): Bounds {
    return { ...this.bounds }
  }
  setProgressBar(value: number): void {
    this.progress.push(value)
  }
  /** Closes the window the way a user does: 'close', then 'closed'. */
  close(): void {
    this.emit('close', { preventDefault() {} })
    this.destroyed = true
    this.emit('closed')
  }
}

/** A utility process: the worker under Node's fork, with utilityProcess's interface. */
class FakeUtilityProcess extends EventEmitter {
  readonly child: ChildProcess
  readonly stdout: NodeJS.ReadableStream | null
  readonly stderr: NodeJS.ReadableStream | null
  constructor(modulePath: string, args: string[], options: { env?: NodeJS.ProcessEnv }) {
    super()
    this.child = fork(modulePath, args, {
      env: options.env ?? process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc']
    })
    this.stdout = this.child.stdout
    this.stderr = this.child.stderr
    this.child.on('message', (message) => this.emit('message', message))
    this.child.once('exit', (code) => this.emit('exit', code ?? 1))
  }
  postMessage(message: unknown): void {
    this.child.send(message as never)
  }
  kill(): boolean {
    return this.child.kill('SIGKILL')
  }
}

export interface DialogScript {
  save: { canceled: boolean; filePath?: string }[]
  open: { canceled: boolean; filePaths: string[] }[]
  messageBox: { response: number }[]
}

export interface RecordedElectron {
  module: Record<string, unknown>
  app: EventEmitter & { ready(): void; quitCalls: number; singleInstance: boolean }
  userData: string
  ipcHandlers: Map<string, Listener>
  permissionRequestHandler: Listener | null
  permissionCheckHandler: Listener | null
  headersReceived: Listener | null
  applicationMenu: { template: MenuItem[] } | null
  forks: { modulePath: string; args: string[]; options: Record<string, unknown> }[]
  utilityProcesses: FakeUtilityProcess[]
  dialogCalls: { kind: string; options: Record<string, unknown> }[]
  dialogScript: DialogScript
  shellCalls: { kind: string; target: string }[]
  clipboard: string[]
  notifications: FakeNotification[]
  protocolSchemes: unknown[]
}

export interface MenuItem {
  label?: string
  role?: string
  type?: string
  accelerator?: string
  enabled?: boolean
  submenu?: MenuItem[]
  click?: (...args: unknown[]) => unknown
}

class FakeNotification extends EventEmitter {
  static supported = true
  static isSupported(): boolean {
    return FakeNotification.supported
  }
  shown = false
  constructor(readonly options: { title: string; body: string }) {
    super()
    recorded?.notifications.push(this)
  }
  show(): void {
    this.shown = true
  }
}

let recorded: RecordedElectron | null = null

/** A fresh recorded `electron` module; `base` is a scratch folder for userData and the like. */
export function recordElectron(base: string): RecordedElectron {
  // The main process reads these; a developer's shell may set them. (Each test file runs in a
  // process of its own, so this changes nothing elsewhere.)
  delete process.env.BACKDOOR_LAB_DB
  delete process.env.ELECTRON_RENDERER_URL
  FakeWindow.all = []
  FakeWindow.focused = null
  const userData = join(base, 'userData')
  mkdirSync(userData, { recursive: true })
  let resolveReady!: () => void
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve))
  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    singleInstance: true,
    isPackaged: false,
    name: 'backdoor-lab',
    ready: () => resolveReady(),
    whenReady: () => readyPromise,
    requestSingleInstanceLock: () => app.singleInstance,
    quit: () => void app.quitCalls++,
    getPath: (name: string) => (name === 'userData' ? userData : join(base, name)),
    getAppPath: () => base,
    getVersion: () => '0.0.0-test',
    setAppUserModelId: () => undefined
  })
  const r: RecordedElectron = {
    module: {},
    app,
    userData,
    ipcHandlers: new Map(),
    permissionRequestHandler: null,
    permissionCheckHandler: null,
    headersReceived: null,
    applicationMenu: null,
    forks: [],
    utilityProcesses: [],
    dialogCalls: [],
    dialogScript: { save: [], open: [], messageBox: [] },
    shellCalls: [],
    clipboard: [],
    notifications: [],
    protocolSchemes: []
  }
  const dialogAnswer = <T>(queue: T[], kind: string, fallback: T) => {
    if (queue.length === 0 && fallback === undefined) throw new Error(`unexpected ${kind} dialog`)
    return queue.shift() ?? fallback
  }
  r.module = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, handler: Listener) => {
        if (r.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`)
        r.ipcHandlers.set(channel, handler)
      }
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Listener) => (r.permissionRequestHandler = h),
        setPermissionCheckHandler: (h: Listener) => (r.permissionCheckHandler = h),
        webRequest: { onHeadersReceived: (h: Listener) => (r.headersReceived = h) }
      }
    },
    shell: {
      openExternal: (target: string) => {
        r.shellCalls.push({ kind: 'openExternal', target })
        return Promise.resolve()
      },
      openPath: (target: string) => {
        r.shellCalls.push({ kind: 'openPath', target })
        return Promise.resolve('')
      },
      showItemInFolder: (target: string) => void r.shellCalls.push({ kind: 'showItem', target })
    },
    clipboard: { writeText: (text: string) => void r.clipboard.push(text) },
    Menu: {
      buildFromTemplate: (template: MenuItem[]) => ({ template }),
      setApplicationMenu: (menu: { template: MenuItem[] }) => (r.applicationMenu = menu)
    },
    dialog: {
      showSaveDialog: async (...args: unknown[]) => {
        r.dialogCalls.push({ kind: 'save', options: args.at(-1) as Record<string, unknown> })
        return dialogAnswer(r.dialogScript.save, 'save', { canceled: true })
      },
      showOpenDialog: async (...args: unknown[]) => {
        r.dialogCalls.push({ kind: 'open', options: args.at(-1) as Record<string, unknown> })
        return dialogAnswer(r.dialogScript.open, 'open', { canceled: true, filePaths: [] })
      },
      showMessageBox: async (...args: unknown[]) => {
        r.dialogCalls.push({ kind: 'message', options: args.at(-1) as Record<string, unknown> })
        return dialogAnswer(r.dialogScript.messageBox, 'message', { response: 0 })
      },
      showErrorBox: (title: string, content: string) =>
        void r.dialogCalls.push({ kind: 'error', options: { title, content } })
    },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } })
    },
    Notification: FakeNotification,
    utilityProcess: {
      fork: (modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
        r.forks.push({ modulePath, args, options })
        const child = new FakeUtilityProcess(modulePath, args, options)
        r.utilityProcesses.push(child)
        return child
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void r.protocolSchemes.push(...schemes)
    }
  }
  recorded = r
  return r
}

/**
 * Requires a built CommonJS file with `require('electron')` answered by the recorded module.
 * Node's own loader does the rest, so every other dependency is the real one.
 */
export function requireWithElectron(file: string, electron: RecordedElectron): unknown {
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown }
  const original = loader._load
  loader._load = function (request: string, ...rest: unknown[]) {
    if (request === 'electron') return electron.module
    return original.call(this, request, ...rest)
  }
  try {
    return Module.createRequire(file)(file)
  } finally {
    loader._load = original
  }
}

/** Lets pending promise callbacks (whenReady's, the handlers') run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** Waits until `condition` holds; the test's own timeout bounds the wait. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}
