/**
 * The null cache through the service and the real worker: a run's process finds the null its seed
 * and shape already have in the database and draws only what is missing; the numbers are the same
 * either way (a re-run is identical).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTempLab, workerEntry, type TempLab } from '../testing/tempLab'
import { nodeWorkerSpawner } from './spawn-node'
import type { FromWorker, SpawnWorker } from './protocol'
import { NULL_METHOD } from '../lab/nullCache'
import { panelDraws } from '../../kinds/detectability/panel'
import { findMetric } from '../../shared/results'

const shape = { d: 20, m: 200, k: 4, seed: 3 }

let lab: TempLab
/** The nulls each run's process sent to be kept, in order. */
let sent: { draws: number; d: number }[]

beforeEach(() => {
  sent = []
  const spawn = nodeWorkerSpawner(workerEntry)
  const watching: SpawnWorker = () => {
    const worker = spawn()
    return {
      ...worker,
      onMessage: (listener) =>
        worker.onMessage((message: FromWorker) => {
          if (message.type === 'null') {
            sent.push({ draws: message.record.values.topEigenvalue.length, d: message.record.d })
          }
          listener(message)
        })
    }
  }
  lab = openTempLab('lab-nulls-service-', { worker: watching, parallelRuns: 1 })
})
afterEach(() => lab.close())

async function run(config: Record<string, unknown>) {
  const started = await lab.service.dispatch('startRun', { config })
  const finished = await lab.service.waitForRun(started.id)
  expect(finished.status, finished.error ?? '').toBe('done')
  return lab.service.getRun(started.id)
}

describe('the null cache, shared by runs through the database', () => {
  it('is drawn once per shape and seed, reused by an effectiveness run and a frontier, extended when a run needs more', async () => {
    const B = panelDraws(shape.d, shape.m)
    const effectiveness = {
      kind: 'effectiveness',
      ...shape,
      theta: 2,
      n: 100,
      nTest: 100,
      lambdas: { from: 0, to: 6, steps: 4 }
    }
    const first = await run(effectiveness)
    expect(sent).toEqual([{ draws: B, d: shape.d }])
    const kept = lab.store.nulls.for({ seed: 3, m: 200, k: 4, method: NULL_METHOD })
    expect(kept).toHaveLength(1)
    expect(kept[0].backend).toBe(first.backend)
    const top = kept[0].values.topEigenvalue
    expect(findMetric(first, 'detect.null', 'topEigenvalue.mean')?.value).toBe(
      top.reduce((a, b) => a + b, 0) / B
    )

    // A re-run finds the null in the database: it sends none, and its numbers are identical.
    const rerun = await lab.service.dispatch('rerunRun', { id: first.id })
    await lab.service.waitForRun(rerun.id)
    expect(sent).toHaveLength(1)
    expect(lab.service.getRun(rerun.id).reproduction?.identical).toBe(true)

    // A frontier of the same shape and seed shares it, and extends it when it needs more draws.
    const frontier = {
      kind: 'detectability',
      ...shape,
      thetas: { from: 0.5, to: 2, steps: 2 },
      draws: 2,
      nullDraws: B + 20,
      n: 100,
      nTest: 100,
      lambdas: { from: 0, to: 6, steps: 4 },
      lambda: 2
    }
    const longer = await run(frontier)
    expect(sent).toEqual([
      { draws: B, d: shape.d },
      { draws: B + 20, d: shape.d }
    ])
    const extended = lab.store.nulls.for({ seed: 3, m: 200, k: 4, method: NULL_METHOD })[0]
    expect(extended.values.topEigenvalue).toHaveLength(B + 20)
    expect(extended.values.topEigenvalue.slice(0, B)).toEqual(top)
    const mean = extended.values.topEigenvalue.reduce((a, b) => a + b, 0) / (B + 20)
    expect(findMetric(longer, 'spectral', 'nullMean')?.value).toBeCloseTo(mean, 12)
    await run({ ...frontier, nullDraws: B })
    expect(sent).toHaveLength(2)
  })
})
