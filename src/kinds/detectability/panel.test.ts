/**
 * What the Detectability panel and the frontier page draw and say, from the numbers beside them.
 */
import { describe, expect, it } from 'vitest'
import { detectabilityConfigSchema } from './config'
import { detectabilityCharts } from './charts'
import {
  histogram,
  histogramPoints,
  nullSummaryMetrics,
  panelFacts,
  quantile,
  type PanelFacts
} from './panel'
import { bbpChartSpec, nullHistogramSpec } from './panelCharts'
import { bbpSentence, edgeSentence, fineTuningSentence, verdictSentence } from './panelWords'
import { bbpThreshold, marchenkoPasturEdge } from './theory'
import type { MetricRecord, RunDetail } from '../../shared/results'

function facts(entries: { model: string; theta: number; top: [number, number] }[]): PanelFacts {
  const metrics: MetricRecord[] = [
    { model: 'detect.null', name: 'd', value: 100 },
    { model: 'detect.null', name: 'm', value: 2000 },
    { model: 'detect.null', name: 'k', value: 10 },
    { model: 'detect.null', name: 'draws', value: 4 }
  ]
  for (const e of entries) {
    metrics.push({ model: e.model, name: 'theta', value: e.theta })
    metrics.push({ model: e.model, name: 'topEigenvalue', value: e.top[0] })
    metrics.push({ model: e.model, name: 'topEigenvalue.pValue', value: e.top[1] })
    for (const s of ['maxDiagonal', 'sparseEigenvalue']) {
      metrics.push({ model: e.model, name: s, value: 1 })
      metrics.push({ model: e.model, name: `${s}.pValue`, value: 0.6 })
    }
  }
  const nulls = {
    topEigenvalue: [1.47, 1.48, 1.5, 1.49],
    maxDiagonal: [1, 1.1, 1.05, 1.02],
    sparseEigenvalue: [1.2, 1.3, 1.25, 1.22]
  }
  const series = Object.entries(nulls).map(([name, values]) => {
    for (const [q, value] of Object.entries(nullSummaryMetrics(values))) {
      metrics.push({ model: 'detect.null', name: `${name}.${q}`, value })
    }
    return { model: 'detect.null', name, points: histogramPoints(histogram(values)) }
  })
  const run = { metrics, series } as unknown as RunDetail
  return panelFacts(run)!
}

describe('panelFacts and the panel sentences', () => {
  const effectiveness = facts([
    { model: 'detect.backdoored', theta: 4, top: [5.06, 0.2] },
    { model: 'detect.clean', theta: 0, top: [1.48, 0.6] }
  ])

  it('orders the clean twin first and reads each statistic with its p-value', () => {
    expect(effectiveness.entries.map((e) => e.model)).toEqual(['detect.clean', 'detect.backdoored'])
    expect(effectiveness.entries[1].statistics.topEigenvalue).toEqual({ value: 5.06, pValue: 0.2 })
    const diagonal = effectiveness.nulls.maxDiagonal
    expect(diagonal.bins.reduce((n, b) => n + b.count, 0)).toBe(4)
    expect(diagonal.bins[0].from).toBe(1)
    expect(diagonal.bins.at(-1)!.to).toBeCloseTo(1.1, 12)
    expect(diagonal.mean).toBeCloseTo(1.0425, 12)
    expect([diagonal.low, diagonal.high]).toEqual([1, 1.1])
  })

  it('says which tests flag which weights at level 0.05, from the p-values', () => {
    expect(verdictSentence(effectiveness)).toBe(
      'At level 0.05, no test flags the clean twin; no test flags the backdoored network.'
    )
    const flagged = facts([{ model: 'detect.backdoored', theta: 4, top: [5.06, 0.01] }])
    expect(verdictSentence(flagged)).toBe(
      'At level 0.05, the spectral test flags the backdoored network.'
    )
  })

  it('puts the landmarks in numbers: the MP edge with the null mean, the BBP threshold with θ', () => {
    expect(edgeSentence(effectiveness)).toContain(`= ${marchenkoPasturEdge(100, 2000).toFixed(2)}`)
    expect(edgeSentence(effectiveness)).toContain('average 1.49')
    expect(bbpSentence(effectiveness)).toContain('√(d/m) = 0.224')
    expect(bbpSentence(effectiveness)).toContain(
      'θ = 4 is above it: theory puts the top eigenvalue at 5.06, measured 5.06'
    )
    const below = facts([{ model: 'detect.backdoored', theta: 0.1, top: [1.49, 0.4] }])
    expect(bbpSentence(below)).toContain('θ = 0.1 is below it.')
  })

  it('for fine-tuned weights, reads the gap between the networks when the clean twin fails the null too', () => {
    const tuned = facts([
      { model: 'detect.backdoored.before', theta: 4, top: [5.06, 0.005] },
      { model: 'detect.clean.before', theta: 0, top: [1.48, 0.4] },
      { model: 'detect.backdoored.after', theta: 4, top: [6.2, 0.005] },
      { model: 'detect.clean.after', theta: 0, top: [1.9, 0.005] }
    ])
    expect(tuned.entries.map((e) => e.label)).toEqual([
      'Clean twin, before fine-tuning',
      'Backdoored network, before fine-tuning',
      'Clean twin, after fine-tuning',
      'Backdoored network, after fine-tuning'
    ])
    const sentence = fineTuningSentence(tuned)!
    expect(sentence).toContain('backdoored network p = 0.005 → 0.005 (λ₁ 5.06 → 6.20)')
    expect(sentence).toContain('clean twin p = 0.4 → 0.005')
    expect(sentence).toContain(
      'the signature is the gap between the two networks (λ₁ 6.20 against 1.90)'
    )
    const erased = facts([
      { model: 'detect.backdoored.before', theta: 4, top: [5.06, 0.005] },
      { model: 'detect.backdoored.after', theta: 4, top: [1.5, 0.3] }
    ])
    expect(fineTuningSentence(erased)).toContain('Fine-tuning erased the spectral signature.')
    expect(fineTuningSentence(effectiveness)).toBeNull()
  })
})

describe('the null histogram', () => {
  it('counts every null draw once over its range, the largest in the last bin', () => {
    const values = [0, 0.1, 0.5, 0.99, 1]
    const bins = histogram(values, 4)
    expect(bins.map((b) => b.count)).toEqual([2, 0, 1, 2])
    expect([bins[0].from, bins[3].to]).toEqual([0, 1])
    // As series points and back, as the panel reads them.
    const points = histogramPoints(bins)
    expect(points).toHaveLength(5)
    expect(points.at(-1)).toEqual({ x: 1, value: null })
  })

  it('quantiles: the 2.5% and 97.5% of 1..200 are 5 and 195', () => {
    const values = Array.from({ length: 200 }, (_, i) => i + 1)
    expect(quantile(values, 0.025)).toBe(5)
    expect(quantile(values, 0.975)).toBe(195)
    expect(nullSummaryMetrics(values.reverse())).toEqual({ mean: 100.5, q025: 5, q975: 195 })
  })

  it('marks each run value and the Marchenko-Pastur edge on the top eigenvalue chart', () => {
    const f = facts([{ model: 'detect.backdoored', theta: 4, top: [5.06, 0.2] }])
    const spec = nullHistogramSpec(f, 'topEigenvalue')
    const labels = spec.data.datasets.map((d) => d.label)
    expect(labels).toContain('Null (4 clean draws)')
    expect(labels).toContain('Backdoored 5.06, p = 0.2')
    const edge = spec.data.datasets.find((d) => d.label?.startsWith('MP edge'))!
    expect(edge.data[0].x).toBe(marchenkoPasturEdge(100, 2000))
    // The axis reaches the backdoored network's value.
    expect((spec.options!.scales!.x as { max: number }).max).toBeGreaterThan(5.06)
  })
})

describe('the top eigenvalue against θ in the panel', () => {
  it('follows the edge up to the BBP threshold, then (1 + θ)(1 + γ/θ), with the run at its θ', () => {
    const f = facts([{ model: 'detect.backdoored', theta: 4, top: [5.06, 0.2] }])
    const spec = bbpChartSpec(f)
    const theory = spec.data.datasets.find((d) => d.label?.startsWith('Theory'))!
    const threshold = bbpThreshold(100, 2000)
    for (const p of theory.data) {
      const expected =
        p.x > threshold ? (1 + p.x) * (1 + 0.05 / p.x) : marchenkoPasturEdge(100, 2000)
      expect(p.y).toBeCloseTo(expected, 12)
    }
    expect(theory.data.some((p) => p.x === threshold)).toBe(true)
    const line = spec.data.datasets.find((d) => d.label?.startsWith('BBP threshold'))!
    expect(line.data[0].x).toBe(threshold)
    const run = spec.data.datasets.find((d) => d.label === 'Backdoored 5.06')!
    expect(run.data).toEqual([{ x: 4, y: 5.06 }])
    expect(spec.options!.scales!.x!.type).toBe('logarithmic')
  })
})

describe('the frontier charts', () => {
  const config = detectabilityConfigSchema.parse({ kind: 'detectability' })
  const run = {
    kind: 'detectability',
    config,
    metrics: [{ model: 'run', name: 'bbpThreshold', value: bbpThreshold(100, 2000) }],
    series: [
      { model: 'spectral', name: 'power', points: [{ x: 0.05, value: 0, lower: 0, upper: 0.24 }] },
      {
        model: 'strength',
        name: 'lambda50Ratio',
        points: [{ x: 0.05, value: 1.03, lower: 1, upper: 1.05 }]
      }
    ]
  } as unknown as RunDetail

  it('draw θ on a log axis over the grid, with the BBP threshold marked', () => {
    for (const chart of detectabilityCharts) {
      const spec = chart.spec(run)
      const x = spec.options.scales.x
      expect(x.type).toBe('logarithmic')
      expect(x.min).toBeLessThan(config.thetas.from)
      expect(x.max).toBeGreaterThan(config.thetas.to)
      const bbp = spec.data.datasets.find((d: { label?: string }) => d.label?.startsWith('BBP'))
      expect(bbp.data[0].x).toBe(bbpThreshold(100, 2000))
    }
  })

  it('puts the λ50 ratio on its own right axis', () => {
    const spec = detectabilityCharts[0].spec(run)
    const ratio = spec.data.datasets.filter((d: { label?: string }) =>
      d.label?.startsWith('λ50 ratio')
    )
    expect(ratio.length).toBeGreaterThan(0)
    for (const d of ratio) expect(d.yAxisID).toBe('y2')
    expect(spec.options.scales.y2.position).toBe('right')
  })
})
