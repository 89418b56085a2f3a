// Workers started by `npm run lab -- run` while the CLI loads, for its pool to adopt
// (src/main/service/spawn-node.ts, PRESTARTED): the start-ups overlap.
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

/**
 * The kinds whose runs hand a part to a second worker (a runner's `help` in src/kinds): their
 * run prestarts two workers (src/kinds/helpers.test.ts checks this list against the runners).
 */
export const KINDS_WITH_HELP = ['finetune', 'universality']

/**
 * How many workers `lab run <args>` will use at once: two for a kind in KINDS_WITH_HELP, else one,
 * and never more than the pool's size. One when the config cannot be read: the CLI says why.
 */
export function workersFor(args, env = process.env) {
  const pool = Number(env.BACKDOOR_LAB_WORKERS) || availableParallelism()
  const at = args.indexOf('--config')
  try {
    const kind = at >= 0 ? JSON.parse(readFileSync(args[at + 1], 'utf8')).kind : null
    return Math.max(1, Math.min(pool, KINDS_WITH_HELP.includes(kind) ? 2 : 1))
  } catch {
    return 1
  }
}

/**
 * Forks a worker and leaves it for the CLI's worker pool to adopt, buffering what it says
 * meanwhile. It does not keep this process alive, and is killed at exit if the CLI never took it
 * (a bad config, say).
 */
export function prestartWorker(workerPath) {
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
  const waiting = globalThis[key].get(workerPath) ?? []
  waiting.push(entry)
  globalThis[key].set(workerPath, waiting)
}
