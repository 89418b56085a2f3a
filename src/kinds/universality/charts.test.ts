import type { ChartData, LegendItem } from 'chart.js'
import { describe, expect, it } from 'vitest'
import { BAND_MARK, paperStyle, type ChartPoint, type LineChartSpec } from '../../shared/charts'
import {
  SCATTER_ASPECT_RATIO,
  UNIVERSAL_ASR,
  headFamilyStyle,
  universalRegionLabel,
  universalityHistogramChartSpec,
  universalityPerTargetChartSpec,
  universalityScatterChartSpec
} from './charts'
import { universalityLegendFilter } from './chartMarks'
import { universalityConfigSchema } from './config'
import type { MetricRecord, RunDetail, SeriesRecord } from '../../shared/results'
import { doneRun } from '../../shared/testing/runs'

const config = universalityConfigSchema.parse({ kind: 'universality', target: 1 })

function run(series: SeriesRecord[], metrics: MetricRecord[] = []): RunDetail {
  return doneRun(11, config, series, { name: 'fixture', metrics })
}

const scatter = (model: string, points: [number, number][]): SeriesRecord => ({
  model,
  name: 'scatter',
  points: points.map(([x, value]) => ({ x, value, lower: value - 0.02, upper: value + 0.02 }))
})

const metrics: MetricRecord[] = [
  { model: 'witness', name: 'cleanAccuracy', value: 0.01 },
  { model: 'witness', name: 'attackSuccessRate', value: 0.002, lower: 0, upper: 0.01 },
  { model: 'attacker', name: 'attackSuccessRate', value: 0.88 },
  { model: 'nullifying', name: 'attackSuccessRate', value: 0.07 },
  { model: 'run', name: 'L', value: 4 }
]

const full = run(
  [
    scatter('attacker', [[0.97, 0.88]]),
    scatter('probe', [
      [0.98, 0.01],
      [0.985, 0.02]
    ]),
    scatter('random', [
      [0.3, 0.1],
      [0.25, 0.9],
      [0.4, 0]
    ]),
    scatter('nullifying', [[0.96, 0.07]])
  ],
  metrics
)

const byLabel = (spec: LineChartSpec, label: string) =>
  spec.data.datasets.find((d) => d.label === label)
const points = (spec: LineChartSpec, label: string) =>
  (byLabel(spec, label)?.data ?? []) as ChartPoint[]
const shownInLegend = (spec: LineChartSpec) =>
  spec.data.datasets
    .map((d, i) => ({ text: d.label ?? '', datasetIndex: i }) as LegendItem)
    .filter((item) => universalityLegendFilter(item, spec.data as ChartData))
    .map((item) => item.text)

describe('universalityScatterChartSpec', () => {
  it('puts one point per head at (clean accuracy, ASR), one dataset per family', () => {
    const spec = universalityScatterChartSpec(full)
    expect(points(spec, headFamilyStyle.attacker.label)).toEqual([{ x: 0.97, y: 0.88 }])
    expect(points(spec, headFamilyStyle.probe.label)).toHaveLength(2)
    expect(points(spec, headFamilyStyle.random.label)).toEqual([
      { x: 0.3, y: 0.1 },
      { x: 0.25, y: 0.9 },
      { x: 0.4, y: 0 }
    ])
    expect(points(spec, headFamilyStyle.nullifying.label)).toEqual([{ x: 0.96, y: 0.07 }])
    // The witness is a single head, reported as metrics.
    expect(points(spec, headFamilyStyle.witness.label)).toEqual([{ x: 0.01, y: 0.002 }])
    for (const family of Object.values(headFamilyStyle)) {
      expect(byLabel(spec, family.label)).toMatchObject({ showLine: false })
    }
  })

  it('shades the universal region from ASR 0.9 to the top and marks chance accuracy 1/L', () => {
    const spec = universalityScatterChartSpec(full)
    expect(byLabel(spec, universalRegionLabel)).toMatchObject({
      fill: 'end',
      data: [
        { x: 0, y: UNIVERSAL_ASR },
        { x: 1, y: UNIVERSAL_ASR }
      ]
    })
    expect(points(spec, 'Chance accuracy 1/L = 0.25')).toEqual([
      { x: 0.25, y: 0 },
      { x: 0.25, y: 1 }
    ])
    const scales = spec.options!.scales as Record<string, { min?: number; max?: number }>
    expect(scales.x).toMatchObject({ min: 0, max: 1 })
    expect(scales.y).toMatchObject({ min: 0, max: 1 })
  })

  it('draws 95% whiskers for the named heads but not for the cloud of random heads', () => {
    const spec = universalityScatterChartSpec(full)
    const attacker = points(spec, `${headFamilyStyle.attacker.label} · ${BAND_MARK}`)
    expect(attacker).toEqual([
      { x: 0.97, y: 0.86 },
      { x: 0.97, y: 0.9 },
      { x: 0.97, y: null }
    ])
    expect(byLabel(spec, `${headFamilyStyle.random.label} · ${BAND_MARK}`)).toBeUndefined()
    expect(shownInLegend(spec)).not.toContain(`${headFamilyStyle.attacker.label} · ${BAND_MARK}`)
    expect(shownInLegend(spec)).toContain(headFamilyStyle.random.label)
  })

  it('leaves out families the run has not produced', () => {
    const spec = universalityScatterChartSpec(run([scatter('attacker', [[0.9, 0.5]])]))
    const labels = spec.data.datasets.map((d) => d.label)
    expect(labels).toContain(headFamilyStyle.attacker.label)
    expect(labels).not.toContain(headFamilyStyle.random.label)
    expect(labels).not.toContain(headFamilyStyle.witness.label)
  })
})

describe('universalityHistogramChartSpec', () => {
  const histogram: SeriesRecord = {
    model: 'random',
    name: 'asrHistogram',
    points: [
      { x: 0.125, value: 5 },
      { x: 0.375, value: 0 },
      { x: 0.625, value: 2 },
      { x: 0.875, value: 1 }
    ]
  }

  it('draws each bin as a closed bar of its count, inside its bin and without overlap', () => {
    const spec = universalityHistogramChartSpec(run([histogram], metrics))
    const tops = spec.data.datasets.find(
      (d) => d.label === headFamilyStyle.random.label && d.showLine === false
    )!.data as ChartPoint[]
    const outline = spec.data.datasets.find((d) => d.fill === 'origin')!.data as ChartPoint[]
    expect(outline).toHaveLength(4 * 5)
    for (let b = 0; b < 4; b++) {
      const [bottomLeft, topLeft, topRight, bottomRight, gap] = outline.slice(5 * b, 5 * b + 5)
      const bin = histogram.points[b]
      expect(bottomLeft.y).toBe(0)
      expect(topLeft.y).toBe(bin.value)
      expect(topRight.y).toBe(bin.value)
      expect(bottomRight.y).toBe(0)
      expect(gap.y).toBeNull()
      expect(topLeft.x).toBeGreaterThan(bin.x - 0.125)
      expect(topRight.x).toBeLessThan(bin.x + 0.125)
    }
    // Tooltips come from points at the bar tops, which stay out of the legend.
    expect(tops).toEqual(histogram.points.map((p) => ({ x: p.x, y: p.value })))
  })

  it('marks the attacker head and the nullifying head at their ASR', () => {
    const spec = universalityHistogramChartSpec(run([histogram], metrics))
    expect(points(spec, "Attacker's head: ASR 0.88").map((p) => p.x)).toEqual([0.88, 0.88])
    expect(points(spec, 'Trigger-nullifying head: ASR 0.07').map((p) => p.x)).toEqual([0.07, 0.07])
    expect(shownInLegend(spec)).toEqual([
      headFamilyStyle.random.label,
      "Attacker's head: ASR 0.88",
      'Trigger-nullifying head: ASR 0.07'
    ])
  })

  it('is empty before the run has a histogram', () => {
    expect(universalityHistogramChartSpec(run([])).data.datasets).toEqual([])
  })
})

describe('universality figures at the edges', () => {
  it('the histogram legend prints every ASR with the same number of decimals', () => {
    const spec = universalityHistogramChartSpec(
      run(
        [{ model: 'random', name: 'asrHistogram', points: [{ x: 0.5, value: 3 }] }],
        [
          { model: 'attacker', name: 'attackSuccessRate', value: 0.921 },
          { model: 'nullifying', name: 'attackSuccessRate', value: 0.0394 }
        ]
      )
    )
    const labels = spec.data.datasets.map((d) => d.label ?? '').filter((l) => l.includes(': ASR'))
    expect(labels).toEqual(["Attacker's head: ASR 0.92", 'Trigger-nullifying head: ASR 0.04'])
  })

  it('the scatter is taller than the line charts, so its long legend leaves the plot room', () => {
    expect(universalityScatterChartSpec(full).options!.aspectRatio).toBe(SCATTER_ASPECT_RATIO)
    expect(SCATTER_ASPECT_RATIO).toBeLessThan(paperStyle.aspectRatio)
  })

  it('scatter markers at ASR 1 or accuracy 1 are drawn whole: unclipped, with room around', () => {
    const spec = universalityScatterChartSpec(full)
    const padding = spec.options!.layout!.padding as Record<'top' | 'right', number>
    for (const d of spec.data.datasets.filter((d) => d.showLine === false)) {
      const reach = (d.pointRadius as number) + (d.borderWidth as number) / 2
      expect(d.clip as number, d.label).toBeGreaterThanOrEqual(reach)
      // ASR 1 is the top edge, accuracy 1 the right one.
      expect(padding.top, d.label).toBeGreaterThanOrEqual(reach)
      expect(padding.right, d.label).toBeGreaterThanOrEqual(reach)
    }
  })
})

describe('universalityPerTargetChartSpec', () => {
  const perTarget = (model: string, values: number[]): SeriesRecord => ({
    model,
    name: 'asrPerTarget',
    points: values.map((value, x) => ({ x, value, lower: value / 2, upper: (value + 1) / 2 }))
  })

  it('puts the two heads side by side within each class, on an axis of whole classes', () => {
    const spec = universalityPerTargetChartSpec(
      run([perTarget('attacker', [0.01, 0.9, 0.02]), perTarget('nullifying', [0.1, 0.05, 0.2])])
    )
    const outlines = spec.data.datasets.filter((d) => d.fill === 'origin')
    expect(outlines.map((d) => d.label)).toEqual([
      headFamilyStyle.attacker.label,
      headFamilyStyle.nullifying.label
    ])
    const [attacker, nullifying] = outlines.map((d) => d.data as ChartPoint[])
    for (let c = 0; c < 3; c++) {
      const a = attacker.slice(5 * c, 5 * c + 5)
      const n = nullifying.slice(5 * c, 5 * c + 5)
      expect(a[0].x).toBeGreaterThan(c - 0.5)
      expect(a[2].x).toBeLessThanOrEqual(n[0].x)
      expect(n[2].x).toBeLessThan(c + 0.5)
    }
    expect(attacker[1].y).toBe(0.01)
    expect(attacker[6].y).toBe(0.9)
    const scales = spec.options!.scales as Record<
      string,
      { min?: number; max?: number; ticks?: Record<string, unknown> }
    >
    expect(scales.x).toMatchObject({ min: -0.5, max: 2.5 })
    expect(scales.x.ticks).toMatchObject({ stepSize: 1, includeBounds: false })
  })
})
