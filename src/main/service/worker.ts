/**
 * Entry of a run's child process: picks the tfjs backend, runs one experiment and streams its
 * progress, metrics and series to the parent. Works under Node's fork (process.send) and
 * Electron's utilityProcess (process.parentPort). The same file, sent `trainModel`, is the
 * second process that trains one model of a fine-tuning run.
 */
import os from 'node:os'
import { initBackend } from '../lab/backend'
import { runExperiment } from '../../kinds/main'
import { runModelHere } from '../../kinds/finetune/run'
import { processModelRunner, type FromModelProcess, type ToModelProcess } from './model-process'
import { recordNullCache } from '../lab/nullCache'
import type { FromWorker, ToWorker } from './protocol'

interface ParentPort {
  on(event: 'message', listener: (event: { data: ToWorker }) => void): void
  postMessage(message: FromWorker): void
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

function send(message: FromWorker | FromModelProcess): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(message as FromWorker)
    return Promise.resolve()
  }
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()))
}

async function handle(message: ToWorker | ToModelProcess): Promise<void> {
  try {
    const environment = await initBackend()
    if (message.type === 'trainModel') {
      await runModelHere(message.input, {
        onMeasure: (when, measurement) => void send({ type: 'measure', when, measurement }),
        onEpoch: (record) => void send({ type: 'epoch', record })
      })
      await send({ type: 'trained' })
      process.exit(0)
    }
    const file = message.type === 'start' ? message.dataset : null
    await send({
      type: 'environment',
      environment: file
        ? {
            ...environment,
            dataFile: { datasetId: file.datasetId, name: file.name, sha256: file.sha256 }
          }
        : environment
    })
    if (message.type === 'start') {
      const secondProcess = os.cpus().length > 1 && process.env.BACKDOOR_LAB_ONE_PROCESS !== '1'
      await runExperiment(
        message.config,
        {
          progress: (phase, step, total) => void send({ type: 'progress', phase, step, total }),
          metric: (record) => void send({ type: 'metric', record }),
          series: (record) => void send({ type: 'series', record })
        },
        {
          csv: message.dataset ?? null,
          runElsewhere: secondProcess ? processModelRunner(__filename) : undefined,
          nulls: recordNullCache(message.nulls ?? [], environment.backend, (record) => {
            void send({ type: 'null', record })
          })
        }
      )
    }
    await send({ type: 'done' })
    process.exit(0)
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? error.message : String(error) })
    process.exit(1)
  }
}

// A model process dies with the run's process: its IPC channel closes when the parent is killed.
if (!parentPort) process.once('disconnect', () => process.exit(1))

if (parentPort) parentPort.on('message', (event) => void handle(event.data))
else process.once('message', (message) => void handle(message as ToWorker))
