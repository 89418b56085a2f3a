import { describe, expect, it } from 'vitest'
import {
  BAND_MARK,
  REFERENCE_MARK,
  bandLabel,
  legendFilter,
  modelStyle,
  okabeIto,
  type ChartPoint,
  type LineChartSpec
} from './charts'
import { asrChartSpec } from './reluCharts'
import { advantageChartSpec } from '../kinds/effectiveness/charts'
import {
  asrBeforeAfterChartSpec,
  beforeAfterLabel,
  epochAccuracyChartSpec,
  epochAsrChartSpec,
  epochDriftChartSpec,
  epochLossChartSpec,
  epochSpikeChartSpec,
  thetaLabel,
  trackedLambdaLabel
} from '../kinds/finetune/charts'
import { effectivenessDefaults } from '../kinds/effectiveness/config'
import { finetuneConfigSchema } from '../kinds/finetune/config'
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

describe('fine-tuning charts', () => {
  const config = finetuneConfigSchema.parse({
    kind: 'finetune',
    theta: 4,
    trackLambda: 2,
    train: { epochs: 10 }
  })
  const epochs = [0, 1, 2, 3]
  const perEpoch = (model: string, name: string, values: number[], band = 0): SeriesRecord => ({
    model,
    name,
    points: values.map((value, i) => ({
      x: epochs[i],
      value,
      ...(band > 0 ? { lower: value - band, upper: value + band } : {})
    }))
  })
  const cleanAsr = perEpoch('clean', 'epoch.attackSuccessRate', [0.1, 0.1, 0.12, 0.11], 0.03)
  const backdooredAsr = perEpoch(
    'backdoored',
    'epoch.attackSuccessRate',
    [0.6, 0.5, 0.4, 0.3],
    0.04
  )
  const advantageEpochs = perEpoch('run', 'epoch.advantage', [0.5, 0.4, 0.28, 0.19], 0.05)
  const cleanLoss = perEpoch('clean', 'epoch.loss', [0.6, 0.5, 0.45, 0.42])
  const backdooredLoss = perEpoch('backdoored', 'epoch.loss', [0.62, 0.52, 0.46, 0.43])
  const spike = perEpoch('backdoored', 'epoch.spikeEnergy', [3.9, 3.2, 2.5, 2.0])
  const cleanSpike = perEpoch('clean', 'epoch.spikeEnergy', [0.05, 0.04, 0.05, 0.06])
  const drift = perEpoch('backdoored', 'epoch.weightDrift', [0, 0.1, 0.2, 0.3])
  const accuracy = perEpoch('backdoored', 'epoch.cleanAccuracy', [0.9, 0.91, 0.92, 0.92], 0.02)
  const asrAt = (model: string, when: string, values: number[]): SeriesRecord => ({
    model,
    name: `attackSuccessRate.${when}`,
    points: values.map((value, i) => ({
      x: lambdas[i],
      value,
      lower: value - 0.05,
      upper: value + 0.05
    }))
  })
  const beforeAfter = [
    asrAt('clean', 'before', [0, 0.05, 0.1, 0.3, 0.5]),
    asrAt('backdoored', 'before', [0, 0.3, 0.7, 0.9, 1]),
    asrAt('clean', 'after', [0, 0.05, 0.12, 0.3, 0.5]),
    asrAt('backdoored', 'after', [0, 0.1, 0.3, 0.5, 0.8])
  ]
  const ftRun: RunDetail = {
    ...runWith([
      cleanAsr,
      backdooredAsr,
      advantageEpochs,
      cleanLoss,
      backdooredLoss,
      spike,
      cleanSpike,
      drift,
      accuracy,
      ...beforeAfter
    ]),
    kind: 'finetune',
    config
  }
  const scalesOf = (spec: LineChartSpec) =>
    spec.options?.scales as Record<string, Record<string, unknown>>

  it('draws ASR at the tracked λ and the advantage per epoch, each with its band', () => {
    const spec = epochAsrChartSpec(ftRun)
    for (const [series, label] of [
      [cleanAsr, modelStyle.clean.label],
      [backdooredAsr, modelStyle.backdoored.label],
      [advantageEpochs, modelStyle.advantage.label]
    ] as const) {
      expect(dataset(spec, label).data).toEqual(asPoints(series.points, 'value'))
      expect(dataset(spec, bandLabel(label, 'lower')).data).toEqual(
        asPoints(series.points, 'lower')
      )
      expect(dataset(spec, bandLabel(label, 'upper')).fill).toBe('-1')
    }
    const y = scalesOf(spec).y
    expect((y.title as { text: string }).text).toContain('λ = 2')
  })

  it('keeps the epoch axis at the configured epochs while points arrive, with whole ticks', () => {
    for (const build of [
      epochAsrChartSpec,
      epochLossChartSpec,
      epochAccuracyChartSpec,
      epochSpikeChartSpec,
      epochDriftChartSpec
    ]) {
      const x = scalesOf(build(ftRun)).x
      expect([x.min, x.max]).toEqual([0, 10])
      expect((x.ticks as { precision?: number }).precision).toBe(0)
    }
  })

  it('lets a long run start on a shorter axis that doubles as epochs arrive', () => {
    const long = finetuneConfigSchema.parse({ kind: 'finetune', train: { epochs: 200 } })
    const xMaxAfter = (last: number) => {
      const points = Array.from({ length: last + 1 }, (_, x) => ({ x, value: 0.5 }))
      const spec = epochAsrChartSpec({
        ...ftRun,
        config: long,
        series: [{ model: 'run', name: 'epoch.advantage', points }]
      })
      return scalesOf(spec).x.max
    }
    expect(xMaxAfter(5)).toBe(50)
    expect(xMaxAfter(40)).toBe(80)
    expect(xMaxAfter(150)).toBe(200)
    expect(xMaxAfter(200)).toBe(200)
  })

  it('draws loss and drift without bands when the lab gives no interval', () => {
    const loss = epochLossChartSpec(ftRun)
    expect(loss.data.datasets.map((d) => d.label)).toEqual([
      modelStyle.clean.label,
      modelStyle.backdoored.label
    ])
    expect(dataset(loss, modelStyle.backdoored.label).data).toEqual(
      asPoints(backdooredLoss.points, 'value')
    )
    const driftSpec = epochDriftChartSpec(ftRun)
    expect(driftSpec.data.datasets.map((d) => d.label)).toEqual([modelStyle.backdoored.label])
  })

  it('marks θ on the spike-energy chart as a dashed line across the epochs', () => {
    const spec = epochSpikeChartSpec(ftRun)
    const theta = dataset(spec, thetaLabel(4))
    expect(theta.data).toEqual([
      { x: 0, y: 4 },
      { x: 10, y: 4 }
    ])
    expect(theta.borderDash?.length).toBeGreaterThan(0)
    expect(dataset(spec, modelStyle.backdoored.label).data).toEqual(asPoints(spike.points, 'value'))
    expect(dataset(spec, modelStyle.clean.label).data).toEqual(asPoints(cleanSpike.points, 'value'))
  })

  it('draws ASR(λ) before (dashed) and after (solid) for both networks, with four bands', () => {
    const spec = asrBeforeAfterChartSpec(ftRun)
    for (const series of beforeAfter) {
      const when = series.name.endsWith('before') ? 'before' : 'after'
      const style = modelStyle[series.model as 'clean' | 'backdoored']
      const label = beforeAfterLabel(style.label, when)
      const line = dataset(spec, label)
      expect(line.data).toEqual(asPoints(series.points, 'value'))
      expect(line.borderColor).toBe(style.colour)
      expect((line.borderDash?.length ?? 0) > 0).toBe(when === 'before')
      expect(dataset(spec, bandLabel(label, 'upper')).data).toEqual(
        asPoints(series.points, 'upper')
      )
    }
    expect(dataset(spec, REFERENCE_MARK).data).toEqual([
      { x: 0, y: 0.5 },
      { x: 4, y: 0.5 }
    ])
    expect(dataset(spec, trackedLambdaLabel(2)).data).toEqual([
      { x: 2, y: 0 },
      { x: 2, y: 1 }
    ])
    const shown = spec.data.datasets
      .map((d) => d.label ?? '')
      .filter((text) => legendFilter({ text } as Parameters<typeof legendFilter>[0]))
    expect(shown).toHaveLength(5)
  })

  it('is empty before the run has produced the series, and plain data', () => {
    const empty = { ...runWith([]), kind: 'finetune' as const, config }
    for (const build of [
      epochAsrChartSpec,
      epochLossChartSpec,
      epochAccuracyChartSpec,
      epochSpikeChartSpec,
      epochDriftChartSpec,
      asrBeforeAfterChartSpec
    ]) {
      expect(build(empty).data.datasets).toEqual([])
      const spec = build(ftRun)
      expect(JSON.parse(JSON.stringify(spec.data))).toEqual(spec.data)
    }
  })
})
