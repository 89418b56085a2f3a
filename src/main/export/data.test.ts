import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { availableCharts, chartEntry } from '../../kinds/charts'
import { type AnyChartSpec } from '../../shared/chartEntry'
import { bandLabel, modelStyle, REFERENCE_MARK } from '../../shared/charts'
import { headFamilyStyle, universalRegionLabel } from '../../kinds/universality/charts'
import { effectivenessDefaults } from '../../kinds/effectiveness/config'
import { finetuneConfigSchema } from '../../kinds/finetune/config'
import { universalityConfigSchema } from '../../kinds/universality/config'
import type { RunDetail, SeriesRecord } from '../../shared/results'
import { CSV_COLUMNS, hasPlottedData, plottedCsv, plottedJson, plottedRows } from './data'

/** Realistic records as the store returns them: Wilson bands, a gap, awkward doubles. */
function asrSeries(model: string, values: (number | null)[]): SeriesRecord {
  return {
    model,
    name: 'attackSuccessRate',
    points: values.map((value, i) => ({
      x: i * 0.5,
      value,
      ...(value == null ? {} : { lower: value / 3, upper: Math.min(1, value * 1.1 + 0.01) })
    }))
  }
}

const base = {
  id: 3,
  name: 'fixture',
  status: 'done' as const,
  seed: 1,
  backend: 'wasm',
  appVersion: '0.1.0',
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: '2025-01-01T00:00:01.000Z',
  finishedAt: '2025-01-01T00:00:05.000Z',
  error: null,
  notes: '',
  tags: [],
  progress: null,
  environment: null,
  metrics: []
}

const effectiveness: RunDetail = {
  ...base,
  kind: 'effectiveness',
  config: effectivenessDefaults,
  series: [
    asrSeries('clean', [0, 0.1 + 0.2, 1 / 3, null, 0.9]),
    asrSeries('backdoored', [0, 0.4, 0.7, 0.95, 1]),
    { model: 'theory.clean', name: 'attackSuccessRate', points: [{ x: 0, value: 0 }] },
    {
      model: 'run',
      name: 'advantage',
      points: [
        { x: 0, value: 0, lower: -0.01, upper: 0.01 },
        { x: 0.5, value: 0.1, lower: 0.05, upper: 0.15 }
      ]
    }
  ]
}

const finetune: RunDetail = {
  ...base,
  kind: 'finetune',
  config: finetuneConfigSchema.parse({ kind: 'finetune', train: { epochs: 2 } }),
  metrics: [{ model: 'run', name: 'trackLambda', value: 2 }],
  series: ['clean', 'backdoored'].flatMap((model) => [
    { model, name: 'epoch.loss', points: [0, 1, 2].map((x) => ({ x, value: 0.7 - x / 10 })) },
    {
      model,
      name: 'epoch.attackSuccessRate',
      points: [0, 1, 2].map((x) => ({ x, value: 0.5, lower: 0.4, upper: 0.6 }))
    },
    { ...asrSeries(model, [0, 0.5, 1]), name: 'attackSuccessRate.before' },
    { ...asrSeries(model, [0, 0.3, 0.9]), name: 'attackSuccessRate.after' }
  ])
}

/** Two heads with intervals, three random heads, a 3-bin histogram, ASR per target of 3 classes. */
const universality: RunDetail = {
  ...base,
  kind: 'universality',
  config: universalityConfigSchema.parse({ kind: 'universality' }),
  metrics: [
    { model: 'attacker', name: 'attackSuccessRate', value: 0.88 },
    { model: 'nullifying', name: 'attackSuccessRate', value: 0.07 },
    { model: 'run', name: 'L', value: 3 }
  ],
  series: [
    {
      model: 'attacker',
      name: 'scatter',
      points: [{ x: 0.97, value: 0.88, lower: 0.8, upper: 0.93 }]
    },
    {
      model: 'random',
      name: 'scatter',
      points: [
        { x: 0.3, value: 0.1 },
        { x: 0.4, value: 1 }
      ]
    },
    {
      model: 'random',
      name: 'asrHistogram',
      points: [
        { x: 0.1, value: 5 },
        { x: 0.3, value: 0 },
        { x: 0.5, value: 2 }
      ]
    },
    {
      model: 'attacker',
      name: 'asrPerTarget',
      points: [0, 1, 2].map((x) => ({ x, value: x / 4, lower: x / 8, upper: x / 3 }))
    }
  ]
}

/** What the spec plots, read straight from its datasets, independently of data.ts. */
function pointsOf(spec: AnyChartSpec, label: string) {
  const dataset = spec.data.datasets.find((d: { label?: string }) => d.label === label)
  return (dataset?.data ?? []) as { x: number; y: number | null }[]
}

describe('plotted numbers', () => {
  it('one row per plotted point of every curve, with its band beside it', () => {
    const spec = chartEntry(effectiveness, 'asr').spec(effectiveness)
    const rows = plottedRows(spec)
    const curves = spec.data.datasets
      .map((d: { label?: string }) => d.label!)
      .filter((label: string) => !label.includes('95% band'))
    expect(new Set(rows.map((r) => r.series))).toEqual(new Set(curves))
    for (const label of curves) {
      const lower = pointsOf(spec, bandLabel(label, 'lower'))
      const upper = pointsOf(spec, bandLabel(label, 'upper'))
      expect(rows.filter((r) => r.series === label)).toEqual(
        pointsOf(spec, label).map((p, i) => ({
          series: label,
          x: p.x,
          y: p.y,
          lower: lower[i]?.y ?? null,
          upper: upper[i]?.y ?? null
        }))
      )
    }
    // The reference line is plotted, so it is exported.
    expect(rows.filter((r) => r.series === REFERENCE_MARK).map((r) => r.y)).toEqual([0.5, 0.5])
  })

  it('the numbers are the run’s own, to the last bit, gap included', () => {
    const rows = plottedRows(chartEntry(effectiveness, 'asr').spec(effectiveness))
    const clean = rows.filter((r) => r.series === modelStyle.clean.label)
    expect(clean.map((r) => ({ x: r.x, y: r.y, lower: r.lower, upper: r.upper }))).toEqual(
      effectiveness.series[0].points.map((p) => ({
        x: p.x,
        y: p.value,
        lower: p.lower ?? null,
        upper: p.upper ?? null
      }))
    )
    expect(clean[1].y).toBe(0.1 + 0.2)
    expect(clean[3]).toMatchObject({ y: null, lower: null, upper: null })
  })

  it('CSV reads back to the same rows: quoted labels, exact doubles, empty cells for gaps', () => {
    for (const run of [effectiveness, finetune]) {
      for (const entry of availableCharts(run)) {
        const spec = entry.spec(run)
        const csv = plottedCsv(spec)
        const [header, ...records] = parse(csv, { relax_column_count: false }) as string[][]
        expect(header).toEqual([...CSV_COLUMNS])
        const cell = (v: string) => (v === '' ? null : Number(v))
        expect(
          records.map(([series, x, y, lower, upper]) => ({
            series,
            x: Number(x),
            y: cell(y),
            lower: cell(lower),
            upper: cell(upper)
          })),
          `${run.kind} ${entry.name}`
        ).toEqual(plottedRows(spec))
      }
    }
    // A label with a comma survives as one field.
    expect(plottedCsv(chartEntry(effectiveness, 'asr').spec(effectiveness))).toContain(
      '"Theory, clean (m → ∞)",0,0,,'
    )
  })

  it('JSON carries the axis titles and the same series', () => {
    const spec = chartEntry(finetune, 'epoch-loss').spec(finetune)
    const json = plottedJson(spec, { chart: 'epoch-loss', title: 't', caption: 'c', runs: [] })
    expect(json.axes).toEqual({ x: 'Epoch', y: 'Logistic loss' })
    expect(json.series.flatMap((s) => s.points.map((p) => ({ series: s.label, ...p })))).toEqual(
      plottedRows(spec)
    )
    expect(json.series.map((s) => s.label)).toEqual([
      modelStyle.clean.label,
      modelStyle.backdoored.label
    ])
  })

  it('a chart with no numbers has no plotted data', () => {
    const empty = { ...effectiveness, series: [] }
    expect(hasPlottedData(chartEntry(empty, 'asr').spec(empty))).toBe(false)
    expect(hasPlottedData(chartEntry(effectiveness, 'asr').spec(effectiveness))).toBe(true)
  })
  it('a universality scatter exports one row per head, whiskers as its interval', () => {
    const rows = plottedRows(chartEntry(universality, 'scatter').spec(universality))
    const attacker = headFamilyStyle.attacker.label
    const random = headFamilyStyle.random.label
    expect(rows.filter((r) => r.series === attacker)).toEqual([
      { series: attacker, x: 0.97, y: 0.88, lower: 0.8, upper: 0.93 }
    ])
    expect(rows.filter((r) => r.series === random)).toEqual([
      { series: random, x: 0.3, y: 0.1, lower: null, upper: null },
      { series: random, x: 0.4, y: 1, lower: null, upper: null }
    ])
    // The shaded region is plotted, so it is exported; whiskers are no series of their own.
    expect(rows.filter((r) => r.series === universalRegionLabel).map((r) => r.y)).toEqual([
      0.9, 0.9
    ])
    expect(rows.some((r) => r.series.includes('95% band'))).toBe(false)
  })

  it('bars export their values, not the corners of their outlines', () => {
    const histogram = plottedRows(chartEntry(universality, 'histogram').spec(universality))
    const random = headFamilyStyle.random.label
    expect(histogram.filter((r) => r.series === random).map((r) => [r.x, r.y])).toEqual([
      [0.1, 5],
      [0.3, 0],
      [0.5, 2]
    ])
    const perTarget = plottedRows(chartEntry(universality, 'per-target').spec(universality))
    const attacker = perTarget.filter((r) => r.series === headFamilyStyle.attacker.label)
    // Rows name the class, not where its bar is drawn beside the other head's.
    expect(attacker.map((r) => [r.x, r.y, r.lower, r.upper])).toEqual(
      [0, 1, 2].map((x) => [x, x / 4, x / 8, x / 3])
    )
    expect(perTarget.every((r) => r.y !== null)).toBe(true)
  })
})
