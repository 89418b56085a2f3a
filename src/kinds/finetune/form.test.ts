import { describe, expect, it } from 'vitest'
import { configFromDraft, initialDraft, type Draft } from '../../shared/form'
import { finetuneConfigSchema } from './config'
import { finetuneForm } from './form'
import { finetune } from './index'

const start = (): Draft => initialDraft(finetune.schema, finetune.defaults, finetuneForm)
const context = (d?: number) => ({
  dataDimension: d === undefined ? null : { d, what: 'the data' },
  classCount: null
})
const toConfig = (draft: Draft, d?: number) =>
  configFromDraft('finetune', finetune.schema, finetuneForm, draft, context(d))
const parse = (draft: Draft, d?: number) => finetuneConfigSchema.safeParse(toConfig(draft, d))

describe('the fine-tuning form: draft to config', () => {
  it('gives the schema defaults back from the default draft', () => {
    const parsed = parse(start())
    expect(parsed.success).toBe(true)
    expect(parsed.data).toEqual(finetuneConfigSchema.parse({ kind: 'finetune' }))
  })

  it('round-trips a config through the draft', () => {
    const config = finetuneConfigSchema.parse({
      kind: 'finetune',
      dataset: { kind: 'mnist', positiveDigit: 3, negativeDigit: 8 },
      d: 784,
      testFraction: 0.2,
      trackLambda: 3,
      train: { parameters: ['G', 'a'], optimizer: 'momentum', momentum: 0.5, scaleGByM: true }
    })
    const draft = {
      ...start(),
      ...initialDraft(finetune.schema, config, { ...finetuneForm, initial: {} })
    }
    expect(parse(draft, 784).data).toEqual(config)
  })

  it('leaves hidden fields out: n and n_test for real data, testFraction for synthetic data', () => {
    const iris = { ...start(), 'dataset.kind': 'iris', testFraction: 0.5, n: '', nTest: 'x' }
    const real = toConfig(iris, 4)
    expect(real).not.toHaveProperty('n')
    expect(real).not.toHaveProperty('nTest')
    expect(real.d).toBe(4)
    expect(real.testFraction).toBe(0.5)
    const synthetic = toConfig({ ...start(), testFraction: '' })
    expect(synthetic).not.toHaveProperty('testFraction')
    expect(synthetic.d).toBe(finetune.defaults.d)
  })

  it('sends momentum only for SGD + momentum', () => {
    const adam = toConfig({ ...start(), 'train.momentum': '' })
    expect(adam.train).not.toHaveProperty('momentum')
    const momentum = toConfig({ ...start(), 'train.optimizer': 'momentum', 'train.momentum': 0.8 })
    expect((momentum.train as { momentum: number }).momentum).toBe(0.8)
  })

  it('names a CSV data set by id, label column and optional positive label', () => {
    const csv = {
      ...start(),
      'dataset.kind': 'csv',
      'dataset.datasetId': 7,
      'dataset.labelColumn': 'species',
      'dataset.positiveLabel': '  setosa '
    }
    expect(toConfig(csv).dataset).toEqual({
      kind: 'csv',
      datasetId: 7,
      labelColumn: 'species',
      positiveLabel: 'setosa'
    })
    expect(toConfig({ ...csv, 'dataset.positiveLabel': ' ' }).dataset).not.toHaveProperty(
      'positiveLabel'
    )
    const noFile = parse({ ...csv, 'dataset.datasetId': null })
    expect(noFile.error?.issues.map((i) => i.path.join('.'))).toContain('dataset.datasetId')
  })

  it('reports unchecked parameters and equal digits on their fields', () => {
    const none = parse({ ...start(), 'train.parameters': [] })
    expect(none.error?.issues.map((i) => i.path.join('.'))).toEqual(['train.parameters'])
    const same = parse(
      {
        ...start(),
        'dataset.kind': 'mnist',
        'dataset.positiveDigit': 4,
        'dataset.negativeDigit': 4
      },
      784
    )
    expect(same.error?.issues.map((i) => i.path.join('.'))).toEqual(['dataset.negativeDigit'])
  })

  it('starts MNIST from digits 1 and 7, and keeps every data set’s choice while another is shown', () => {
    const draft = start()
    expect(draft['dataset.positiveDigit']).toBe(1)
    expect(draft['dataset.negativeDigit']).toBe(7)
    expect(draft['dataset.positiveClass']).toBe(2)
    expect(draft['dataset.labels']).toBe('norm')
  })
})
