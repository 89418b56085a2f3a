/** Starts run workers with Node's child_process.fork (headless host, CLI, tests). */
import { fork } from 'node:child_process'
import type { FromWorker, SpawnWorker, WorkerHandle } from './protocol'

const STDERR_TAIL = 4000

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
    const child = fork(workerPath, [], {
      execArgv,
      env: options.env ?? process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc']
    })
    let stderr = ''
    // A failed send (the worker died meanwhile) must not take the host down: exit says why.
    child.on('error', (error) => (stderr = `${stderr}\n${error.message}`.slice(-STDERR_TAIL)))
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk)
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)
    })
    return {
      pid: child.pid,
      // A worker killed meanwhile cannot take a message; its exit is reported by onExit.
      send: (message) => {
        if (child.connected) child.send(message)
      },
      onMessage: (listener) => void child.on('message', (m) => listener(m as FromWorker)),
      onExit: (listener) =>
        void child.once('exit', (code, signal) =>
          listener(code, stderr.trim() || (signal ? `killed by ${signal}` : ''))
        ),
      kill: () => void child.kill('SIGKILL')
    }
  }
}
