/**
 * Entry of a run's child process: picks the tfjs backend, runs one experiment and streams its
 * progress, metrics and series to the parent. Works under Node's fork (process.send) and
 * Electron's utilityProcess (process.parentPort).
 */
import { initBackend } from '../lab/backend'
import { runExperiment } from '../lab/experiments'
import type { FromWorker, ToWorker } from './protocol'

interface ParentPort {
  on(event: 'message', listener: (event: { data: ToWorker }) => void): void
  postMessage(message: FromWorker): void
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

function send(message: FromWorker): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(message)
    return Promise.resolve()
  }
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()))
}

async function handle(message: ToWorker): Promise<void> {
  try {
    const environment = await initBackend()
    await send({ type: 'environment', environment })
    if (message.type === 'start') {
      await runExperiment(message.config, {
        progress: (phase, step, total) => void send({ type: 'progress', phase, step, total }),
        metric: (record) => void send({ type: 'metric', record }),
        series: (record) => void send({ type: 'series', record })
      })
    }
    await send({ type: 'done' })
    process.exit(0)
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  }
}

if (parentPort) parentPort.on('message', (event) => void handle(event.data))
else process.once('message', (message) => void handle(message as ToWorker))
