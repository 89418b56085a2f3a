// `npm run lab -- <command>`: the command-line host, run as built JavaScript (out/main/cli.js).
// The main bundles are built first when they are missing or older than the sources (about a
// second, once), so this works from a fresh clone right after `npm install`. For `run`, the
// workers the run will use start while the CLI loads: the start-ups overlap (prestart.mjs).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureMainBuilt, root } from './build-main.mjs'
import { prestartWorker, workersFor } from './prestart.mjs'

const outMain = join(root, 'out', 'main')

try {
  await ensureMainBuilt()
} catch (error) {
  console.error(`lab: could not build the CLI: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
if (process.argv[2] === 'run') {
  const workers = workersFor(process.argv.slice(3))
  for (let i = 0; i < workers; i++) prestartWorker(join(outMain, 'worker.js'))
}
await import(pathToFileURL(join(outMain, 'cli.js')).href)
