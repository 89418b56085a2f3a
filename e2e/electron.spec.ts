/**
 * The desktop window itself. Needs Electron's binary, which cannot be downloaded on machines
 * installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1: there these tests skip and say why. The same
 * renderer and service are covered through the headless host by the other specs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import type { LabBridge } from '../src/shared/api'
import type { DesktopBridge } from '../src/shared/desktop'

const root = resolve(__dirname, '..')
type Bridged = { labBridge?: LabBridge & { desktop?: DesktopBridge } }

function electronBinary(): string | null {
  const dir = dirname(require.resolve('electron/package.json'))
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()
const display =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
const nativeSqlite = existsSync(join(root, 'build', 'electron-native', 'better_sqlite3.node'))

test.describe('Electron window', () => {
  test.skip(
    !binary,
    "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1): desktop-window tests skipped"
  )
  test.skip(!display, 'no display (DISPLAY/WAYLAND_DISPLAY unset): desktop-window tests skipped')
  test.skip(
    !nativeSqlite,
    'better-sqlite3 for Electron is not built: run `node scripts/electron-native.mjs` first'
  )

  test('opens the app with the secure bridge and lists runs', async () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'lab-electron-'))
    const app = await electron.launch({
      executablePath: binary!,
      args: [root],
      env: { ...process.env, BACKDOOR_LAB_DB: join(dir, 'lab.db') }
    })
    try {
      const page = await app.firstWindow()
      await expect(page.getByRole('link', { name: /New experiment/ })).toBeVisible()
      // The renderer sees the LabClient and nothing of Node.
      expect(await page.evaluate(() => typeof (globalThis as Bridged).labBridge)).toBe('object')
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined'
      )
      const reply = await page.evaluate(() =>
        (globalThis as Bridged).labBridge!.invoke('appInfo', {})
      )
      expect(reply.ok && (reply.result as { host: string }).host).toBe('electron')
      // The desktop extras (native dialogs, menu commands) are on the bridge, and nothing more.
      expect(
        await page.evaluate(() =>
          Object.keys((globalThis as Bridged).labBridge!.desktop ?? {}).sort()
        )
      ).toEqual(['onCommand', 'openFile', 'saveFile'])
      // The application menu, asked of Electron itself.
      const menu = await app.evaluate(({ Menu }) =>
        Menu.getApplicationMenu()?.items.map((item) => item.label.replace('&', ''))
      )
      expect(menu).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Help']))
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
