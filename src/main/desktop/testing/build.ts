/**
 * Builds the app into a folder of its own under .cache/, for tests that load the built files.
 * Each test file gets its own folder, so that parallel test files never overwrite each other's
 * bundles, nor the `out/` folder that `npm start` and the end-to-end tests use.
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

export const projectRoot = resolve(__dirname, '../../../..')

/** Runs `electron-vite build --outDir .cache/test-build/<name>` and returns that folder. */
export function buildApp(name: string): string {
  const require = createRequire(join(projectRoot, 'package.json'))
  const cli = join(
    dirname(require.resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js'
  )
  const outDir = join(projectRoot, '.cache', 'test-build', name)
  const result = spawnSync(
    process.execPath,
    [cli, 'build', '--outDir', outDir, '--logLevel', 'warn'],
    { cwd: projectRoot, encoding: 'utf8' }
  )
  if (result.status !== 0) {
    throw new Error(`electron-vite build failed (exit ${result.status}):\n${result.stderr}`)
  }
  return outDir
}
