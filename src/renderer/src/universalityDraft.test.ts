import { describe, expect, it } from 'vitest'
import { universalityConfigSchema, universalityDefaults } from '@kinds/universality/config'
import {
  checkedDigits,
  universalityConfigFromDraft,
  universalityDraftFromConfig,
  type UniversalityDraft
} from './draft'

const defaults = () => universalityDraftFromConfig(universalityDefaults)
const parse = (u: UniversalityDraft, d?: number) =>
  universalityConfigSchema.safeParse(universalityConfigFromDraft(u, d))
const fieldsOf = (u: UniversalityDraft, d?: number) =>
  parse(u, d).error?.issues.map((i) => i.path.join('.')) ?? []

describe('universalityConfigFromDraft', () => {
  it('gives the schema defaults back from the default draft', () => {
    const parsed = parse(defaults())
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
    const { n: _n, nTest: _nTest, ...sent } = config
    expect(universalityConfigFromDraft(universalityDraftFromConfig(config), 784)).toEqual(sent)
    expect(parse(universalityDraftFromConfig(config), 784).data).toEqual(config)
  })

  it('sends d, n and n_test for the mixture, testFraction and the data’s d for real data', () => {
    const mixture = universalityConfigFromDraft({ ...defaults(), testFraction: '' })
    expect(mixture).toMatchObject({ d: 50, n: 2000, nTest: 2000 })
    expect(mixture).not.toHaveProperty('testFraction')
    const iris = universalityConfigFromDraft({ ...defaults(), datasetKind: 'iris', n: '' }, 4)
    expect(iris).toMatchObject({ dataset: { kind: 'iris' }, d: 4, testFraction: 0.3 })
    expect(iris).not.toHaveProperty('n')
    expect(iris).not.toHaveProperty('nTest')
  })

  it('leaves an empty witness input out, so the lab picks it, and sends a typed one', () => {
    expect(defaults().witnessIndex).toBe('')
    expect(universalityConfigFromDraft(defaults())).not.toHaveProperty('witnessIndex')
    expect(universalityConfigFromDraft({ ...defaults(), witnessIndex: 0 }).witnessIndex).toBe(0)
  })

  it('leaves an empty witness target out, so the witness uses the target', () => {
    expect(universalityConfigFromDraft(defaults())).not.toHaveProperty('witnessTarget')
    expect(universalityConfigFromDraft({ ...defaults(), witnessTarget: 2 }).witnessTarget).toBe(2)
  })

  it('makes the checked digits the classes, in increasing order', () => {
    const digits = Array.from({ length: 10 }, (_, i) => i === 8 || i === 3 || i === 5)
    const u = { ...defaults(), datasetKind: 'mnist' as const, digits }
    expect(checkedDigits(u)).toEqual([3, 5, 8])
    expect(universalityConfigFromDraft(u, 784).dataset).toEqual({
      kind: 'mnist',
      digits: [3, 5, 8]
    })
    const one = { ...u, digits: digits.map((_, i) => i === 3) }
    expect(fieldsOf(one, 784)).toEqual(['dataset.digits'])
  })

  it('reports a target outside the mixture’s classes and empty fields on their own fields', () => {
    expect(fieldsOf({ ...defaults(), target: 3 })).toEqual(['target'])
    expect(parse({ ...defaults(), target: 3 }).error?.issues[0].message).toBe(
      'target must be a class below L (got target=3, L=3)'
    )
    expect(fieldsOf({ ...defaults(), randomHeads: '', headEpochs: 0 })).toEqual([
      'randomHeads',
      'head.epochs'
    ])
  })
})
