import { describe, expect, it } from 'vitest'
import {
  againstZero,
  atChance,
  intervalsCover,
  percentText,
  pointsInterval,
  pointsText,
  rateWithInterval
} from './verdicts'

describe('atChance (SCIENCE.md section 5)', () => {
  const majority = { value: 0.513, lower: 0.491, upper: 0.535 }

  it('flags an accuracy whose interval reaches the majority-class rate', () => {
    expect(atChance({ value: 0.539, lower: 0.499, upper: 0.578 }, majority)).toBe(true)
    expect(atChance({ value: 0.478, lower: 0.438, upper: 0.519 }, majority)).toBe(true)
  })

  it('flags an accuracy below the majority-class rate: worse than the constant answer', () => {
    expect(atChance({ value: 0.3, lower: 0.26, upper: 0.34 }, majority)).toBe(true)
  })

  it('does not flag an accuracy whose whole interval lies above it', () => {
    expect(atChance({ value: 0.852, lower: 0.836, upper: 0.867 }, majority)).toBe(false)
    expect(atChance({ value: 0.56, lower: 0.514, upper: 0.6 }, majority)).toBe(false)
  })

  it('uses the value when the accuracy has no interval, and says nothing when a number is missing', () => {
    expect(atChance({ value: 0.6 }, majority)).toBe(false)
    expect(atChance({ value: 0.5 }, majority)).toBe(true)
    expect(atChance(undefined, majority)).toBeNull()
    expect(atChance({ value: 0.6 }, undefined)).toBeNull()
    expect(atChance({ value: null }, majority)).toBeNull()
  })
})

describe('againstZero', () => {
  it('says where a 95% interval lies against 0', () => {
    expect(againstZero({ value: 0.2, lower: 0.16, upper: 0.24 })).toBe('above')
    expect(againstZero({ value: -0.08, lower: -0.12, upper: -0.04 })).toBe('below')
    expect(againstZero({ value: 0.02, lower: -0.01, upper: 0.05 })).toBe('includes')
    expect(againstZero({ value: 0, lower: 0, upper: 0.05 })).toBe('includes')
    expect(againstZero({ value: 0.2 })).toBeNull()
    expect(againstZero(undefined)).toBeNull()
  })
})

describe('number words', () => {
  it('writes rates as percentages and differences in points with a true minus sign', () => {
    expect(percentText(0.852)).toBe('85.2%')
    expect(rateWithInterval({ value: 0.478, lower: 0.438, upper: 0.519 })).toBe(
      '47.8% [43.8%, 51.9%]'
    )
    expect(pointsText(-0.032)).toBe('−3.2')
    expect(pointsText(-0.0001)).toBe('0.0')
    expect(pointsInterval({ value: -0.032, lower: -0.0549, upper: -0.009 })).toBe('[−5.5, −0.9]')
    expect(pointsInterval({ value: -0.032 })).toBeNull()
  })

  it('says what an interval covers, with the number of held-out inputs when known', () => {
    expect(intervalsCover(2000)).toMatch(
      /^95% intervals cover the draw of the 2,000 held-out inputs/
    )
    expect(intervalsCover(2000)).toContain('not the key, the weights or the training data')
    expect(intervalsCover(null)).toMatch(/the held-out inputs of this one pair of networks/)
  })
})
