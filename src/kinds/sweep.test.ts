import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../shared/schema'
import { childConfigs, parseSweepConfig, sweepableFields } from './sweep'

const errorsOf = (input: unknown) => {
  try {
    parseSweepConfig(input)
    return []
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    return e.errors
  }
}

describe('sweep configs', () => {
  it('read the shipped examples: θ with 4 seeds, the learning rate with 3', () => {
    for (const [file, runs] of [
      ['sweep-theta.json', 24],
      ['sweep-finetune-lr.json', 15]
    ] as const) {
      const text = readFileSync(join(__dirname, '../../examples', file), 'utf8')
      const config = parseSweepConfig(JSON.parse(text))
      expect(childConfigs(config)).toHaveLength(runs)
    }
  })

  it('offer every number, choice and flag of a kind, never its kind or seed', () => {
    const paths = sweepableFields('finetune').map((f) => f.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'theta',
        'm',
        'train.learningRate',
        'train.optimizer',
        'train.scaleGByM',
        'lambdas.to'
      ])
    )
    expect(paths).not.toContain('seed')
    expect(paths).not.toContain('kind')
    expect(paths).not.toContain('train.parameters')
    expect(sweepableFields('effectiveness').find((f) => f.path === 'theta')?.label).toBe(
      'spike strength θ'
    )
  })

  it('name a path the kind cannot vary, a swept value its schema refuses, and too many runs', () => {
    expect(
      errorsOf({ kind: 'effectiveness', sweep: { fields: [{ path: 'thetaa', values: [1] }] } })[0]
    ).toMatchObject({
      field: 'sweep.fields.0.path',
      message: expect.stringMatching(
        /^thetaa is not a field an effectiveness sweep can vary; it can vary: d, m, k, theta, /
      )
    })
    expect(
      errorsOf({ kind: 'effectiveness', sweep: { fields: [{ path: 'theta', values: [1, -2] }] } })
    ).toEqual([
      {
        field: 'sweep.fields.0.values.1',
        message: 'θ = -2: Spike strength θ must be at least 0'
      }
    ])
    expect(
      errorsOf({
        kind: 'effectiveness',
        sweep: { fields: [{ path: 'theta', range: { from: 0, to: 10, steps: 200 } }], seeds: 3 }
      })[0].message
    ).toMatch(/this sweep has 600 runs .* at most 500/)
    expect(
      errorsOf({
        kind: 'effectiveness',
        thetaa: 1,
        sweep: { fields: [{ path: 'm', values: [10] }] }
      })[0].field
    ).toBe('thetaa')
    expect(errorsOf({ kind: 'effectiveness' })).toEqual([
      { field: 'sweep', message: 'sweep is required' }
    ])
  })

  it('give each child the base with its point and its own seed, as a valid config', () => {
    const config = parseSweepConfig({
      kind: 'finetune',
      m: 300,
      sweep: {
        fields: [
          { path: 'train.optimizer', values: ['sgd', 'adam'] },
          { path: 'theta', values: [0, 2] }
        ],
        seeds: 2
      }
    })
    const children = childConfigs(config)
    expect(children).toHaveLength(8)
    expect(children.map((c) => [c.point, c.replicate])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [2, 0],
      [2, 1],
      [3, 0],
      [3, 1]
    ])
    for (const c of children) {
      expect(c.config.kind).toBe('finetune')
      expect(c.config.m).toBe(300)
      expect(c.config.seed).toBe(c.seed)
    }
    expect(children[5].config).toMatchObject({ theta: 0, train: { optimizer: 'adam' } })
  })
})
