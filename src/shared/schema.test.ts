import { describe, expect, it } from 'vitest'
import { fieldMeta } from './fields'
import { gridSchema, lambdaGridSchema } from './schema'

const messages = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []

describe('gridSchema', () => {
  const grid = gridSchema(
    'widths',
    { min: 1, max: 100, maxSteps: 5 },
    {
      quantity: 'width',
      from: { label: 'Narrowest', symbol: 'w₀' },
      to: { label: 'Widest', symbol: 'w₁' },
      steps: { label: 'Widths', help: 'How many.' }
    }
  )

  it('says every error of a grid in its own words', () => {
    expect(messages(grid.safeParse({ from: 0, to: 101, steps: 6 }))).toEqual([
      'from: Narrowest w₀ must be at least 1',
      'to: Widest w₁ must be at most 100',
      'steps: Widths must be at most 5'
    ])
    expect(messages(grid.safeParse({ from: 'a', steps: 2.5 }))).toEqual([
      'from: Narrowest w₀ must be a number',
      'to: Widest w₁ is required',
      'steps: Widths must be a whole number'
    ])
    expect(messages(grid.safeParse({ from: 3, to: 4, steps: 1 }))).toEqual([
      'steps: Widths must be at least 2'
    ])
    // A grid must rise: said at its largest value.
    expect(messages(grid.safeParse({ from: 3, to: 3, steps: 2 }))).toEqual([
      'to: The largest width w₁ must be greater than the smallest w₀'
    ])
    expect(grid.parse({ from: 1, to: 100, steps: 5 })).toEqual({ from: 1, to: 100, steps: 5 })
  })

  it('gives each field its words and bounds for the form', () => {
    expect(fieldMeta.get(grid.shape.from)).toMatchObject({ label: 'Narrowest', min: 1, max: 100 })
    expect(fieldMeta.get(grid.shape.steps)).toMatchObject({ label: 'Widths', step: '1', max: 5 })
  })

  it('builds the λ grid with the words its errors have always had', () => {
    expect(messages(lambdaGridSchema.safeParse({ from: -1, to: 2, steps: 402 }))).toEqual([
      'from: From λ₀ must be at least 0',
      'steps: Steps must be at most 401'
    ])
    expect(messages(lambdaGridSchema.safeParse({ from: 2, to: 1, steps: 3 }))).toEqual([
      'to: The largest trigger scale λ₁ must be greater than the smallest λ₀'
    ])
  })
})
