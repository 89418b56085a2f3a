/**
 * The effectiveness page's headline cards and chance flag, from stored metrics: λ50 per network
 * and the λ50 ratio on separate cards, each number beside its own word.
 */
import { describe, expect, it } from 'vitest'
import type { MetricRecord } from '../../shared/results'
import { effectivenessChanceNote, effectivenessHighlights } from './summary'

const m = (model: string, name: string, value: number, lower?: number, upper?: number) => ({
  model,
  name,
  value,
  lower,
  upper
})
const older: MetricRecord[] = [
  m('clean', 'lambda50', 3.08),
  m('backdoored', 'lambda50', 1.46),
  m('run', 'lambda50Ratio', 2.11),
  m('theory', 'lambda50Ratio', 2.09),
  m('clean', 'cleanAccuracy', 0.852, 0.836, 0.867),
  m('backdoored', 'cleanAccuracy', 0.82, 0.803, 0.836),
  m('backdoored', 'spikeEnergy', 3.96, 3.65, 4.27)
]
const current: MetricRecord[] = [
  ...older,
  m('data', 'majorityRate', 0.513, 0.491, 0.535),
  m('run', 'backdoorCost', -0.032, -0.055, -0.009)
]
const run = (metrics: MetricRecord[], theta = 4) => ({ metrics, config: { theta } })

describe('effectivenessHighlights', () => {
  it('puts λ50 per network and the λ50 ratio on separate cards, each number named', () => {
    const cards = effectivenessHighlights(run(current))
    expect(cards.map((c) => c.key)).toEqual(['lambda50', 'ratio', 'accuracy', 'cost', 'spike'])
    expect(cards[0]).toMatchObject({
      title: 'λ50, the λ where ASR reaches ½',
      entries: [
        { word: 'backdoored', value: '1.46' },
        { word: 'clean', value: '3.08' }
      ]
    })
    expect(cards[1]).toMatchObject({
      title: 'λ50 ratio, clean ÷ backdoored',
      entries: [
        { word: 'measured', value: '2.11' },
        { word: 'large-width theory', value: '2.09' }
      ]
    })
    for (const c of cards) {
      for (const e of c.entries) {
        expect(e.word.trim()).not.toBe('')
        expect(e.value).not.toMatch(/\d\s*[/·]\s*\d/)
      }
    }
    expect(cards[3].entries).toEqual([
      { word: 'difference', value: '−3.2 points', interval: '[−5.5, −0.9]' }
    ])
  })

  it('leaves out the cost for runs made before it was measured, and has no cards before any metric', () => {
    expect(effectivenessHighlights(run(older)).map((c) => c.key)).toEqual([
      'lambda50',
      'ratio',
      'accuracy',
      'spike'
    ])
    expect(effectivenessHighlights(run([]))).toEqual([])
  })

  it('at θ = 0 says the cost is 0 by construction', () => {
    const cost = effectivenessHighlights(run(current, 0)).find((c) => c.key === 'cost')!
    expect(cost.entries).toEqual([{ word: 'difference', value: '0 points' }])
    expect(cost.note).toMatch(/0 by construction/)
  })
})

describe('effectivenessChanceNote', () => {
  it('flags a network whose accuracy interval reaches the majority-class rate', () => {
    const metrics = [
      ...current.filter((r) => !(r.model === 'backdoored' && r.name === 'cleanAccuracy')),
      m('backdoored', 'cleanAccuracy', 0.53, 0.49, 0.57)
    ]
    expect(effectivenessChanceNote(run(metrics))).toBe(
      "At chance: the backdoored network's clean accuracy (53.0% [49.0%, 57.0%]) does not clear the majority-class rate of the held-out labels, 51.3%. A classifier at chance has learned nothing, so its attack success rates, λ50 and the advantage mean little."
    )
    const card = effectivenessHighlights(run(metrics)).find((c) => c.key === 'accuracy')!
    expect(card.entries.map((e) => e.flag)).toEqual(['at chance', null])
  })

  it('says nothing when both networks learned, or the run did not measure the rate', () => {
    expect(effectivenessChanceNote(run(current))).toBeNull()
    expect(effectivenessChanceNote(run(older))).toBeNull()
  })
})
