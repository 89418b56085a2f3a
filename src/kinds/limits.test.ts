/**
 * The memory estimate each kind makes before a run is saved, against what its run really holds:
 * tf.profile's peak of tensor bytes over the whole run. The estimate must not be below the peak
 * (a refused config would otherwise be safe, an accepted one not), nor so far above it that it
 * refuses runs that fit.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../main/lab/backend'
import { collectingReporter } from '../main/lab/reporter'
import { memoryBudget } from '../main/service/admission'
import { runExperiment } from './main'
import { kindOf, parseExperimentConfig } from './registry'

beforeAll(async () => {
  await initBackend()
})

describe('memory estimates bound what a run holds', () => {
  for (const raw of [
    { kind: 'effectiveness', m: 1500, n: 1500, nTest: 600, d: 120 },
    {
      kind: 'effectiveness',
      m: 400,
      n: 3000,
      nTest: 3000,
      d: 300,
      lambdas: { from: 0, to: 4, steps: 5 }
    },
    { kind: 'finetune', m: 1500, d: 150, n: 1200, nTest: 800, train: { epochs: 1 } },
    {
      kind: 'universality',
      m: 1200,
      n: 1500,
      nTest: 1000,
      d: 40,
      randomHeads: 20,
      probes: 2,
      head: { epochs: 10 }
    }
  ]) {
    it(`${JSON.stringify(raw)}: peak ≤ estimate ≤ 6 × peak`, async () => {
      const config = parseExperimentConfig(raw)
      const estimate = kindOf(config.kind).memory(config, null)
      const profile = await tf.profile(
        () => runExperiment(config, collectingReporter()) as unknown as tf.TensorContainer
      )
      expect(profile.peakBytes).toBeGreaterThan(0)
      expect(estimate.bytes).toBeGreaterThanOrEqual(profile.peakBytes)
      expect(estimate.bytes).toBeLessThanOrEqual(6 * profile.peakBytes)
    })
  }
})

describe('the memory budget setting', () => {
  it('reads sizes in MB by default, or with a unit', () => {
    expect(memoryBudget('4096')).toBe(4096 * 2 ** 20)
    expect(memoryBudget('512M')).toBe(512 * 2 ** 20)
    expect(memoryBudget('6G')).toBe(6 * 2 ** 30)
    expect(memoryBudget('1.5 GB')).toBe(1.5 * 2 ** 30)
  })

  it('names the setting when it cannot read it', () => {
    expect(() => memoryBudget('lots')).toThrow(/BACKDOOR_LAB_MEMORY_BUDGET must be a size/)
    expect(() => memoryBudget('0')).toThrow(/BACKDOOR_LAB_MEMORY_BUDGET/)
  })
})
