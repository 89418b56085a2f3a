/**
 * Entry of a worker thread that draws part of a Monte Carlo null (see nullThreads.ts): draws
 * `from` to `to - 1` of `shape`, each from its own stream, posting how many are done every
 * `every` draws and then the statistics. Loads no tfjs: a draw is plain float64 work.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { STATISTICS } from './detectStatistics'
import { lawDraw } from './nullDraw'
import type { NullShape } from './nullCache'
import type { FromNullThread } from './nullThreads'

const { shape, from, to, every } = workerData as {
  shape: NullShape
  from: number
  to: number
  every: number
}
const values = Object.fromEntries(
  STATISTICS.map((s) => [s, new Float64Array(to - from)])
) as Record<(typeof STATISTICS)[number], Float64Array>
for (let b = from; b < to; b++) {
  const stats = lawDraw(shape, b)
  for (const s of STATISTICS) values[s][b - from] = stats[s]
  const done = b + 1 - from
  if (done % every === 0 && b + 1 < to) parentPort!.postMessage({ type: 'drawn', done })
}
parentPort!.postMessage({ type: 'done', values } satisfies FromNullThread)
