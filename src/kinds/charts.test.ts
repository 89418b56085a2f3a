import { describe, expect, it } from 'vitest'
import { availableCharts, chartEntry, chartRegistry } from './charts'
import { UnknownChartError } from '../shared/chartEntry'
import { asrChartSpec } from '../shared/reluCharts'
import { epochSpikeChartSpec } from './finetune/charts'
import {
  universalityHistogramChartSpec,
  universalityPerTargetChartSpec,
  universalityScatterChartSpec
} from './universality/charts'
import { effectivenessConfigSchema } from './effectiveness/config'
import { finetuneConfigSchema } from './finetune/config'
import { universalityConfigSchema } from './universality/config'
import { type ExperimentConfig } from './registry'
import type { RunDetail } from '../shared/results'
import { doneRun } from '../shared/testing/runs'

function runOf(config: ExperimentConfig): RunDetail {
  const series = [{ model: 'clean', name: 'attackSuccessRate', points: [{ x: 0, value: 0.1 }] }]
  return doneRun(1, config, series, { name: 'r', seed: config.seed, backend: 'wasm' })
}

const effectiveness = runOf(effectivenessConfigSchema.parse({ kind: 'effectiveness' }))
const finetune = runOf(finetuneConfigSchema.parse({ kind: 'finetune' }))
const universality = runOf(universalityConfigSchema.parse({ kind: 'universality' }))

describe('chart registry', () => {
  it('lists the charts of each kind, as their run pages show them', () => {
    expect(availableCharts(effectiveness).map((c) => c.name)).toEqual(['asr', 'advantage'])
    expect(availableCharts(finetune).map((c) => c.name)).toEqual([
      'epoch-asr',
      'epoch-loss',
      'epoch-accuracy',
      'epoch-spike',
      'epoch-spike-normalised',
      'epoch-drift',
      'asr-before-after'
    ])
    expect(availableCharts(universality).map((c) => c.name)).toEqual([
      'scatter',
      'histogram',
      'per-target'
    ])
  })

  it('names are unique, lower-case words joined by hyphens (they go into file names)', () => {
    const names = chartRegistry.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })

  it('builds the very spec the run page draws', () => {
    expect(chartEntry(effectiveness, 'asr').spec(effectiveness)).toEqual(
      asrChartSpec(effectiveness)
    )
    expect(chartEntry(finetune, 'epoch-spike').spec(finetune)).toEqual(
      epochSpikeChartSpec(finetune)
    )
    expect(chartEntry(universality, 'scatter').spec(universality)).toEqual(
      universalityScatterChartSpec(universality)
    )
    expect(chartEntry(universality, 'histogram').spec(universality)).toEqual(
      universalityHistogramChartSpec(universality)
    )
    expect(chartEntry(universality, 'per-target').spec(universality)).toEqual(
      universalityPerTargetChartSpec(universality)
    )
  })

  it('every chart builds for a run of its kind', () => {
    for (const run of [effectiveness, finetune, universality]) {
      for (const entry of availableCharts(run)) {
        const spec = entry.spec(run)
        expect(spec.type, entry.name).toBe('line')
        expect(entry.title.length, entry.name).toBeGreaterThan(10)
      }
    }
  })

  it('an unknown chart is an error listing the ones the run has', () => {
    expect(() => chartEntry(finetune, 'asr')).toThrow(UnknownChartError)
    expect(() => chartEntry(finetune, 'asr')).toThrow(
      "no chart 'asr' for a finetune run; its charts are: epoch-asr, epoch-loss, epoch-accuracy, epoch-spike, epoch-spike-normalised, epoch-drift, asr-before-after"
    )
    expect(() => chartEntry(universality, 'asr')).toThrow(
      "no chart 'asr' for a universality run; its charts are: scatter, histogram, per-target"
    )
    expect(() => chartEntry(effectiveness, 'scatter')).toThrow(
      "no chart 'scatter' for an effectiveness run"
    )
  })
})

describe('chart cards', () => {
  it('word every chart of every kind for a run with nothing measured yet', () => {
    for (const config of [
      effectivenessConfigSchema.parse({ kind: 'effectiveness' }),
      finetuneConfigSchema.parse({ kind: 'finetune' }),
      universalityConfigSchema.parse({ kind: 'universality' })
    ]) {
      const run = { ...runOf(config), status: 'running' as const, series: [] }
      for (const entry of availableCharts(run)) {
        expect(entry.card.heading(run).length, entry.name).toBeGreaterThan(3)
        expect(entry.card.caption(run)).toMatch(/\.$/)
        expect(entry.card.label(run).length).toBeGreaterThan(10)
        // Nothing measured: no card but those that show how far the run got.
        expect(entry.card.shown?.(run) ?? true, entry.name).toBe(false)
      }
    }
  })
})
