/**
 * Experiment B, head universality: reproducibility and named streams (SCIENCE.md section 10).
 * The same config gives the same records; changing one family of heads leaves the others as
 * they were; no tfjs tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { MetricRecord, SeriesRecord } from '../../shared/results'
import { initBackend } from '../../main/lab/backend'
import { run, small, type Run } from './run.fixture'

beforeAll(async () => {
  await initBackend()
})

const byModel = (r: Run, models: string[]) => ({
  metrics: r.metricRecords.filter((m: MetricRecord) => models.includes(m.model)),
  series: r.seriesRecords.filter((s: SeriesRecord) => models.includes(s.model))
})

describe('runUniversality: reproducibility and named streams (SCIENCE.md section 10)', () => {
  it('gives identical records for the same config and different ones for another seed', async () => {
    const a = await run(small())
    const b = await run(small())
    expect(a.metricRecords.length).toBeGreaterThan(0)
    expect(b.metricRecords).toEqual(a.metricRecords)
    expect(b.seriesRecords).toEqual(a.seriesRecords)
    const c = await run(small({ seed: 2 }))
    expect(c.seriesOf('random', 'scatter')).not.toEqual(a.seriesOf('random', 'scatter'))
    expect(c.metricValue('attacker', 'cleanAccuracy')).not.toBe(
      a.metricValue('attacker', 'cleanAccuracy')
    )
  })

  it('keeps every other head when the number of random heads changes, and the first random heads too', async () => {
    const a = await run(small({ randomHeads: 40 }))
    const b = await run(small({ randomHeads: 70 }))
    const others = ['attacker', 'probe', 'nullifying', 'witness']
    expect(byModel(b, others)).toEqual(byModel(a, others))
    expect(b.seriesOf('random', 'scatter').points.slice(0, 40)).toEqual(
      a.seriesOf('random', 'scatter').points
    )
  })

  it('keeps the attacker, random and nullifying heads when the probes change, and probes and random heads when the poison changes', async () => {
    const a = await run(small())
    const b = await run(small({ probes: 7, probeFraction: 0.5 }))
    // Not the witness: it is the most accurate probe that meets the proof's conditions, if any.
    const kept = ['attacker', 'random', 'nullifying']
    expect(byModel(b, kept)).toEqual(byModel(a, kept))
    const c = await run(small({ poisonFraction: 0.4 }))
    expect(byModel(c, ['probe', 'random'])).toEqual(byModel(a, ['probe', 'random']))
    expect(c.metricValue('attacker', 'attackSuccessRate')).not.toBe(
      a.metricValue('attacker', 'attackSuccessRate')
    )
  })

  it('leaves the number of tfjs tensors unchanged', async () => {
    await run(small({ randomHeads: 5, probes: 1 })) // warm-up
    const before = tf.memory().numTensors
    await run(small())
    await run(small({ poisonFraction: 0, probes: 0, randomHeads: 0 }))
    expect(tf.memory().numTensors).toBe(before)
  })
})
