import { describe, expect, it } from 'vitest'
import {
  aggregate,
  pointSeed,
  rangeValues,
  sweepChildren,
  sweepPoints,
  sweepRunCount,
  sweepSchema,
  t975
} from './sweep'

describe('sweep ranges and points', () => {
  it('spaces a linear range evenly and a log range evenly in log, both ends included', () => {
    expect(rangeValues({ from: 0, to: 4, steps: 5, scale: 'linear' })).toEqual([0, 1, 2, 3, 4])
    const log = rangeValues({ from: 0.001, to: 0.1, steps: 3, scale: 'log' })
    expect(log[0]).toBe(0.001)
    expect(log[1]).toBeCloseTo(0.01, 15)
    expect(log[2]).toBe(0.1)
    // Constant ratio between neighbours.
    const ratios = rangeValues({ from: 2, to: 512, steps: 9, scale: 'log' }).map((v, i, a) =>
      i ? v / a[i - 1] : 2
    )
    for (const r of ratios) expect(r).toBeCloseTo(2, 12)
  })

  it('makes every combination of two fields, the first field outer', () => {
    const sweep = sweepSchema.parse({
      fields: [
        { path: 'theta', values: [1, 2] },
        { path: 'train.optimizer', values: ['adam', 'sgd', 'momentum'] }
      ],
      seeds: 4
    })
    const points = sweepPoints(sweep)
    expect(points.map((p) => p.values)).toEqual([
      { theta: 1, 'train.optimizer': 'adam' },
      { theta: 1, 'train.optimizer': 'sgd' },
      { theta: 1, 'train.optimizer': 'momentum' },
      { theta: 2, 'train.optimizer': 'adam' },
      { theta: 2, 'train.optimizer': 'sgd' },
      { theta: 2, 'train.optimizer': 'momentum' }
    ])
    expect(sweepRunCount(sweep)).toBe(24)
  })

  it('refuses a field given both values and a range, or the same field twice', () => {
    expect(
      sweepSchema.safeParse({
        fields: [{ path: 'theta', values: [1], range: { from: 0, to: 1, steps: 2 } }]
      }).success
    ).toBe(false)
    const twice = sweepSchema.safeParse({
      fields: [
        { path: 'm', values: [1] },
        { path: 'm', values: [2] }
      ]
    })
    expect(twice.error?.issues[0].path).toEqual(['fields', 1, 'path'])
    expect(
      sweepSchema.safeParse({
        fields: [{ path: 'm', range: { from: 0, to: 1, steps: 2, scale: 'log' } }]
      }).success
    ).toBe(false)
  })
})

describe('point seeds', () => {
  it('depend on the point’s values and the replicate, not on its place in the sweep', () => {
    const a = pointSeed(7, { theta: 2 }, 0)
    expect(pointSeed(7, { theta: 2 }, 0)).toBe(a)
    expect(pointSeed(7, { theta: 2 }, 1)).not.toBe(a)
    expect(pointSeed(8, { theta: 2 }, 0)).not.toBe(a)
    expect(pointSeed(7, { theta: 3 }, 0)).not.toBe(a)
    // Adding a point keeps the others' seeds.
    const small = sweepSchema.parse({ fields: [{ path: 'theta', values: [1, 2] }], seeds: 2 })
    const large = sweepSchema.parse({ fields: [{ path: 'theta', values: [1, 1.5, 2] }], seeds: 2 })
    const seedsOf = (s: typeof small, theta: number) =>
      sweepChildren({ kind: 'effectiveness', theta: 0, seed: 1 }, s)
        .filter((c) => c.config.theta === theta)
        .map((c) => c.seed)
    expect(seedsOf(large, 2)).toEqual(seedsOf(small, 2))
  })

  it('are distinct across a sweep’s runs and set on each child config', () => {
    const sweep = sweepSchema.parse({
      fields: [
        { path: 'theta', range: { from: 0, to: 8, steps: 9 } },
        { path: 'train.learningRate', values: [0.001, 0.01] }
      ],
      seeds: 5
    })
    const base = { kind: 'finetune', theta: 4, seed: 1, train: { learningRate: 0.1, epochs: 3 } }
    const children = sweepChildren(base, sweep)
    expect(children).toHaveLength(90)
    expect(new Set(children.map((c) => c.seed)).size).toBe(90)
    // Five seeds per point: run 5 is the first seed of point 1 (θ = 0, learning rate 0.01).
    const child = children[5]
    expect(child.config).toEqual({
      kind: 'finetune',
      theta: 0,
      seed: child.seed,
      train: { learningRate: 0.01, epochs: 3 }
    })
    expect(base.train.learningRate).toBe(0.1)
  })
})

describe('aggregates over seeds', () => {
  it('are the mean, the sample sd and the t-interval, computed directly', () => {
    const values = [0.2, 0.35, 0.3, 0.15]
    const mean = 0.25
    const sd = Math.sqrt((0.05 ** 2 * 2 + 0.1 ** 2 + 0.1 ** 2) / 3)
    const a = aggregate(values)
    expect(a.n).toBe(4)
    expect(a.mean).toBeCloseTo(mean, 15)
    expect(a.sd).toBeCloseTo(sd, 15)
    expect(a.upper! - a.mean!).toBeCloseTo((3.182446305 * sd) / 2, 8)
    expect(a.mean! - a.lower!).toBeCloseTo(a.upper! - a.mean!, 15)
  })

  it('use Student’s t quantiles, which approach the normal 1.96', () => {
    expect(t975(2)).toBeCloseTo(12.7062, 4)
    expect(t975(5)).toBeCloseTo(2.7764, 4)
    expect(t975(10_000)).toBeCloseTo(1.96, 2)
  })

  it('leave out seeds where the rate is undefined, and say how many had a value', () => {
    expect(aggregate([0.5, null, Number.NaN, 0.7])).toMatchObject({ n: 2, of: 4, mean: 0.6 })
    expect(aggregate([0.4])).toMatchObject({ n: 1, mean: 0.4, lower: null, upper: null })
    expect(aggregate([null])).toMatchObject({ n: 0, mean: null })
  })
})
