import { describe, expect, it } from 'vitest'
import { BAND_MARK, legendFilter, REFERENCE_MARK, withAlpha, type ChartPoint } from './charts'
import { asrChartSpec } from './reluCharts'
import { headFamilyStyle, universalRegionLabel } from '../kinds/universality/charts'
import { effectivenessDefaults } from '../kinds/effectiveness/config'
import { finetuneConfigSchema } from '../kinds/finetune/config'
import { universalityConfigSchema } from '../kinds/universality/config'
import { overlaySpec, runPalette, sharedCharts, hasData, modelMarkers } from './overlay'
import type { SeriesRecord } from './results'
import { doneRun as run } from './testing/runs'
import type { LegendItem } from 'chart.js'

function curve(model: string, name: string, xs: number[], band = true): SeriesRecord {
  return {
    model,
    name,
    points: xs.map((x, i) => ({
      x,
      value: i / xs.length,
      ...(band ? { lower: i / xs.length - 0.05, upper: i / xs.length + 0.05 } : {})
    }))
  }
}

const effectiveness = (id: number, xs: number[]) =>
  run(id, effectivenessDefaults, [
    curve('clean', 'attackSuccessRate', xs),
    curve('backdoored', 'attackSuccessRate', xs),
    curve('theory.backdoored', 'attackSuccessRate', xs, false)
  ])

const finetune = (id: number, theta: number) =>
  run(id, finetuneConfigSchema.parse({ kind: 'finetune', theta, train: { epochs: 3 } }), [
    curve('clean', 'epoch.spikeEnergy', [0, 1, 2, 3], false),
    curve('backdoored', 'epoch.spikeEnergy', [0, 1, 2, 3], false)
  ])

const universality = (id: number, asr: number) => ({
  ...run(id, universalityConfigSchema.parse({ kind: 'universality' }), [
    {
      model: 'attacker',
      name: 'scatter',
      points: [{ x: 0.95, value: asr, lower: asr - 0.05, upper: Math.min(1, asr + 0.05) }]
    },
    {
      model: 'random',
      name: 'scatter',
      points: [
        { x: 0.3, value: 0.2 },
        { x: 0.5, value: 1 }
      ]
    },
    {
      model: 'random',
      name: 'asrHistogram',
      points: [
        { x: 0.25, value: 1 },
        { x: 0.75, value: 1 }
      ]
    },
    { model: 'attacker', name: 'asrPerTarget', points: [{ x: 0, value: asr }] }
  ]),
  metrics: [{ model: 'run', name: 'L', value: 3 }]
})

const labelsOf = (datasets: { label?: string }[]) => datasets.map((d) => d.label)

describe('overlaySpec', () => {
  it('draws every run of a chart in its own colour, bands kept, the models told apart by marker', () => {
    const runs = [effectiveness(3, [0, 1, 2]), effectiveness(9, [0, 2, 4, 6])]
    const spec = overlaySpec(runs, 'asr')
    const single = asrChartSpec(runs[0]).data.datasets
    const datasets = spec.data.datasets
    // Each run's datasets (its reference line aside), then one shared ASR = 0.5 line.
    expect(datasets).toHaveLength(2 * (single.length - 1) + 1)
    for (const [i, tag] of ['#3', '#9'].entries()) {
      const own = datasets.filter((d) => d.label!.startsWith(`${tag} · `))
      expect(own).toHaveLength(single.length - 1)
      const colour = runPalette[i]
      for (const d of own) {
        if (d.label!.includes(BAND_MARK)) expect(d.backgroundColor).toBe(withAlpha(colour, 0.18))
        else expect(d.borderColor).toBe(colour)
      }
      const clean = own.find((d) => d.label === `${tag} · Clean network`)!
      const backdoored = own.find((d) => d.label === `${tag} · Backdoored network`)!
      expect(clean.pointStyle).toBe(modelMarkers[0])
      expect(backdoored.pointStyle).toBe(modelMarkers[1])
      // Theory keeps its dash.
      const theory = own.find((d) => d.label!.includes('Theory'))!
      expect(theory.borderDash).toEqual([6, 4])
    }
    const reference = datasets.filter((d) => d.label === REFERENCE_MARK)
    expect(reference).toHaveLength(1)
    expect(reference[0].data).toEqual([
      { x: 0, y: 0.5 },
      { x: 6, y: 0.5 }
    ])
    // Bands still fill down to their own lower bound, right before them.
    datasets.forEach((d, i) => {
      if (d.fill === '-1') {
        expect(d.label).toContain('upper')
        expect(datasets[i - 1].label).toBe(d.label!.replace('upper', 'lower'))
      }
    })
    const x = spec.options!.scales!.x as { min: number; max: number }
    expect([x.min, x.max]).toEqual([0, 6])
    // The legend names curves, not bands or the reference line.
    const shown = labelsOf(datasets).filter((text) => legendFilter({ text: text! } as LegendItem))
    expect(shown).toEqual([
      '#3 · Clean network',
      '#3 · Backdoored network',
      '#3 · Theory, backdoored (m → ∞)',
      '#9 · Clean network',
      '#9 · Backdoored network',
      '#9 · Theory, backdoored (m → ∞)'
    ])
  })

  it('draws a reference line once per run when the runs differ on it (θ)', () => {
    const spec = overlaySpec([finetune(1, 4), finetune(2, 4)], 'epoch-spike')
    expect(labelsOf(spec.data.datasets).filter((l) => l!.includes('θ'))).toEqual([
      'θ = 4 (planted)'
    ])
    const different = overlaySpec([finetune(1, 4), finetune(2, 2)], 'epoch-spike')
    const thetas = different.data.datasets.filter((d) => d.label!.includes('θ'))
    expect(labelsOf(thetas)).toEqual(['#1 · θ = 4 (planted)', '#2 · θ = 2 (planted)'])
    expect(thetas.map((d) => (d.data as ChartPoint[])[0].y)).toEqual([4, 2])
  })

  it('names the charts when asked for one that does not exist', () => {
    expect(() => overlaySpec([effectiveness(1, [0])], 'pie')).toThrow(/no chart 'pie'.*asr/)
  })

  it('tells a chart with data from one with none', () => {
    expect(hasData(overlaySpec([effectiveness(1, [0, 1])], 'asr'))).toBe(true)
    expect(hasData(overlaySpec([run(1, effectivenessDefaults, [])], 'asr'))).toBe(false)
  })
})

describe('overlaySpec of universality runs', () => {
  it('scatter: one colour per run, one marker shape per head family, the region once', () => {
    const spec = overlaySpec([universality(4, 0.9), universality(5, 0.6)], 'scatter')
    const datasets = spec.data.datasets
    for (const [i, tag] of ['#4', '#5'].entries()) {
      const colour = runPalette[i]
      const attacker = datasets.find(
        (d) => d.label === `${tag} · ${headFamilyStyle.attacker.label}`
      )!
      const random = datasets.find((d) => d.label === `${tag} · ${headFamilyStyle.random.label}`)!
      expect(attacker.backgroundColor).toBe(colour)
      expect(attacker.pointStyle).toBe(headFamilyStyle.attacker.point)
      expect(random.pointStyle).toBe(headFamilyStyle.random.point)
      // The cloud of random heads stays faint, in the run's colour.
      expect(random.backgroundColor).toBe(withAlpha(colour, 0.35))
      // Whiskers are strokes: they take the run's colour too.
      const whiskers = datasets.find(
        (d) => d.label === `${tag} · ${headFamilyStyle.attacker.label} · ${BAND_MARK}`
      )!
      expect(whiskers.borderColor).toBe(withAlpha(colour, 0.7))
    }
    expect(labelsOf(datasets).filter((l) => l === universalRegionLabel)).toHaveLength(1)
    expect(labelsOf(datasets).filter((l) => l!.startsWith('Chance accuracy'))).toHaveLength(1)
    expect(hasData(spec)).toBe(true)
  })

  it('histogram: each run’s bars in its colour, still translucent', () => {
    const spec = overlaySpec([universality(4, 0.9), universality(5, 0.6)], 'histogram')
    const bars = spec.data.datasets.filter((d) => d.fill === 'origin')
    expect(bars.map((d) => d.backgroundColor)).toEqual([
      withAlpha(runPalette[0], 0.55),
      withAlpha(runPalette[1], 0.55)
    ])
    // Their legend shows a square, as on the run page, not a model's marker.
    expect(bars.map((d) => d.pointStyle)).toEqual(['rect', 'rect'])
  })

  it('per-target bars of several runs are refused with the reason, one run still draws', () => {
    expect(() => overlaySpec([universality(4, 0.9), universality(5, 0.6)], 'per-target')).toThrow(
      /not overlaid: .*compare them on each run's page/
    )
    expect(hasData(overlaySpec([universality(4, 0.9)], 'per-target'))).toBe(true)
  })
})

describe('sharedCharts', () => {
  it('runs of one kind share all its charts', () => {
    const { shared, notShared } = sharedCharts([finetune(1, 4), finetune(2, 4)])
    expect(shared.map((c) => c.name)).toEqual(
      expect.arrayContaining(['epoch-asr', 'epoch-spike', 'asr-before-after'])
    )
    expect(notShared).toEqual([])
  })

  it('effectiveness and fine-tuning runs share the ASR chart, and say whose the others are', () => {
    const { shared, notShared } = sharedCharts([effectiveness(1, [0]), finetune(2, 4)])
    expect(shared.map((c) => c.name)).toEqual(['asr'])
    expect(notShared.find((c) => c.entry.name === 'advantage')?.kinds).toEqual(['effectiveness'])
    expect(notShared.find((c) => c.entry.name === 'epoch-loss')?.kinds).toEqual(['finetune'])
    expect(sharedCharts([effectiveness(1, [0]), universality(2, 0.5)]).shared).toEqual([])
  })

  it('draws a fine-tuning run on the ASR chart by its curves before fine-tuning', () => {
    const ft = finetune(2, 4)
    ft.series.push(
      curve('clean', 'attackSuccessRate.before', [0, 2, 4]),
      curve('backdoored', 'attackSuccessRate.before', [0, 2, 4]),
      { ...curve('backdoored', 'attackSuccessRate.after', [0, 2, 4]), points: [] }
    )
    const spec = overlaySpec([effectiveness(1, [0, 1, 2]), ft], 'asr')
    const before = spec.data.datasets.find(
      (d) => d.label === '#2 · Backdoored network, before fine-tuning'
    )!
    expect(before.data).toEqual(
      ft.series
        .find((s) => s.name === 'attackSuccessRate.before' && s.model === 'backdoored')!
        .points.map((p) => ({ x: p.x, y: p.value }))
    )
    expect(before.borderColor).toBe(runPalette[1])
    expect(
      spec.data.datasets.some(
        (d) => d.label === '#2 · Backdoored network, before fine-tuning · 95% band upper'
      )
    ).toBe(true)
    expect(spec.data.datasets.filter((d) => d.label === REFERENCE_MARK)).toHaveLength(1)
  })
})
