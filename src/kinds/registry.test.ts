import { describe, expect, it } from 'vitest'
import { ConfigError, lambdaValues } from '../shared/schema'
import { effectivenessDefaults } from './effectiveness/config'
import { parseExperimentConfig } from './registry'

function errorsOf(input: unknown) {
  try {
    parseExperimentConfig(input)
  } catch (error) {
    if (error instanceof ConfigError) return error.errors
    throw error
  }
  throw new Error('expected the config to be refused')
}

describe('experiment config', () => {
  it('fills every missing field with the documented default', () => {
    const { kind, ...defaults } = effectivenessDefaults
    expect(parseExperimentConfig({ kind })).toEqual({ kind, ...defaults })
  })

  it.each([
    [{ d: 2.5 }, 'd', 'Input dimension d must be a whole number'],
    [{ d: null }, 'd', 'Input dimension d is required'],
    [{ m: '2000' }, 'm', 'Hidden width m must be a number'],
    [{ m: 0 }, 'm', 'Hidden width m must be at least 1'],
    [{ theta: -1 }, 'theta', 'Spike strength θ must be at least 0'],
    [{ k: 200 }, 'k', 'k must be at most d (got k=200, d=100)'],
    [
      { lambdas: { from: 3, to: 1, steps: 5 } },
      'lambdas.to',
      'The largest trigger scale λ₁ must be greater than the smallest λ₀'
    ],
    [{ lambdas: { from: 0, to: 1, steps: 1 } }, 'lambdas.steps', 'Steps must be at least 2'],
    [{ seed: 2 ** 32 }, 'seed', 'Seed must be at most 4294967295'],
    [{ target: 0 }, 'target', 'target must be 1 or -1'],
    [
      { m: 100_000, n: 2000 },
      'm',
      'm times the larger of n and nTest must be at most 64,000,000 (memory per score matrix)'
    ]
  ])('refuses %j naming the field and the rule', (change, field, message) => {
    expect(errorsOf({ kind: 'effectiveness', ...change })).toContainEqual({ field, message })
  })

  it('refuses an unknown kind by naming the kinds there are', () => {
    expect(errorsOf({ kind: 'nope' })[0].message).toMatch(
      /kind must be one of: 'effectiveness', 'finetune', 'universality'/
    )
  })

  it('lambda grids include both ends with even steps', () => {
    expect(lambdaValues({ from: 0, to: 8, steps: 17 })).toEqual(
      Array.from({ length: 17 }, (_, i) => i / 2)
    )
    const odd = lambdaValues({ from: 0.1, to: 0.7, steps: 3 })
    expect(odd[2]).toBe(0.7)
    expect(odd[1]).toBeCloseTo(0.4, 12)
  })
})

describe('universality config: the witness input', () => {
  it('keeps an old config’s explicit witnessIndex, 0 included, as the input it named', () => {
    for (const witnessIndex of [0, 12]) {
      expect(parseExperimentConfig({ kind: 'universality', witnessIndex })).toMatchObject({
        witnessIndex
      })
    }
  })

  it('accepts a config without witnessIndex and adds none (the lab then picks the input)', () => {
    expect(parseExperimentConfig({ kind: 'universality' })).not.toHaveProperty('witnessIndex')
  })

  it('refuses a witnessIndex that is not a whole number at least 0', () => {
    expect(errorsOf({ kind: 'universality', witnessIndex: -1 })).toContainEqual({
      field: 'witnessIndex',
      message: 'Witness input x must be at least 0'
    })
  })
})

describe('unknown fields', () => {
  it('refuses a misspelt field by name and suggests the one meant', () => {
    let error: unknown
    try {
      parseExperimentConfig({ kind: 'effectiveness', thetaa: 9 })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).errors).toEqual([
      { field: 'thetaa', message: 'thetaa: unknown field; did you mean theta?' }
    ])
  })

  it('looks inside nested fields and data sets, and lists the fields when nothing is close', () => {
    const fields = (input: unknown) => {
      try {
        parseExperimentConfig(input)
        return []
      } catch (e) {
        return (e as ConfigError).errors
      }
    }
    expect(fields({ kind: 'finetune', train: { learningrate: 0.1 } })).toEqual([
      {
        field: 'train.learningrate',
        message: 'train.learningrate: unknown field; did you mean train.learningRate?'
      }
    ])
    expect(fields({ kind: 'finetune', dataset: { kind: 'iris', positiveClas: 1 } })[0]).toEqual({
      field: 'dataset.positiveClas',
      message: 'dataset.positiveClas: unknown field; did you mean dataset.positiveClass?'
    })
    expect(fields({ kind: 'universality', zzz: 1 })[0].message).toMatch(
      /^zzz: unknown field; the fields are: kind, dataset, d, /
    )
  })

  it('reads a saved config that carries a field this version does not know, dropping it', () => {
    const saved = { ...parseExperimentConfig({ kind: 'effectiveness' }), removedField: 3 }
    expect(parseExperimentConfig(saved, { strict: false })).not.toHaveProperty('removedField')
  })
})
