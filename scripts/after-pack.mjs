// electron-builder's afterPack hook: puts better-sqlite3 built for Electron's ABI, for the
// platform and arch being packaged, in place of the Node build that was copied from
// node_modules. The project's own node_modules stay as they are (tests and the CLI run on Node),
// which is why the packager's in-place rebuild (`npmRebuild`) is off.
import { join } from 'node:path'
import { buildElectronNative } from './electron-native.mjs'

// builder-util's Arch enum, by number.
const ARCHES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']

export default async function afterPack(context) {
  const arch = ARCHES[context.arch]
  if (!arch || arch === 'universal') {
    throw new Error(
      `after-pack: better-sqlite3 is fetched per arch; package x64 and arm64 separately (got ${arch ?? context.arch})`
    )
  }
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName
  const resources = context.packager.getResourcesDir(context.appOutDir)
  const target = join(
    resources,
    'app.asar.unpacked',
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node'
  )
  const failure = buildElectronNative({
    platform,
    arch,
    electronVersion: context.packager.info.framework.version,
    target
  })
  if (failure) throw new Error(`after-pack: ${failure}`)
}
