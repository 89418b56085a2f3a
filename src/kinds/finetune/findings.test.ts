/**
 * The fine-tuning page's chance flag and headline cards, from stored metrics: what a run measured
 * shows, what it did not is left out, and no card holds two numbers without their own words.
 */
import { describe, expect, it } from 'vitest'
import { finetuneConfigSchema } from './config'
import type { MetricRecord, RunDetail } from '../../shared/results'
import { chanceFlags, finetuneChanceNote, finetuneHighlights, finetuneSentence } from './findings'

const config = finetuneConfigSchema.parse({ kind: 'finetune', train: { epochs: 20 } })

function run(metrics: MetricRecord[], theta = 4): RunDetail {
  return {
    id: 7,
    name: 'fixture',
    kind: 'finetune',
    status: 'done',
    seed: 1,
    backend: 'cpu',
    appVersion: '0.1.0',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:01:00.000Z',
    error: null,
    notes: '',
    tags: [],
    progress: null,
    config: { ...config, theta },
    environment: null,
    metrics,
    series: []
  }
}

const m = (model: string, name: string, value: number, lower?: number, upper?: number) => ({
  model,
  name,
  value,
  lower,
  upper
})

/** A run made before the additions: advantage, accuracy, ASR, raw spike energy, drift. */
const older: MetricRecord[] = [
  m('run', 'trackLambda', 2),
  m('run', 'epochsCompleted', 20),
  m('run', 'advantage.before', 0.36, 0.32, 0.4),
  m('run', 'advantage.after', 0.2, 0.16, 0.24),
  m('backdoored', 'cleanAccuracy.before', 0.82, 0.8, 0.84),
  m('backdoored', 'cleanAccuracy.after', 0.77, 0.75, 0.79),
  m('clean', 'cleanAccuracy.before', 0.85, 0.83, 0.87),
  m('clean', 'cleanAccuracy.after', 0.77, 0.75, 0.79),
  m('backdoored', 'attackSuccessRate.before', 0.71, 0.68, 0.74),
  m('backdoored', 'attackSuccessRate.after', 0.37, 0.34, 0.4),
  m('backdoored', 'spikeEnergy.before', 3.96, 3.65, 4.27),
  m('backdoored', 'spikeEnergy.after', 2.61, 2.3, 2.92),
  m('backdoored', 'weightDrift.after', 0.39),
  m('clean', 'weightDrift.after', 0.38)
]
/** The same run with everything measured now. */
const current: MetricRecord[] = [
  ...older,
  m('data', 'majorityRate', 0.513, 0.491, 0.535),
  m('backdoored', 'robustAccuracy.before', 0.27, 0.24, 0.3),
  m('backdoored', 'robustAccuracy.after', 0.54, 0.51, 0.57),
  m('run', 'backdoorCost.before', -0.032, -0.055, -0.009),
  m('run', 'backdoorCost.after', 0.001, -0.025, 0.027),
  m('backdoored', 'normalisedSpikeEnergy.before', 3.78),
  m('backdoored', 'normalisedSpikeEnergy.after', 1.63),
  m('backdoored', 'nullSpikeEnergy.after', -0.005, -0.158, 0.165)
]
/** Networks on a CSV with labels they cannot learn. */
const atChance: MetricRecord[] = [
  ...current.filter((r) => !r.name.startsWith('cleanAccuracy')),
  m('clean', 'cleanAccuracy.before', 0.478, 0.438, 0.519),
  m('clean', 'cleanAccuracy.after', 0.539, 0.499, 0.578),
  m('backdoored', 'cleanAccuracy.before', 0.62, 0.58, 0.66),
  m('backdoored', 'cleanAccuracy.after', 0.61, 0.57, 0.65)
]

const card = (cards: ReturnType<typeof finetuneHighlights>, key: string) =>
  cards.find((c) => c.key === key)

describe('finetuneHighlights', () => {
  it('gives every number its own word, one quantity per card', () => {
    const cards = finetuneHighlights(run(current), false)
    expect(cards.map((c) => c.key)).toEqual([
      'advantage',
      'triple',
      'cost',
      'drift',
      'spike',
      'epochs'
    ])
    for (const c of cards) {
      for (const e of c.entries) expect(e.word.trim(), `${c.key}: ${e.value}`).not.toBe('')
      // Two numbers in one entry are only ever a change before → after.
      for (const e of c.entries) expect(e.value).not.toMatch(/\d\s*[/·]\s*\d/)
    }
    expect(card(cards, 'advantage')!.entries).toEqual([
      { word: 'before', value: '0.36', interval: '[0.32, 0.40]' },
      { word: 'after', value: '0.20', interval: '[0.16, 0.24]' }
    ])
    expect(card(cards, 'advantage')!.note).toBe('Interval after still excludes 0.')
    expect(card(cards, 'triple')!.entries.map((e) => [e.word, e.value])).toEqual([
      ['clean accuracy', '82.0% → 77.0%'],
      ['ASR at λ = 2', '71.0% → 37.0%'],
      ['robust accuracy at λ = 2', '27.0% → 54.0%']
    ])
    expect(card(cards, 'cost')!.entries).toEqual([
      { word: 'before', value: '−3.2 points', interval: '[−5.5, −0.9]' },
      { word: 'after', value: '0.1 points', interval: '[−2.5, 2.7]' }
    ])
    expect(card(cards, 'spike')!.entries.map((e) => [e.word, e.value])).toEqual([
      ['along s, ÷ tr(C)/d', '3.78 → 1.63'],
      ['along s, raw sᵀCs − 1', '3.96 → 2.61'],
      ['random directions, ÷ tr(C)/d, 95%', '-0.16 to 0.17']
    ])
  })

  it('shows what a run made before the additions measured, and leaves the rest out', () => {
    const cards = finetuneHighlights(run(older), false)
    expect(card(cards, 'cost')).toBeUndefined()
    expect(card(cards, 'triple')!.entries.map((e) => e.word)).toEqual([
      'clean accuracy',
      'ASR at λ = 2'
    ])
    expect(card(cards, 'spike')!.entries.map((e) => e.word)).toEqual(['along s, raw sᵀCs − 1'])
    expect(finetuneChanceNote(run(older))).toBeNull()
  })

  it('says "now" while the run is going', () => {
    expect(card(finetuneHighlights(run(current), true), 'advantage')!.entries[1].word).toBe('now')
  })

  it('at θ = 0 says the advantage and the cost are 0 by construction instead of giving intervals', () => {
    const cards = finetuneHighlights(run(current, 0), false)
    expect(card(cards, 'advantage')!.entries).toEqual([{ word: 'every epoch', value: '0' }])
    expect(card(cards, 'advantage')!.note).toMatch(/0 by construction/)
    expect(card(cards, 'cost')!.note).toMatch(/0 by construction/)
  })
})

describe('the chance flag', () => {
  it('flags each network whose accuracy interval reaches the majority-class rate, and only those', () => {
    expect(chanceFlags(run(atChance))).toEqual({
      clean: { before: true, after: true },
      backdoored: { before: false, after: false }
    })
    expect(chanceFlags(run(current))).toEqual({
      clean: { before: false, after: false },
      backdoored: { before: false, after: false }
    })
  })

  it('says so in words with the numbers, and the sentence stops drawing a conclusion', () => {
    expect(finetuneChanceNote(run(atChance))).toBe(
      "At chance: the clean network's clean accuracy (47.8% [43.8%, 51.9%] before fine-tuning, 53.9% [49.9%, 57.8%] after) does not clear the majority-class rate of the held-out labels, 51.3%. A classifier at chance has learned nothing, so its attack success rates, and the advantage, mean little."
    )
    expect(finetuneSentence(run(atChance))).toContain(
      'a network is at chance, so neither number means much'
    )
    expect(finetuneSentence(run(atChance))).not.toContain('survives')
    expect(card(finetuneHighlights(run(atChance), false), 'advantage')!.note).toMatch(
      /at chance: the advantage means little/
    )
  })
})
