import { describe, expect, it } from 'vitest'
import { aggregate } from '@shared/sweep'
import { aggregateWords, shownName } from './entryWords'

describe('aggregateWords', () => {
  it('prints a group’s key result as its mean, t-interval and n, and says why a seed has none', () => {
    const key = { label: 'λ50 ratio', ...aggregate([2, 3, null, 4]) }
    const words = aggregateWords(key)!
    expect(words.value).toBe('3')
    expect(words.n).toBe('n = 3 of 4')
    // t(0.975, 2) = 4.3027, sd = 1: the half-width is 4.3027 / √3 = 2.484.
    expect(words.interval).toBe('[0.516, 5.48]')
    expect(words.title).toContain('t(0.975, 2) · sd / √3')
    expect(words.title).toContain(
      '1 done run has no value (a λ50 beyond the λ grid, or a backdoored λ50 of 0, leaves the ratio undefined)'
    )
    const one = aggregateWords({ label: 'advantage', ...aggregate([0.2]) })!
    expect(one).toMatchObject({ value: '0.2', interval: '', n: 'n = 1' })
    expect(one.title).toContain('one seed: no interval across seeds')
    expect(aggregateWords({ label: 'advantage', ...aggregate([null]) })).toBeNull()
  })
})

describe('shownName', () => {
  it('drops what the row’s parent or the Kind column already says, and keeps the rest', () => {
    const name = 'Backdoor effectiveness: synthetic, d=20, θ=4, seed 1'
    // The Kind column says the kind: the row does not repeat it; without the column it does.
    expect(shownName(name, 'effectiveness', true)).toBe('synthetic, d=20, θ=4, seed 1')
    expect(shownName(name, 'effectiveness', false)).toBe(name)
    // Inside a sweep or seed group: what follows its name, without the joining punctuation.
    expect(shownName(`${name}, point 2`, 'effectiveness', true, name)).toBe('point 2')
    // A name equal to its parent's, or not starting with it, is shown as at the top level.
    expect(shownName(name, 'effectiveness', true, name)).toBe('synthetic, d=20, θ=4, seed 1')
    expect(shownName('my run', 'effectiveness', true, name)).toBe('my run')
  })
})
