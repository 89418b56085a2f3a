/**
 * Trains one model of a run in a second process, so that a fine-tuning run's two independent
 * models use two cores. The second process is the same worker entry, started with the message
 * `trainModel`; it reports measurements and epochs back as they happen.
 */
import { fork } from 'node:child_process'
import type { ModelRunner } from '../../kinds/finetune/run'
import type { EpochRecord, FineTuneInput, Measurement } from '../lab/finetune'

export type ToModelProcess = { type: 'trainModel'; input: FineTuneInput }
export type FromModelProcess =
  | { type: 'measure'; when: 'before' | 'after'; measurement: Measurement }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'trained' }
  | { type: 'error'; message: string }

/** A runner that forks `entry` (this worker's own file) for the model. */
export function processModelRunner(entry: string): ModelRunner {
  return (input, handlers) =>
    new Promise((resolve, reject) => {
      const child = fork(entry, [], {
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        // Inside Electron's utility process the executable is Electron: make it act as Node.
        env: process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env
      })
      let settled = false
      child.on('message', (raw) => {
        const message = raw as FromModelProcess
        try {
          if (message.type === 'measure') handlers.onMeasure(message.when, message.measurement)
          else if (message.type === 'epoch') handlers.onEpoch(message.record)
          else if (message.type === 'trained') {
            settled = true
            resolve()
          } else if (message.type === 'error') {
            settled = true
            reject(new Error(message.message))
          }
        } catch (error) {
          settled = true
          child.kill('SIGKILL')
          reject(error)
        }
      })
      child.once('exit', (code) => {
        if (!settled) reject(new Error(`The model's training process exited with code ${code}`))
      })
      child.send({ type: 'trainModel', input } satisfies ToModelProcess)
    })
}
