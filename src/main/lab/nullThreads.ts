/**
 * The Monte Carlo null drawn in worker threads (SCIENCE.md section 11): its draws are independent
 * and each is a pure function of (shape, b), so a range of them is split into contiguous parts,
 * one per thread, and put back in order: the same numbers as drawing them one after another in
 * the run's own thread, on as many cores as the machine has, while that thread goes on with the
 * run. Threads are used only from the built bundles, where the thread's entry (nullThread.js)
 * sits beside the code; from the sources, and where a thread cannot start, the draws are made
 * here, one after another.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { STATISTICS } from './detectStatistics'
import type { NullDraws, NullShape } from './nullCache'

export type FromNullThread =
  | { type: 'drawn'; done: number }
  | { type: 'done'; values: Record<(typeof STATISTICS)[number], Float64Array> }

/** Below this many draws a thread's start (tens of milliseconds) is not worth it. */
const MIN_DRAWS_PER_THREAD = 16

/** The built thread entry beside this code (the bundle's entry or one of its chunks), if any. */
export function nullThreadEntry(): string | null {
  for (const dir of [__dirname, join(__dirname, '..')]) {
    const file = join(dir, 'nullThread.js')
    if (existsSync(file)) return file
  }
  return null
}

export interface ThreadOptions {
  /** The thread entry; default nullThreadEntry(). */
  entry?: string | null
  /** How many threads at most; default the machine's available parallelism. */
  threads?: number
}

/**
 * Draws `from` to `to - 1` of the null of `shape` (m >= d) in worker threads. `onDraw(done)`
 * follows the draws done, a few times per thread. Resolves to null when no thread can be used
 * (no built entry, m < d, too few draws to pay for a thread's start, or a thread failed), so
 * that the caller draws them itself.
 */
export async function drawInThreads(
  shape: NullShape,
  from: number,
  to: number,
  onDraw?: (done: number) => void,
  options: ThreadOptions = {}
): Promise<NullDraws | null> {
  const entry = options.entry === undefined ? nullThreadEntry() : options.entry
  const count = to - from
  const threads = Math.min(
    options.threads ?? availableParallelism(),
    Math.floor(count / MIN_DRAWS_PER_THREAD)
  )
  if (!entry || shape.m < shape.d || threads < 1) return null
  const bounds = Array.from({ length: threads + 1 }, (_, t) =>
    Math.round(from + (count * t) / threads)
  )
  const done = new Array<number>(threads).fill(0)
  const every = Math.max(1, Math.ceil(count / threads / 10))
  const parts = await Promise.allSettled(
    bounds.slice(0, -1).map(
      (start, t) =>
        new Promise<FromNullThread & { type: 'done' }>((resolve, reject) => {
          const worker = new Worker(entry, {
            workerData: { shape, from: start, to: bounds[t + 1], every }
          })
          worker.on('message', (message: FromNullThread) => {
            if (message.type === 'done') return resolve(message)
            done[t] = message.done
            onDraw?.(done.reduce((a, b) => a + b, 0))
          })
          worker.once('error', reject)
          worker.once('exit', (code) => reject(new Error(`a null thread exited with ${code}`)))
        })
    )
  )
  if (parts.some((p) => p.status === 'rejected')) return null
  const values: NullDraws = { topEigenvalue: [], maxDiagonal: [], sparseEigenvalue: [] }
  for (const part of parts) {
    if (part.status !== 'fulfilled') continue
    for (const s of STATISTICS) values[s].push(...part.value.values[s])
  }
  onDraw?.(count)
  return values
}
