import { describe, expect, it } from 'vitest'
import {
  BAND_MARK,
  REFERENCE_MARK,
  advantageChartSpec,
  asrChartSpec,
  bandLabel,
  legendFilter,
  modelStyle,
  okabeIto,
  type ChartPoint,
  type LineChartSpec
} from './charts'
import { effectivenessDefaults } from './config'
import type { RunDetail, SeriesPoint, SeriesRecord } from './results'

const lambdas = [0, 1, 2, 3, 4]

function asrSeries(model: string, values: (number | null)[]): SeriesRecord {
  return {
    model,
    name: 'attackSuccessRate',
    points: values.map((value, i) => ({
      x: lambdas[i],
      value,
      lower: value == null ? null : Math.max(0, value - 0.05),
      upper: value == null ? null : Math.min(1, value + 0.05)
    }))
  }
}

function runWith(series: SeriesRecord[]): RunDetail {
  return {
    id: 7,
    name: 'fixture',
    kind: 'effectiveness',
    status: 'done',
    seed: 1,
    backend: 'cpu',
    appVersion: '0.1.0',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:00:05.000Z',
    error: null,
    notes: '',
    tags: [],
    progress: null,
    config: effectivenessDefaults,
    environment: null,
    metrics: [],
    series
  }
}

const clean = asrSeries('clean', [0, 0.02, 0.1, 0.3, 0.55])
const backdoored = asrSeries('backdoored', [0, 0.2, null, 0.9, 1])
const theoryClean = asrSeries('theory.clean', [0, 0.01, 0.12, 0.33, 0.5])
const theoryBackdoored = asrSeries('theory.backdoored', [0, 0.25, 0.7, 0.95, 1])
const advantage: SeriesRecord = {
  model: 'run',
  name: 'advantage',
  points: [
    { x: 0, value: 0, lower: -0.01, upper: 0.01 },
    { x: 1, value: 0.18, lower: 0.12, upper: 0.24 },
    { x: 2, value: null, lower: null, upper: null }
  ]
}
const fullRun = runWith([clean, backdoored, theoryClean, theoryBackdoored, advantage])

function dataset(spec: LineChartSpec, label: string) {
  const found = spec.data.datasets.filter((d) => d.label === label)
  expect(found, `exactly one dataset labelled ${label}`).toHaveLength(1)
  return found[0]
}

const asPoints = (points: SeriesPoint[], key: 'value' | 'lower' | 'upper'): ChartPoint[] =>
  points.map((p) => ({ x: p.x, y: p[key] ?? null }))

describe('asrChartSpec', () => {
  const spec = asrChartSpec(fullRun)

  it('draws each measured curve with exactly the run points, nulls kept as gaps', () => {
    expect(dataset(spec, modelStyle.clean.label).data).toEqual(asPoints(clean.points, 'value'))
    expect(dataset(spec, modelStyle.backdoored.label).data).toEqual(
      asPoints(backdoored.points, 'value')
    )
    expect(dataset(spec, modelStyle.backdoored.label).data[2]).toEqual({ x: 2, y: null })
  })

  it('draws each 95% band from the lower and upper bounds, the upper filling to the lower', () => {
    for (const [series, label] of [
      [clean, modelStyle.clean.label],
      [backdoored, modelStyle.backdoored.label]
    ] as const) {
      const lower = dataset(spec, bandLabel(label, 'lower'))
      const upper = dataset(spec, bandLabel(label, 'upper'))
      expect(lower.data).toEqual(asPoints(series.points, 'lower'))
      expect(upper.data).toEqual(asPoints(series.points, 'upper'))
      expect(upper.fill).toBe('-1')
      expect(spec.data.datasets.indexOf(upper)).toBe(spec.data.datasets.indexOf(lower) + 1)
    }
  })

  it('overlays both theory curves, dashed and unfilled', () => {
    for (const [series, label] of [
      [theoryClean, modelStyle['theory.clean'].label],
      [theoryBackdoored, modelStyle['theory.backdoored'].label]
    ] as const) {
      const curve = dataset(spec, label)
      expect(curve.data).toEqual(asPoints(series.points, 'value'))
      expect(curve.borderDash?.length).toBeGreaterThan(0)
      expect(curve.fill).toBe(false)
    }
  })

  it('puts λ on a linear x axis spanning the grid and the rate on y in [0, 1]', () => {
    const scales = spec.options?.scales as Record<string, Record<string, unknown>>
    expect(scales.x.type).toBe('linear')
    expect([scales.x.min, scales.x.max]).toEqual([0, 4])
    expect([scales.y.min, scales.y.max]).toEqual([0, 1])
  })

  it('keeps band and reference datasets out of the legend, curves in it', () => {
    const shown = spec.data.datasets
      .map((d) => d.label ?? '')
      .filter((text) => legendFilter({ text } as Parameters<typeof legendFilter>[0]))
    expect(shown).toEqual([
      modelStyle.clean.label,
      modelStyle.backdoored.label,
      modelStyle['theory.clean'].label,
      modelStyle['theory.backdoored'].label
    ])
    expect(spec.data.datasets.some((d) => d.label === REFERENCE_MARK)).toBe(true)
  })

  it('uses the Okabe–Ito palette and a white background plugin', () => {
    const palette = Object.values(okabeIto)
    expect(palette).toContain(dataset(spec, modelStyle.clean.label).borderColor)
    expect(palette).toContain(dataset(spec, modelStyle.backdoored.label).borderColor)
    expect(spec.plugins?.map((p) => p.id)).toEqual(['paperBackground'])
  })

  it('is plain data apart from its two callbacks', () => {
    const roundTrip = JSON.parse(JSON.stringify(spec)) as LineChartSpec
    expect(roundTrip.data).toEqual(spec.data)
  })

  it('leaves out series the run has not produced yet', () => {
    const partial = asrChartSpec(runWith([clean]))
    expect(partial.data.datasets.map((d) => d.label)).toEqual([
      bandLabel(modelStyle.clean.label, 'lower'),
      bandLabel(modelStyle.clean.label, 'upper'),
      modelStyle.clean.label,
      REFERENCE_MARK
    ])
    expect(asrChartSpec(runWith([])).data.datasets).toEqual([])
  })
})

describe('advantageChartSpec', () => {
  it('draws the advantage with exactly its points and its band', () => {
    const spec = advantageChartSpec(fullRun)
    const label = modelStyle.advantage.label
    expect(dataset(spec, label).data).toEqual(asPoints(advantage.points, 'value'))
    expect(dataset(spec, bandLabel(label, 'lower')).data).toEqual(
      asPoints(advantage.points, 'lower')
    )
    expect(dataset(spec, bandLabel(label, 'upper')).data).toEqual(
      asPoints(advantage.points, 'upper')
    )
    expect(
      spec.data.datasets.every((d) => !d.label?.includes(BAND_MARK) || d.pointRadius === 0)
    ).toBe(true)
  })

  it('is empty when the run has no advantage series', () => {
    expect(advantageChartSpec(runWith([clean])).data.datasets).toEqual([])
  })
})
