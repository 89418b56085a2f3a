import { describe, expect, it } from 'vitest'
import { universalityConfigSchema, type UniversalityConfig } from '@kinds/universality/config'
import { classLabel, configuredClasses, l2Twin, TWIN_SUFFIX, witnessRerun } from './classes'

const parse = (input: Record<string, unknown>): UniversalityConfig =>
  universalityConfigSchema.parse({ kind: 'universality', ...input })

describe('l2Twin', () => {
  it('runs the mixture at L = 2 with the target clamped to 0/1, naming its original', () => {
    const config = parse({ dataset: { kind: 'mixture', L: 5, spread: 0.7 }, target: 3 })
    const plan = l2Twin({ id: 12, name: 'five classes', config })
    expect(plan).toMatchObject({ ok: true, name: `five classes${TWIN_SUFFIX}` })
    if (!plan.ok) return
    expect(plan.config).toEqual({
      ...config,
      dataset: { kind: 'mixture', L: 2, spread: 0.7 },
      target: 1,
      twinOf: 12
    })
    expect(universalityConfigSchema.safeParse(plan.config).success).toBe(true)
  })

  it('keeps target 0 and clamps an explicit witness target', () => {
    const plan = l2Twin({ id: 1, name: 'r', config: parse({ target: 0, witnessTarget: 2 }) })
    expect(plan.ok && [plan.config.target, plan.config.witnessTarget]).toEqual([0, 1])
  })

  it('inherits an automatic witness input (each side picks its own) and an explicit one as it is', () => {
    const automatic = l2Twin({ id: 1, name: 'r', config: parse({}) })
    expect(automatic.ok && automatic.config).not.toHaveProperty('witnessIndex')
    const explicit = l2Twin({ id: 1, name: 'r', config: parse({ witnessIndex: 0 }) })
    expect(explicit.ok && explicit.config.witnessIndex).toBe(0)
  })

  it('runs MNIST with the first two chosen digits', () => {
    const config = parse({ dataset: { kind: 'mnist', digits: [3, 5, 8] }, target: 2 })
    const plan = l2Twin({ id: 4, name: 'digits', config })
    expect(plan.ok && plan.config.dataset).toEqual({ kind: 'mnist', digits: [3, 5] })
    expect(plan.ok && plan.config.target).toBe(1)
  })

  it('is not offered for Iris, CSV files, runs at L = 2 and twins, and says why', () => {
    const refused = [
      parse({ dataset: { kind: 'iris' } }),
      parse({ dataset: { kind: 'csv', datasetId: 3, labelColumn: 'y' } }),
      parse({ dataset: { kind: 'mixture', L: 2 } }),
      parse({ dataset: { kind: 'mnist', digits: [1, 7] } }),
      parse({ twinOf: 2 })
    ].map((config) => l2Twin({ id: 9, name: 'r', config }))
    expect(refused.map((p) => p.ok)).toEqual([false, false, false, false, false])
    expect(refused.map((p) => (p.ok ? '' : p.reason))).toEqual([
      expect.stringContaining('Iris has exactly three species'),
      expect.stringContaining('label column'),
      'This run already has L = 2 classes.',
      'This run already has L = 2 classes (two digits).',
      'This run is itself the L = 2 twin of run #2.'
    ])
  })

  it('keeps the name within the 200-character limit', () => {
    const plan = l2Twin({ id: 1, name: 'x'.repeat(200), config: parse({}) })
    expect(plan.ok && plan.name.length).toBe(200)
    expect(plan.ok && plan.name.endsWith(TWIN_SUFFIX)).toBe(true)
  })
})

describe('witnessRerun', () => {
  it('changes only the witness input and target, and is not a twin', () => {
    const config = parse({ twinOf: 5, witnessIndex: 0 })
    const next = witnessRerun({ name: 'base', config }, 17, 2)
    const { twinOf: _twinOf, ...rest } = config
    expect(next.config).toEqual({ ...rest, witnessIndex: 17, witnessTarget: 2 })
    expect(next.name).toBe('base (witness #17 → 2)')
  })

  it('replaces the witness suffix of a run that was itself a rerun', () => {
    const next = witnessRerun({ name: 'base (witness #17 → 2)', config: parse({}) }, 3, 1)
    expect(next.name).toBe('base (witness #3 → 1)')
  })
})

describe('classes', () => {
  it('counts and names the classes of each data set', () => {
    expect(configuredClasses(parse({ dataset: { kind: 'mixture', L: 4 } }))).toBe(4)
    expect(configuredClasses(parse({ dataset: { kind: 'iris' } }))).toBe(3)
    expect(configuredClasses(parse({ dataset: { kind: 'mnist', digits: [2, 4] } }))).toBe(2)
    expect(
      configuredClasses(parse({ dataset: { kind: 'csv', datasetId: 1, labelColumn: 'y' } }))
    ).toBeNull()
    expect(classLabel(parse({ dataset: { kind: 'iris' } }), 1)).toBe('1 (versicolor)')
    expect(classLabel(parse({ dataset: { kind: 'mnist', digits: [2, 4] } }), 1)).toBe('1 (digit 4)')
    expect(classLabel(parse({}), 2)).toBe('2')
  })
})
