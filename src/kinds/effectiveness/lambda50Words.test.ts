/**
 * λ50 and the λ50 ratio in words, from stored metrics: the intervals as the bootstrap left them
 * (an open bound reads "open", never a number), the share of resamples that missed ½, and what
 * the intervals cover.
 */
import { describe, expect, it } from 'vitest'
import type { MetricRecord } from '../../shared/results'
import {
  bootstrapInterval,
  effectivenessSentence,
  lambda50Fact,
  openBoundHint
} from './lambda50Words'
import { effectivenessHighlights } from './summary'

const m = (
  model: string,
  name: string,
  value: number | null,
  lower?: number | null,
  upper?: number | null
): MetricRecord => ({ model, name, value, lower, upper })

const config = { theta: 4, nTest: 2000, lambdas: { from: 0, to: 8, steps: 17 } }
const bootstrapped: MetricRecord[] = [
  m('clean', 'lambda50', 3.08, 2.96, 3.18),
  m('backdoored', 'lambda50', 1.46, 1.39, 1.53),
  m('run', 'lambda50Ratio', 2.11, 2.03, 2.19),
  m('clean', 'lambda50Undefined', 0),
  m('backdoored', 'lambda50Undefined', 0),
  m('run', 'lambda50RatioUndefined', 0),
  m('run', 'bootstrapResamples', 1000),
  m('theory', 'lambda50Ratio', 2.09)
]
const replace = (records: MetricRecord[], ...changed: MetricRecord[]) => [
  ...records.filter((r) => !changed.some((c) => c.model === r.model && c.name === r.name)),
  ...changed
]
const COVERAGE =
  'Intervals: 95% percentile bootstrap over the 2,000 held-out inputs of this one pair of networks (B = 1,000 resamples, both networks resampled together), not over the key, the weights or the training data.'

describe('effectivenessSentence', () => {
  it('gives λ50 of both networks and the ratio with their intervals, and what the intervals cover', () => {
    expect(effectivenessSentence({ metrics: bootstrapped, config })).toBe(
      `ASR reaches ½ for the backdoored network at λ50 = 1.46 [1.39, 1.53] and for the clean one at λ50 = 3.08 [2.96, 3.18]. The backdoor needs a trigger 2.11 [2.03, 2.19] times smaller (the λ50 ratio, clean ÷ backdoored). ${COVERAGE}`
    )
  })

  it('leaves an open bound open and says how often resamples missed ½', () => {
    const metrics = replace(
      bootstrapped,
      m('clean', 'lambda50', 7.1, 6.6, null),
      m('clean', 'lambda50Undefined', 0.041),
      m('run', 'lambda50Ratio', 4.86, 4.4, null),
      m('run', 'lambda50RatioUndefined', 0.041)
    )
    expect(effectivenessSentence({ metrics, config })).toBe(
      `ASR reaches ½ for the backdoored network at λ50 = 1.46 [1.39, 1.53] and for the clean one at λ50 = 7.1 [6.6, open]. The backdoor needs a trigger 4.86 [4.4, open] times smaller (the λ50 ratio, clean ÷ backdoored). The clean network's λ50 is not reached on the grid in 4.1% of the resamples, so its upper bound is open. The ratio is undefined (a λ50 not reached on the grid) in 4.1% of the resamples, so its upper bound is open. ${COVERAGE}`
    )
  })

  it('says a few resamples that missed ½ were too few to open a bound', () => {
    const metrics = replace(bootstrapped, m('clean', 'lambda50Undefined', 0.003))
    expect(effectivenessSentence({ metrics, config })).toContain(
      "The clean network's λ50 is not reached on the grid in 0.3% of the resamples, too few to open a bound."
    )
  })

  it('says when a network does not reach ½ on the grid, and that the ratio is then undefined', () => {
    const metrics = replace(
      bootstrapped,
      m('clean', 'lambda50', null, null, null),
      m('clean', 'lambda50Undefined', 1),
      m('run', 'lambda50Ratio', null, null, null),
      m('run', 'lambda50RatioUndefined', 1)
    )
    expect(effectivenessSentence({ metrics, config })).toBe(
      `ASR reaches ½ for the backdoored network at λ50 = 1.46 [1.39, 1.53]; for the clean one it does not on the grid (λ ≤ 8). The λ50 ratio is undefined: a network that does not reach ½ on the grid has no λ50. ${COVERAGE}`
    )
  })

  it('at θ = 0 says the two networks are one and the ratio is 1 by construction', () => {
    const metrics = replace(
      bootstrapped,
      m('backdoored', 'lambda50', 3.08, 2.96, 3.18),
      m('run', 'lambda50Ratio', 1, 1, 1)
    )
    expect(effectivenessSentence({ metrics, config: { ...config, theta: 0 } })).toBe(
      `At θ = 0 the two networks are the same: both reach ASR ½ at λ50 = 3.08 [2.96, 3.18], a λ50 ratio of 1 by construction. ${COVERAGE}`
    )
  })

  it('shows a run made before the bootstrap with its point values only, and nothing before λ50 is measured', () => {
    const older = [
      m('clean', 'lambda50', 3.08),
      m('backdoored', 'lambda50', 1.46),
      m('run', 'lambda50Ratio', 2.11)
    ]
    expect(effectivenessSentence({ metrics: older, config })).toBe(
      'ASR reaches ½ for the backdoored network at λ50 = 1.46 and for the clean one at λ50 = 3.08. The backdoor needs a trigger 2.11 times smaller (the λ50 ratio, clean ÷ backdoored).'
    )
    expect(effectivenessSentence({ metrics: [], config })).toBeNull()
  })
})

describe('bootstrapInterval and the cards', () => {
  it('prints an open bound as "open", and no interval when both are open or there was no bootstrap', () => {
    const open = replace(bootstrapped, m('clean', 'lambda50', 7.1, 6.6, null))
    expect(bootstrapInterval(lambda50Fact({ metrics: open, config }, 'clean'))).toBe('[6.6, open]')
    const none = replace(bootstrapped, m('clean', 'lambda50', null, null, null))
    expect(bootstrapInterval(lambda50Fact({ metrics: none, config }, 'clean'))).toBeNull()
    const older = [m('clean', 'lambda50', 3.08, 2.9, 3.2)]
    expect(bootstrapInterval(lambda50Fact({ metrics: older, config }, 'clean'))).toBeNull()
  })

  it('says in a table cell how often resamples missed ½ and which bound that opened', () => {
    const fact = (metrics: MetricRecord[]) => lambda50Fact({ metrics, config }, 'clean')
    const open = replace(
      bootstrapped,
      m('clean', 'lambda50', 7.1, 6.6, null),
      m('clean', 'lambda50Undefined', 0.39)
    )
    expect(openBoundHint(fact(open))).toBe('undefined in 39% of resamples: upper bound open')
    const few = replace(bootstrapped, m('clean', 'lambda50Undefined', 0.003))
    expect(openBoundHint(fact(few))).toBe('undefined in 0.3% of resamples: no bound open')
    expect(openBoundHint(fact(bootstrapped))).toBeNull()
  })

  it('puts each interval beside its own number on the λ50 and ratio cards', () => {
    const cards = effectivenessHighlights({ metrics: bootstrapped, config })
    expect(cards[0].entries).toEqual([
      { word: 'backdoored', value: '1.46', interval: '[1.39, 1.53]' },
      { word: 'clean', value: '3.08', interval: '[2.96, 3.18]' }
    ])
    expect(cards[0].note).toBe('95% bootstrap intervals over the held-out inputs.')
    expect(cards[1].entries[0]).toEqual({
      word: 'measured',
      value: '2.11',
      interval: '[2.03, 2.19]'
    })
    expect(cards[1].entries[1]).toEqual({ word: 'large-width theory', value: '2.09' })
  })
})
