import { describe, expect, it } from 'vitest'
import { effectivenessDefaults } from '../kinds/effectiveness/config'
import { finetuneConfigSchema } from '../kinds/finetune/config'
import { parseExperimentConfig } from '../kinds/registry'
import {
  compareNumbers,
  configDiff,
  configSearchEntries,
  flattenConfig,
  notSharedByKind,
  sharedMetrics
} from './history'
import { keyEstimate } from '../kinds/registry'
import type { MetricRecord, RunDetail, SeriesRecord } from './results'

const numbers = (metrics: MetricRecord[], series: SeriesRecord[] = []) => ({ metrics, series })

describe('flattenConfig', () => {
  it('writes nested fields as dotted keys and keeps plain arrays whole', () => {
    const config = parseExperimentConfig({
      kind: 'universality',
      dataset: { kind: 'mnist', digits: [3, 5] }
    })
    const flat = flattenConfig(config)
    expect(flat['dataset.kind']).toBe('mnist')
    expect(flat['dataset.digits']).toBe('[3,5]')
    expect(flat['head.epochs']).toBe(300)
    expect(Object.keys(flat)[0]).toBe('kind')
    expect(configSearchEntries(config)).toContain('dataset.digits=[3,5]')
  })
})

describe('configDiff', () => {
  it('marks the fields the runs disagree on, including fields only one has', () => {
    const a = effectivenessDefaults
    const b = { ...effectivenessDefaults, seed: 2, lambdas: { ...a.lambdas, to: 6 } }
    const c = finetuneConfigSchema.parse({ kind: 'finetune' })
    const rows = configDiff([a, b, c])
    const row = (key: string) => rows.find((r) => r.key === key)!
    expect(row('seed')).toEqual({ key: 'seed', values: [1, 2, 1], differs: true })
    expect(row('lambdas.to').differs).toBe(true)
    expect(row('lambdas.from')).toEqual({ key: 'lambdas.from', values: [0, 0, 0], differs: false })
    expect(row('kind').differs).toBe(true)
    expect(row('train.epochs')).toEqual({
      key: 'train.epochs',
      values: [undefined, undefined, 20],
      differs: true
    })
    expect(configDiff([a, a]).every((r) => !r.differs)).toBe(true)
  })
})

describe('sharedMetrics', () => {
  it('keeps the metrics every run has, in the first run’s order, and names the others', () => {
    const a = numbers([
      { model: 'run', name: 'lambda50Ratio', value: 1.5 },
      { model: 'clean', name: 'tau', value: 0.1, lower: 0, upper: 0.2 }
    ])
    const b = numbers([
      { model: 'clean', name: 'tau', value: 0.3 },
      { model: 'run', name: 'lambda50Ratio', value: 2 },
      { model: 'run', name: 'extra', value: 1 }
    ])
    expect(sharedMetrics([a, b])).toEqual({
      shared: [
        {
          model: 'run',
          name: 'lambda50Ratio',
          values: [{ value: 1.5 }, { value: 2 }],
          names: ['lambda50Ratio', 'lambda50Ratio']
        },
        {
          model: 'clean',
          name: 'tau',
          values: [{ value: 0.1, lower: 0, upper: 0.2 }, { value: 0.3 }],
          names: ['tau', 'tau']
        }
      ],
      notShared: ['run/extra']
    })
  })
})

describe('sharedMetrics across kinds', () => {
  const effectiveness = {
    kind: 'effectiveness' as const,
    metrics: [
      { model: 'clean', name: 'lambda50', value: 4 },
      { model: 'backdoored', name: 'cleanAccuracy', value: 0.9, lower: 0.85, upper: 0.94 },
      { model: 'run', name: 'lambda50Ratio', value: 2 },
      { model: 'theory', name: 'lambda50Ratio', value: 2.1 }
    ]
  }
  const finetune = {
    kind: 'finetune' as const,
    metrics: [
      { model: 'clean', name: 'lambda50.before', value: 3 },
      { model: 'clean', name: 'lambda50.after', value: 3.5 },
      { model: 'backdoored', name: 'cleanAccuracy.before', value: 0.8 },
      { model: 'backdoored', name: 'loss.before', value: 0.3 },
      { model: 'run', name: 'trackLambda', value: 2 }
    ]
  }

  it('an effectiveness and a fine-tuning run share λ50 and clean accuracy, before fine-tuning', () => {
    const { shared, notShared } = sharedMetrics([effectiveness, finetune])
    expect(shared).toEqual([
      {
        model: 'clean',
        name: 'lambda50',
        values: [{ value: 4 }, { value: 3 }],
        names: ['lambda50', 'lambda50.before'],
        note: 'fine-tuning runs: before fine-tuning'
      },
      {
        model: 'backdoored',
        name: 'cleanAccuracy',
        values: [{ value: 0.9, lower: 0.85, upper: 0.94 }, { value: 0.8 }],
        names: ['cleanAccuracy', 'cleanAccuracy.before'],
        note: 'fine-tuning runs: before fine-tuning'
      }
    ])
    expect(notShared).toEqual(
      expect.arrayContaining([
        'run/lambda50Ratio',
        'clean/lambda50.after',
        'backdoored/loss.before'
      ])
    )
    // The backdoor's cost before fine-tuning is the effectiveness run's cost of the same network.
    const cost = (kind: 'effectiveness' | 'finetune', name: string) => ({
      kind,
      metrics: [{ model: 'run', name, value: -0.03, lower: -0.05, upper: -0.01 }]
    })
    expect(
      sharedMetrics([
        cost('effectiveness', 'backdoorCost'),
        cost('finetune', 'backdoorCost.before')
      ]).shared
    ).toEqual([
      {
        model: 'run',
        name: 'backdoorCost',
        values: [
          { value: -0.03, lower: -0.05, upper: -0.01 },
          { value: -0.03, lower: -0.05, upper: -0.01 }
        ],
        names: ['backdoorCost', 'backdoorCost.before'],
        note: 'fine-tuning runs: before fine-tuning'
      }
    ])
    // Two fine-tuning runs compare their before and after values as they are.
    expect(sharedMetrics([finetune, finetune]).shared.map((m) => m.name)).toContain(
      'lambda50.before'
    )
  })

  it('sums up what is not shared by the kind that has it, with a few examples', () => {
    const runs = [effectiveness, finetune]
    const groups = notSharedByKind(runs, sharedMetrics(runs).notShared, 2)
    expect(groups).toEqual([
      {
        kinds: ['effectiveness'],
        count: 2,
        examples: ['run/lambda50Ratio', 'theory/lambda50Ratio']
      },
      {
        kinds: ['finetune'],
        count: 3,
        examples: ['clean/lambda50.after', 'backdoored/loss.before']
      }
    ])
  })
})

describe('compareNumbers', () => {
  const series: SeriesRecord[] = [
    { model: 'clean', name: 'asr', points: [{ x: 0, value: 0.5, lower: 0.4, upper: 0.6 }] }
  ]
  const metrics: MetricRecord[] = [{ model: 'run', name: 'r', value: 1, lower: 0.5, upper: 2 }]

  it('calls runs identical only when every metric and point matches exactly', () => {
    expect(compareNumbers(numbers(metrics, series), numbers(metrics, series))).toEqual({
      identical: true,
      differing: [],
      compared: 2
    })
    const nudged = [{ ...metrics[0], upper: 2 + 1e-12 }]
    expect(compareNumbers(numbers(metrics, series), numbers(nudged, series))).toMatchObject({
      identical: false,
      differing: ['run/r']
    })
    const moved: SeriesRecord[] = [{ ...series[0], points: [{ ...series[0].points[0], x: 1 }] }]
    expect(compareNumbers(numbers(metrics, series), numbers(metrics, moved)).differing).toEqual([
      'series clean/asr'
    ])
  })

  it('counts a metric only one run has as a difference', () => {
    const more = [...metrics, { model: 'run', name: 'extra', value: null }]
    expect(compareNumbers(numbers(metrics), numbers(more)).differing).toEqual(['run/extra'])
  })
})

describe('keyEstimate', () => {
  const base: Pick<RunDetail, 'status' | 'progress' | 'series'> = {
    status: 'done',
    progress: null,
    series: []
  }
  it('is the λ50 ratio of an effectiveness run', () => {
    expect(
      keyEstimate({
        ...base,
        config: effectivenessDefaults,
        metrics: [{ model: 'run', name: 'lambda50Ratio', value: 1.8 }]
      })
    ).toEqual({ label: 'λ50 ratio', value: 1.8 })
  })

  it('is the advantage after fine-tuning with its interval, or before when the run stopped first', () => {
    const config = finetuneConfigSchema.parse({ kind: 'finetune' })
    const before = { model: 'run', name: 'advantage.before', value: 0.4, lower: 0.3, upper: 0.5 }
    const after = { model: 'run', name: 'advantage.after', value: 0.1, lower: 0.05, upper: 0.15 }
    expect(keyEstimate({ ...base, config, metrics: [before, after] })).toEqual({
      label: 'advantage at λ=2 after fine-tuning',
      value: 0.1,
      lower: 0.05,
      upper: 0.15
    })
    expect(keyEstimate({ ...base, status: 'interrupted', config, metrics: [before] })).toEqual({
      label: 'advantage at λ=2 before fine-tuning',
      value: 0.4,
      lower: 0.3,
      upper: 0.5
    })
  })

  it('is the universality gap, and null before a run measured it', () => {
    const config = parseExperimentConfig({ kind: 'universality' })
    const gap = { model: 'run', name: 'universalityGap', value: 0.7, lower: 0.6, upper: 0.8 }
    expect(keyEstimate({ ...base, config, metrics: [gap] })?.value).toBe(0.7)
    expect(keyEstimate({ ...base, config, metrics: [] })).toBeNull()
  })
})
