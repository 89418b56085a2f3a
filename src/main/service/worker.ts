/**
 * Entry of a pool worker: a long-lived child process that starts the tfjs backend once, says
 * `ready`, then runs one job after another, streaming progress, metrics and series to the
 * service. Works under Node's fork (process.send) and Electron's utilityProcess
 * (process.parentPort). A job is a run (`start`) or the part another run handed over (`help`):
 * a run hands a part (fine-tuning's second model, universality's clean-encoder twin) to the
 * service, which gives it to a second worker when one is free (see `elsewhere`).
 */
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../lab/backend'
import { helpExperiment, runExperiment } from '../../kinds/main'
import type { ExperimentKind } from '../../kinds/registry'
import type { Elsewhere } from '../../kinds/runner'
import type { Environment } from '../../shared/results'
import { recordNullCache } from '../lab/nullCache'
import type { FromHelper, FromWorker, Job, ToWorker, WorkerMemory } from './protocol'

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

function memory(): WorkerMemory {
  return { numTensors: tf.memory().numTensors, rss: process.memoryUsage.rss() }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The service's answers about the model this worker handed over, while a run waits for them. */
let helperListener: ((message: ToWorker) => void) | null = null

/**
 * A second pool worker for part of the current run (KindRunner.help): asked for early
 * (`reserve`), handed the part with its inputs, its messages relayed back by the service. When no
 * worker is free the service says so and the run computes the part here: the numbers are the same.
 */
function elsewhere(kind: ExperimentKind): Elsewhere {
  return {
    reserve: () => void send({ type: 'wantHelper' }),
    handOver: (input, onMessage) =>
      new Promise((handedOver, failed) => {
        let settle: { resolve: () => void; reject: (error: Error) => void } | null = null
        const finished = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
        finished.catch(() => {}) // the run awaits it; a rejection before then is not unhandled
        helperListener = (message) => {
          if (message.type === 'noHelper') {
            helperListener = null
            handedOver(null)
          } else if (message.type === 'helperStarted') {
            handedOver({ finished })
          } else if (message.type === 'helper') {
            try {
              onHelperMessage(message.message)
            } catch (error) {
              helperListener = null
              settle!.reject(error instanceof Error ? error : new Error(String(error)))
            }
          }
        }
        const onHelperMessage = (message: FromHelper) => {
          if (message.type === 'said') onMessage(message.message)
          else {
            helperListener = null
            if (message.type === 'done') settle!.resolve()
            else settle!.reject(new Error(message.message))
          }
        }
        send({ type: 'helperJob', kind, input }).catch(failed)
      })
  }
}

async function runJob(job: Job, environment: Environment): Promise<void> {
  try {
    if (job.type === 'help') {
      await helpExperiment(job.kind, job.input, (message) => void send({ type: 'said', message }))
    } else {
      const file = job.dataset
      await send({
        type: 'environment',
        environment: file
          ? {
              ...environment,
              dataFile: { datasetId: file.datasetId, name: file.name, sha256: file.sha256 }
            }
          : environment
      })
      await runExperiment(
        job.config,
        {
          progress: (phase, step, total, work) =>
            void send({ type: 'progress', phase, step, total, work }),
          metric: (record) => void send({ type: 'metric', record }),
          series: (record) => void send({ type: 'series', record })
        },
        {
          csv: job.dataset ?? null,
          elsewhere: elsewhere(job.config.kind),
          nulls: recordNullCache(job.nulls ?? [], environment.backend, (record) => {
            void send({ type: 'null', record })
          })
        }
      )
    }
    await send({ type: 'done', memory: memory() })
  } catch (error) {
    await send({ type: 'error', message: errorMessage(error), memory: memory() })
  } finally {
    helperListener = null
  }
}

async function main(): Promise<void> {
  let environment: Environment
  try {
    environment = await initBackend()
  } catch (error) {
    await send({ type: 'fatal', message: errorMessage(error) })
    process.exit(1)
  }
  const onMessage = (message: ToWorker) => {
    if (message.type === 'start' || message.type === 'help') void runJob(message, environment)
    else helperListener?.(message)
  }
  if (parentPort) parentPort.on('message', (event) => onMessage(event.data))
  else process.on('message', (message) => onMessage(message as ToWorker))
  await send({ type: 'ready', environment, memory: memory() })
}

// A worker dies with its parent: under fork its IPC channel closes when the parent goes.
if (!parentPort) process.once('disconnect', () => process.exit(1))

void main()
