/** Starts workers with Node's child_process.fork (headless host, CLI, tests). */
import { fork, type ChildProcess } from 'node:child_process'
import type { FromWorker, SpawnWorker, WorkerHandle } from './protocol'

const STDERR_TAIL = 4000

/**
 * Workers forked ahead of need by a launcher (scripts/lab.mjs starts one while the CLI loads, so
 * that the two start-ups overlap), by worker path. The launcher buffers what they say until a
 * spawner adopts them; one never adopted is killed when the process exits.
 */
export const PRESTARTED = Symbol.for('backdoor-lab.prestarted-workers')

interface Prestarted {
  child: ChildProcess
  /** Messages received before adoption, in order. */
  messages: FromWorker[]
  stderr: string
  exit: { code: number | null; signal: NodeJS.Signals | null } | null
  adopted: boolean
}

function adoptPrestarted(workerPath: string): Prestarted | null {
  const registry = (globalThis as { [PRESTARTED]?: Map<string, Prestarted[]> })[PRESTARTED]
  const found = registry?.get(workerPath)?.shift()
  if (!found) return null
  found.adopted = true
  found.child.removeAllListeners('message')
  found.child.stderr?.removeAllListeners('data')
  // The launcher let the process exit without it; now the pool holds it like any worker.
  found.child.ref()
  found.child.channel?.ref()
  ;(found.child.stderr as { ref?: () => void } | null)?.ref?.()
  return found
}

/**
 * `workerPath` is the built `out/main/worker.js`, or `src/main/service/worker.ts` when running
 * from source, in which case tsx compiles it on the fly. `env` replaces the environment the
 * workers inherit (for example to force a backend with BACKDOOR_LAB_BACKEND).
 */
export function nodeWorkerSpawner(
  workerPath: string,
  options: { env?: NodeJS.ProcessEnv } = {}
): SpawnWorker {
  const execArgv = workerPath.endsWith('.ts') ? ['--import', 'tsx'] : []
  return (): WorkerHandle => {
    const early = options.env ? null : adoptPrestarted(workerPath)
    const child =
      early?.child ??
      fork(workerPath, [], {
        execArgv,
        env: options.env ?? process.env,
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'pipe', 'ipc']
      })
    let stderr = early?.stderr ?? ''
    const pending = early?.messages ?? []
    const exited = early?.exit ?? null
    // A failed send (the worker died meanwhile) must not take the host down: exit says why.
    child.on('error', (error) => (stderr = `${stderr}\n${error.message}`.slice(-STDERR_TAIL)))
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk)
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)
    })
    const detail = (signal: NodeJS.Signals | null) =>
      stderr.trim() || (signal ? `killed by ${signal}` : '')
    return {
      pid: child.pid,
      // A worker killed meanwhile cannot take a message; its exit is reported by onExit.
      send: (message) => {
        if (child.connected) child.send(message)
      },
      onMessage: (listener) => {
        // What a prestarted worker said before it was adopted comes first.
        for (const message of pending.splice(0)) queueMicrotask(() => listener(message))
        child.on('message', (m) => listener(m as FromWorker))
      },
      onExit: (listener) => {
        if (exited) queueMicrotask(() => listener(exited.code, detail(exited.signal)))
        else child.once('exit', (code, signal) => listener(code, detail(signal)))
      },
      kill: () => void child.kill('SIGKILL')
    }
  }
}
