import { describe, expect, it } from 'vitest'
import { configFromDraft, initialDraft, type Draft } from '../../shared/form'
import { universalityConfigSchema } from './config'
import { checkedDigits, universalityForm } from './form'
import { universality } from './index'

const start = (): Draft =>
  initialDraft(universality.schema, universality.defaults, universalityForm)
const toConfig = (draft: Draft, d?: number) =>
  configFromDraft('universality', universality.schema, universalityForm, draft, {
    dataDimension: d === undefined ? null : { d, what: 'the data' },
    classCount: null
  })
const parse = (draft: Draft, d?: number) => universalityConfigSchema.safeParse(toConfig(draft, d))
const fieldsOf = (draft: Draft, d?: number) =>
  parse(draft, d).error?.issues.map((i) => i.path.join('.')) ?? []

describe('the universality form: draft to config', () => {
  it('gives the schema defaults back from the default draft', () => {
    const parsed = parse(start())
    expect(parsed.success).toBe(true)
    expect(parsed.data).toEqual(universalityConfigSchema.parse({ kind: 'universality' }))
  })

  it('round-trips a config through the draft', () => {
    const config = universalityConfigSchema.parse({
      kind: 'universality',
      dataset: { kind: 'mnist', digits: [1, 4, 7] },
      d: 784,
      testFraction: 0.25,
      backdoored: false,
      target: 2,
      witnessIndex: 9,
      witnessTarget: 1,
      head: { epochs: 50, learningRate: 0.05, l2: 0 }
    })
    const draft = { ...start(), ...initialDraft(universality.schema, config, universalityForm) }
    const { n: _n, nTest: _nTest, ...sent } = config
    expect(toConfig(draft, 784)).toEqual(sent)
    expect(parse(draft, 784).data).toEqual(config)
  })

  it('sends d, n and n_test for the mixture, testFraction and the data’s d for real data', () => {
    const mixture = toConfig({ ...start(), testFraction: '' })
    expect(mixture).toMatchObject({ d: 50, n: 2000, nTest: 2000 })
    expect(mixture).not.toHaveProperty('testFraction')
    const iris = toConfig({ ...start(), 'dataset.kind': 'iris', n: '' }, 4)
    expect(iris).toMatchObject({ dataset: { kind: 'iris' }, d: 4, testFraction: 0.3 })
    expect(iris).not.toHaveProperty('n')
    expect(iris).not.toHaveProperty('nTest')
  })

  it('leaves an empty witness input out, so the lab picks it, and sends a typed one', () => {
    expect(start().witnessIndex ?? '').toBe('')
    expect(toConfig({ ...start(), witnessIndex: '' })).not.toHaveProperty('witnessIndex')
    expect(toConfig({ ...start(), witnessIndex: 0 }).witnessIndex).toBe(0)
  })

  it('leaves an empty witness target out, so the witness uses the target', () => {
    expect(toConfig({ ...start(), witnessTarget: ' ' })).not.toHaveProperty('witnessTarget')
    expect(toConfig({ ...start(), witnessTarget: 2 }).witnessTarget).toBe(2)
  })

  it('makes the checked digits the classes, in increasing order', () => {
    const draft = { ...start(), 'dataset.kind': 'mnist', 'dataset.digits': [8, 3, 5] }
    expect(checkedDigits(draft)).toEqual([3, 5, 8])
    const one = { ...draft, 'dataset.digits': [3] }
    expect(fieldsOf(one, 784)).toEqual(['dataset.digits'])
  })

  it('reports a target outside the mixture’s classes and empty fields on their own fields', () => {
    expect(fieldsOf({ ...start(), target: 3 })).toEqual(['target'])
    expect(parse({ ...start(), target: 3 }).error?.issues[0].message).toBe(
      'target must be a class below L (got target=3, L=3)'
    )
    expect(fieldsOf({ ...start(), randomHeads: '', 'head.epochs': 0 })).toEqual([
      'randomHeads',
      'head.epochs'
    ])
  })

  it('offers the head optimiser and the accuracy margin, and names the margin when it is out of range', () => {
    expect(start()['head.optimizer']).toBe('adam')
    expect(start().accuracyMargin).toBe(0.05)
    const chosen = toConfig({ ...start(), 'head.optimizer': 'gd', accuracyMargin: 0.1 })
    expect(chosen).toMatchObject({ head: { optimizer: 'gd' }, accuracyMargin: 0.1 })
    expect(fieldsOf({ ...start(), accuracyMargin: 1.5 })).toEqual(['accuracyMargin'])
    expect(parse({ ...start(), accuracyMargin: -0.1 }).error?.issues[0].message).toMatch(
      /^Accuracy match margin must be/
    )
    expect(fieldsOf({ ...start(), 'head.optimizer': 'sgd' })).toEqual(['head.optimizer'])
    expect(parse({ ...start(), 'head.optimizer': 'sgd' }).error?.issues[0].message).toBe(
      "head.optimizer must be 'adam' or 'gd'"
    )
  })
})
