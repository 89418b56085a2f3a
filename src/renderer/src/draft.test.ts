import { describe, expect, it } from 'vitest'
import { effectivenessDefaults } from '@kinds/effectiveness/config'
import { finetuneConfigSchema, finetuneDefaults } from '@kinds/finetune/config'
import {
  draftFromConfig,
  finetuneConfigFromDraft,
  finetuneDraftFromConfig,
  type FinetuneDraft
} from './draft'

const shared = draftFromConfig(effectivenessDefaults)
const defaults = () => finetuneDraftFromConfig(finetuneDefaults)
const parse = (f: FinetuneDraft, d?: number) =>
  finetuneConfigSchema.safeParse(finetuneConfigFromDraft(shared, f, d))

describe('finetuneConfigFromDraft', () => {
  it('gives the schema defaults back from the default drafts', () => {
    const parsed = parse(defaults())
    expect(parsed.success).toBe(true)
    expect(parsed.data).toEqual(finetuneConfigSchema.parse({ kind: 'finetune' }))
  })

  it('round-trips a config through the draft', () => {
    const config = finetuneConfigSchema.parse({
      kind: 'finetune',
      dataset: { kind: 'mnist', positiveDigit: 3, negativeDigit: 8 },
      testFraction: 0.2,
      trackLambda: 3,
      train: { parameters: ['G', 'a'], optimizer: 'momentum', momentum: 0.5, scaleGByM: true }
    })
    const parsed = parse(finetuneDraftFromConfig(config), config.d)
    expect(parsed.data).toEqual(config)
  })

  it('leaves hidden fields out: n and n_test for real data, testFraction for synthetic data', () => {
    const iris = { ...defaults(), datasetKind: 'iris' as const, testFraction: 0.5 }
    const real = finetuneConfigFromDraft({ ...shared, n: '', nTest: 'x' }, iris, 4)
    expect(real).not.toHaveProperty('n')
    expect(real).not.toHaveProperty('nTest')
    expect(real.d).toBe(4)
    expect(real.testFraction).toBe(0.5)
    const synthetic = finetuneConfigFromDraft(shared, { ...defaults(), testFraction: '' })
    expect(synthetic).not.toHaveProperty('testFraction')
    expect(synthetic.d).toBe(effectivenessDefaults.d)
  })

  it('sends momentum only for SGD + momentum', () => {
    const adam = finetuneConfigFromDraft(shared, { ...defaults(), momentum: '' })
    expect(adam.train).not.toHaveProperty('momentum')
    const momentum = finetuneConfigFromDraft(shared, {
      ...defaults(),
      optimizer: 'momentum',
      momentum: 0.8
    })
    expect((momentum.train as { momentum: number }).momentum).toBe(0.8)
  })

  it('names a CSV data set by id, label column and optional positive label', () => {
    const csv = {
      ...defaults(),
      datasetKind: 'csv' as const,
      datasetId: 7,
      labelColumn: 'species',
      positiveLabel: '  setosa '
    }
    expect(finetuneConfigFromDraft(shared, csv).dataset).toEqual({
      kind: 'csv',
      datasetId: 7,
      labelColumn: 'species',
      positiveLabel: 'setosa'
    })
    const noFile = parse({ ...csv, datasetId: null }, undefined)
    expect(noFile.error?.issues.map((i) => i.path.join('.'))).toContain('dataset.datasetId')
  })

  it('reports unchecked parameters and equal digits on their fields', () => {
    const none = parse({ ...defaults(), parameters: { G: false, tau: false, a: false } })
    expect(none.error?.issues.map((i) => i.path.join('.'))).toEqual(['train.parameters'])
    const same = parse(
      { ...defaults(), datasetKind: 'mnist', positiveDigit: 4, negativeDigit: 4 },
      784
    )
    expect(same.error?.issues.map((i) => i.path.join('.'))).toEqual(['dataset.negativeDigit'])
  })
})
