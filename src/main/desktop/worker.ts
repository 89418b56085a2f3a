/**
 * Runs each experiment in an Electron utility process (a Node child that Electron manages), so the
 * desktop app never starts its own binary as Node: the packaged app turns the RunAsNode fuse off.
 */
import { utilityProcess } from 'electron'
import type { FromWorker, SpawnWorker } from '../service/protocol'

const STDERR_TAIL = 4000

export interface UtilityWorkerOptions {
  /**
   * Train a fine-tuning run's two models in the run's own process. The worker otherwise forks a
   * second process with `child_process.fork`, which inside Electron needs ELECTRON_RUN_AS_NODE,
   * and the packaged app's fuses forbid that.
   */
  oneProcessPerRun: boolean
}

export function utilityWorkerSpawner(
  workerPath: string,
  options: UtilityWorkerOptions
): SpawnWorker {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  if (options.oneProcessPerRun) env.BACKDOOR_LAB_ONE_PROCESS = '1'
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
      send: (message) => child.postMessage(message),
      onMessage: (listener) => void child.on('message', (message: FromWorker) => listener(message)),
      onExit: (listener) => void child.once('exit', (code) => listener(code, stderr.trim())),
      kill: () => void child.kill()
    }
  }
}
