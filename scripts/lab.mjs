// `npm run lab -- <command>`: the command-line host, run as built JavaScript (out/main/cli.js).
// The main bundles are built first when they are missing or older than the sources (about a
// second, once), so this works from a fresh clone right after `npm install`.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureMainBuilt, root } from './build-main.mjs'

try {
  await ensureMainBuilt()
} catch (error) {
  console.error(`lab: could not build the CLI: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
await import(pathToFileURL(join(root, 'out', 'main', 'cli.js')).href)
