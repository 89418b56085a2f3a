// `npm run lab -- <command>`: the command-line host, run as built JavaScript (out/main/cli.js).
// The main bundles are built first when they are missing or older than the sources (about a
// second, once), so this works from a fresh clone right after `npm install`. For `run`, the
// first worker starts while the CLI loads: the two start-ups overlap.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureMainBuilt, root } from './build-main.mjs'

const outMain = join(root, 'out', 'main')

/**
 * Forks a worker and leaves it for the CLI's worker pool to adopt (src/main/service/spawn-node.ts,
 * PRESTARTED), buffering what it says meanwhile. It does not keep this process alive, and is
 * killed at exit if the CLI never took it (a bad config, say).
 */
function prestartWorker(workerPath) {
  const child = fork(workerPath, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc']
  })
  const entry = { child, messages: [], stderr: '', exit: null, adopted: false }
  child.on('message', (message) => entry.messages.push(message))
  child.stderr.on('data', (chunk) => (entry.stderr += chunk.toString()))
  child.once('exit', (code, signal) => (entry.exit = { code, signal }))
  child.unref()
  child.channel?.unref()
  child.stderr.unref()
  process.once('exit', () => entry.adopted || child.kill('SIGKILL'))
  const key = Symbol.for('backdoor-lab.prestarted-workers')
  globalThis[key] ??= new Map()
  globalThis[key].set(workerPath, entry)
}

try {
  await ensureMainBuilt()
} catch (error) {
  console.error(`lab: could not build the CLI: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
if (process.argv[2] === 'run') prestartWorker(join(outMain, 'worker.js'))
await import(pathToFileURL(join(outMain, 'cli.js')).href)
