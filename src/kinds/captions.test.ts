import { describe, expect, it } from 'vitest'
import { chartCaption } from './charts'
import { describeRunConfig } from './registry'
import { UnknownChartError } from '../shared/chartEntry'
import { effectivenessConfigSchema } from './effectiveness/config'
import { finetuneConfigSchema } from './finetune/config'
import { universalityConfigSchema } from './universality/config'

const effectiveness = effectivenessConfigSchema.parse({ kind: 'effectiveness' })

describe('chart captions', () => {
  it('say what the chart shows, the whole config in one line, and what the marks mean', () => {
    expect(chartCaption({ kind: 'effectiveness', config: effectiveness }, 'asr')).toBe(
      'Attack success rate over trigger scale λ for a random-ReLU network (d=100, m=2000, k=10, θ=4; n=2000/2000; seed 1); shaded: 95% Wilson intervals; dashed: large-width theory; dotted: ASR = 0.5.'
    )
  })

  it('follow the config: another seed, width or labelling is another caption', () => {
    const config = { ...effectiveness, m: 500, seed: 7, labels: 'teacher' as const }
    expect(chartCaption({ kind: 'effectiveness', config }, 'advantage')).toBe(
      'Backdoor advantage (ASR backdoored − ASR clean) over trigger scale λ for a random-ReLU network (d=100, m=500, k=10, θ=4; teacher labels, n=2000/2000; seed 7); shaded: 95% Newcombe intervals of the difference (conservative for networks that share their draws).'
    )
  })

  it('name the fine-tuning recipe, and the data of a real data set without n or d', () => {
    const config = finetuneConfigSchema.parse({
      kind: 'finetune',
      m: 1000,
      dataset: { kind: 'mnist', positiveDigit: 0, negativeDigit: 1 },
      train: { optimizer: 'momentum', learningRate: 0.01, epochs: 5, parameters: ['G', 'tau'] }
    })
    expect(chartCaption({ kind: 'finetune', config }, 'epoch-loss')).toBe(
      'Training loss over fine-tuning epochs for a random-ReLU network (m=1000, k=10, θ=4; MNIST 0 vs 1, 30% held out; seed 1), fine-tuned with SGD with momentum 0.9 (lr 0.01, batch 64, 5 epochs, training G, τ).'
    )
  })

  it('describe a clean universality encoder as clean, for charts added later', () => {
    const config = universalityConfigSchema.parse({ kind: 'universality', backdoored: false })
    expect(describeRunConfig(config)).toBe(
      'a random-ReLU encoder with softmax heads (d=50, m=1000, k=10, clean; Gaussian mixture of L=3 classes (spread 0.5), n=2000/2000; seed 1; λ=4, target class 0)'
    )
  })

  it('are one line', () => {
    const config = { ...effectiveness }
    for (const chart of ['asr', 'advantage']) {
      expect(chartCaption({ kind: 'effectiveness', config }, chart)).not.toMatch(/\n/)
    }
  })

  it('refuse a chart the run does not have, listing those it has', () => {
    expect(() =>
      chartCaption({ kind: 'effectiveness', config: effectiveness }, 'epoch-loss')
    ).toThrow(new UnknownChartError('epoch-loss', ['asr', 'advantage'], 'effectiveness'))
    expect(() =>
      chartCaption({ kind: 'effectiveness', config: effectiveness }, 'epoch-loss')
    ).toThrow("no chart 'epoch-loss' for an effectiveness run; its charts are: asr, advantage")
  })
})
