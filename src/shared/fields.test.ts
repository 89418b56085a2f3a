import { describe, expect, it } from 'vitest'
import { effectivenessConfigSchema } from '../kinds/effectiveness/config'
import { finetuneConfigSchema } from '../kinds/finetune/config'
import { universalityConfigSchema } from '../kinds/universality/config'
import { configWords, describeField, fieldName } from './fields'

describe('describeField: what the schema says of a field', () => {
  it('reads a nested number field with its words and bounds', () => {
    const f = describeField(finetuneConfigSchema, 'train.learningRate')
    expect(f).toMatchObject({
      type: 'number',
      optional: false,
      meta: { label: 'Learning rate', symbol: 'η', step: 'any', min: 0, max: 100 }
    })
  })

  it('tells whole numbers, choices, flags and multiple choices apart', () => {
    expect(describeField(effectivenessConfigSchema, 'lambdas.steps')?.meta.step).toBe('1')
    expect(describeField(effectivenessConfigSchema, 'target')).toMatchObject({
      type: 'choice',
      values: [1, -1]
    })
    expect(describeField(finetuneConfigSchema, 'train.optimizer')).toMatchObject({
      type: 'choice',
      values: ['adam', 'sgd', 'momentum'],
      meta: { options: { momentum: 'SGD + momentum' } }
    })
    expect(describeField(universalityConfigSchema, 'backdoored')?.type).toBe('boolean')
    expect(describeField(finetuneConfigSchema, 'train.parameters')).toMatchObject({
      type: 'choices',
      values: ['G', 'tau', 'a']
    })
  })

  it('marks fields that may be left out, and keeps a kind’s own help over the shared one', () => {
    expect(describeField(universalityConfigSchema, 'witnessIndex')?.optional).toBe(true)
    expect(describeField(universalityConfigSchema, 'theta')?.meta).toMatchObject({
      label: 'Spike strength',
      help: expect.stringContaining('Ignored by a clean encoder')
    })
    expect(describeField(effectivenessConfigSchema, 'theta')?.meta.help).toContain(
      'θ = 0 is the clean network'
    )
  })

  it('finds no field where the schema has none', () => {
    expect(describeField(effectivenessConfigSchema, 'thetaa')).toBeUndefined()
    expect(describeField(effectivenessConfigSchema, 'lambdas.by')).toBeUndefined()
  })

  it('names a field with its symbol, as a sentence does', () => {
    expect(fieldName({ label: 'Hidden width', symbol: 'm' })).toBe('hidden width m')
    expect(fieldName({ label: 'Seed', symbol: 'seed' })).toBe('seed')
  })
})

describe('configWords: a config row in the form’s words', () => {
  it('names a field by its label (and symbol) and a choice by its words', () => {
    expect(configWords(finetuneConfigSchema, 'train.optimizer', 'momentum')).toEqual({
      label: 'Optimiser',
      value: 'SGD + momentum'
    })
    expect(configWords(effectivenessConfigSchema, 'lambdas.to', 8)).toEqual({
      label: 'To λ₁',
      value: '8'
    })
    expect(configWords(effectivenessConfigSchema, 'tauRule', 'trainingError')).toEqual({
      label: 'Threshold rule τ',
      value: 'Minimise training error'
    })
    expect(configWords(finetuneConfigSchema, 'dataset.kind', 'mnist').label).toBe('Data set')
    expect(configWords(finetuneConfigSchema, 'dataset.labels', 'teacher').value).toBe(
      'Random ReLU teacher'
    )
    expect(configWords(effectivenessConfigSchema, 'seed', 3).label).toBe('Seed')
  })

  it('keeps the key of a field the schema does not know', () => {
    expect(configWords(effectivenessConfigSchema, 'removed.field', 1)).toEqual({
      label: 'removed.field',
      value: '1'
    })
  })
})
