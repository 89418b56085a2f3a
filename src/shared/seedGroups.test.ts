import { describe, expect, it } from 'vitest'
import { effectivenessConfigSchema } from '../kinds/effectiveness/config'
import type { MetricRecord, RunStatus } from './results'
import { aggregateSeedGroups, seedGroupKey, seedGroups } from './seedGroups'

const base = effectivenessConfigSchema.parse({ kind: 'effectiveness', m: 200, theta: 4 })

function run(
  id: number,
  changes: Record<string, unknown>,
  value: number | null,
  status: RunStatus = 'done'
) {
  const config = { ...base, ...changes }
  const metrics: MetricRecord[] = [{ model: 'backdoored', name: 'cleanAccuracy', value }]
  return { id, config, seed: config.seed, status, metrics }
}

describe('seed groups', () => {
  it('puts runs together exactly when their configs differ in the seed alone', () => {
    const runs = [
      run(1, { seed: 1 }, 0.8),
      run(2, { seed: 2 }, 0.9),
      run(3, { seed: 1, theta: 2 }, 0.7),
      run(4, { seed: 3 }, 0.7),
      run(5, { seed: 2, theta: 2 }, 0.6),
      // A nested field counts too.
      run(6, { seed: 4, lambdas: { ...base.lambdas, to: 9 } }, 0.5)
    ]
    const groups = seedGroups(runs)
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([[1, 2, 4], [3, 5], [6]])
    expect(groups[0].seeds).toEqual([1, 2, 3])
  })

  it('does not depend on the order of a config’s keys, and differs for any other field', () => {
    const reversed = Object.fromEntries(Object.entries({ ...base, seed: 9 }).reverse())
    expect(seedGroupKey(reversed)).toBe(seedGroupKey(base))
    expect(seedGroupKey({ ...base, m: 201 })).not.toBe(seedGroupKey(base))
    expect(seedGroupKey({ ...base, kind: 'finetune' })).not.toBe(seedGroupKey(base))
  })

  it('aggregates a metric over each group’s seeds: mean, sd and the t-interval', () => {
    const values = [0.8, 0.9, 0.7]
    const groups = seedGroups(values.map((v, i) => run(i + 1, { seed: i + 1 }, v)))
    const [result] = aggregateSeedGroups(groups, { model: 'backdoored', name: 'cleanAccuracy' })
    const mean = 0.8
    const sd = 0.1
    // t_{0.975, 2} = 4.302652729911275 (Student's t with 2 degrees of freedom has the closed form
    // t = (2p - 1) * sqrt(2 / (1 - (2p - 1)^2)) at p = 0.975).
    const t = 0.95 * Math.sqrt(2 / (1 - 0.95 ** 2))
    expect(result.aggregate.n).toBe(3)
    expect(result.aggregate.mean).toBeCloseTo(mean, 12)
    expect(result.aggregate.sd).toBeCloseTo(sd, 12)
    expect(result.aggregate.lower).toBeCloseTo(mean - (t * sd) / Math.sqrt(3), 10)
    expect(result.aggregate.upper).toBeCloseTo(mean + (t * sd) / Math.sqrt(3), 10)
    expect(result.seeds.map((s) => s.runId)).toEqual([1, 2, 3])
  })

  it('counts a seed once, only done runs, and a seed without a value in `of` but not in `n`', () => {
    const groups = seedGroups([
      run(1, { seed: 1 }, 0.8),
      run(2, { seed: 1 }, 0.8), // a re-run of seed 1: the same draw
      run(3, { seed: 2 }, null), // a rate undefined for this seed
      run(4, { seed: 3 }, 0.6),
      run(5, { seed: 4 }, 0.1, 'failed'),
      run(6, { seed: 5 }, 0.2, 'running')
    ])
    const [result] = aggregateSeedGroups(groups, { model: 'backdoored', name: 'cleanAccuracy' })
    expect(result.seeds.map((s) => s.seed)).toEqual([1, 2, 3])
    expect(result.aggregate).toMatchObject({ n: 2, of: 3 })
    expect(result.aggregate.mean).toBeCloseTo(0.7, 12)
  })
})
