/**
 * Starts the pool's workers as Electron utility processes (Node children that Electron manages),
 * so the desktop app never starts its own binary as Node: the packaged app turns the RunAsNode
 * fuse off. A fine-tuning run's second model trains in a second pool worker, which the service
 * starts the same way.
 */
import { utilityProcess } from 'electron'
import type { FromWorker, SpawnWorker } from '../service/protocol'

const STDERR_TAIL = 4000

export function utilityWorkerSpawner(workerPath: string): SpawnWorker {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  return () => {
    const child = utilityProcess.fork(workerPath, [], {
      stdio: 'pipe',
      serviceName: 'Backdoor Lab run',
      env
    })
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk))
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk)
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)
    })
    return {
      get pid() {
        return child.pid
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => void child.on('message', (message: FromWorker) => listener(message)),
      onExit: (listener) => void child.once('exit', (code) => listener(code, stderr.trim())),
      kill: () => void child.kill()
    }
  }
}
