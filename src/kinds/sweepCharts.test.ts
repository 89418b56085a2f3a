/**
 * A sweep's charts as specifications: the line is the mean of each point's seeds, the band its
 * t-interval (checked against Student's t in closed form), every finished seed a dot, one line per
 * value of the second field, a log axis for a log range, words for a choice; the heat map has one
 * cell per point, coloured in the order of the means.
 */
import { describe, expect, it } from 'vitest'
import { sweepableFields } from './sweep'
import { evenInLog, sweepAxis, sweepNotes, type SweepChartInput } from './sweepAxes'
import { SEED_MARK, sweepMeanSpec } from './sweepCharts'
import { CELL_MARK, NO_VALUE_COLOUR, sweepHeatmapSpec, viridis } from './sweepHeatmap'
import { fieldValues, sweepPoints, type Sweep } from '../shared/sweep'
import { pointAggregates, type SlotValue } from '../shared/sweepStatus'
import type { RunStatus } from '../shared/results'

/** t_{0.975, 2} in closed form: for ν = 2, t_p = (2p − 1) / √(2p(1 − p)). */
const T975_TWO_DF = 0.95 / Math.sqrt(2 * 0.975 * 0.025)

type Value = (point: Record<string, unknown>, replicate: number) => number | null

function input(
  kind: string,
  sweep: Sweep,
  value: Value,
  status: (point: number, replicate: number) => RunStatus = () => 'done'
): SweepChartInput {
  const labels = new Map(sweepableFields(kind).map((f) => [f.path, f.label]))
  const rows: SlotValue[] = sweepPoints(sweep).flatMap((p) =>
    Array.from({ length: sweep.seeds }, (_, j) => ({
      runId: 100 + p.index * sweep.seeds + j,
      point: p.index,
      replicate: j,
      status: status(p.index, j),
      seed: 1000 + j,
      value: value(p.values, j)
    }))
  )
  return {
    sweep: {
      id: 7,
      name: 'test sweep',
      kind,
      seeds: sweep.seeds,
      sweep,
      fields: sweep.fields.map((f) => ({
        path: f.path,
        label: labels.get(f.path)!,
        values: fieldValues(f)
      }))
    },
    aggregate: {
      sweepId: 7,
      metric: { model: 'backdoored', name: 'lambda50', label: 'λ50, backdoored network' },
      points: pointAggregates(sweep, rows)
    }
  }
}

type Data = { label?: string; data: { x: number; y: number | null }[]; fill?: unknown }
const datasets = (spec: { data: { datasets: unknown[] } }) => spec.data.datasets as Data[]
const byLabel = (spec: { data: { datasets: unknown[] } }, label: string) =>
  datasets(spec).find((d) => d.label === label)!

describe('the chart of a sweep’s metric against a swept field', () => {
  // Seeds 1, 2, 3 above θ: the mean is θ + 2, sd 1, the half-width t·1/√3.
  const oneField = input(
    'effectiveness',
    { fields: [{ path: 'theta', values: [4, 0, 2] }], seeds: 3, seed: 1 },
    (p, j) => (p.theta as number) + j + 1
  )

  it('draws the mean of each point and its t-interval as the band, in the order of x', () => {
    const spec = sweepMeanSpec(oneField)
    const mean = byLabel(spec, 'Mean over seeds')
    expect(mean.data.map((p) => p.x)).toEqual([0, 2, 4])
    expect(mean.data.map((p) => p.y)).toEqual([2, 4, 6])
    const half = T975_TWO_DF / Math.sqrt(3)
    const lower = byLabel(spec, 'Mean over seeds · 95% band lower').data
    const upper = byLabel(spec, 'Mean over seeds · 95% band upper').data
    lower.forEach((p, i) => expect(p.y).toBeCloseTo(mean.data[i].y! - half, 10))
    upper.forEach((p, i) => expect(p.y).toBeCloseTo(mean.data[i].y! + half, 10))
  })

  it('draws every seed’s value as a dot at its point, kept out of the legend', () => {
    const spec = sweepMeanSpec(oneField)
    const dots = byLabel(spec, `Mean over seeds · ${SEED_MARK}`).data
    expect(dots).toHaveLength(9)
    expect(dots.filter((d) => d.x === 2).map((d) => d.y)).toEqual([3, 4, 5])
    const filter = spec.options!.plugins!.legend!.labels!.filter!
    const shown = datasets(spec)
      .filter((d) => filter({ text: d.label } as never, spec.data as never))
      .map((d) => d.label)
    expect(shown).toEqual(['Mean over seeds', 'Each seed', '95% t-interval over seeds'])
  })

  it('draws one line per value of the second field, each of its own points', () => {
    const spec = sweepMeanSpec(
      input(
        'effectiveness',
        {
          fields: [
            { path: 'theta', values: [0, 2] },
            { path: 'm', values: [100, 200, 400] }
          ],
          seeds: 2,
          seed: 1
        },
        (p, j) => (p.theta as number) * 10 + (p.m as number) + j
      )
    )
    for (const m of [100, 200, 400]) {
      const line = byLabel(spec, `m = ${m}`)
      expect(line.data).toEqual([
        { x: 0, y: m + 0.5 },
        { x: 2, y: 20 + m + 0.5 }
      ])
    }
    // With m across instead, one line per θ.
    const swapped = sweepMeanSpec(
      input(
        'effectiveness',
        {
          fields: [
            { path: 'theta', values: [0, 2] },
            { path: 'm', values: [100, 200] }
          ],
          seeds: 1,
          seed: 1
        },
        (p) => p.m as number
      ),
      1
    )
    expect(byLabel(swapped, 'θ = 2').data.map((p) => p.x)).toEqual([100, 200])
  })

  it('leaves a seed without a value out of the dots and the mean, and says so', () => {
    const withGap = input(
      'effectiveness',
      { fields: [{ path: 'theta', values: [1, 2] }], seeds: 3, seed: 1 },
      (p, j) => (p.theta === 2 && j === 0 ? null : j + 1)
    )
    const spec = sweepMeanSpec(withGap)
    expect(byLabel(spec, 'Mean over seeds').data.map((p) => p.y)).toEqual([2, 2.5])
    expect(byLabel(spec, `Mean over seeds · ${SEED_MARK}`).data).toHaveLength(5)
    expect(sweepNotes(withGap)).toContain(
      'At 1 point, 1 finished seed has no value (undefined there): the mean is over the seeds that have one'
    )
    expect(sweepNotes(withGap)[0]).toMatch(/n = 2 to 3 seeds per point \(of 3\)$/)
  })

  it('counts only finished runs, and says how many are not', () => {
    const running = input(
      'effectiveness',
      { fields: [{ path: 'theta', values: [1, 2] }], seeds: 2, seed: 1 },
      () => 1,
      (point, j) => (point === 1 && j === 1 ? 'running' : 'done')
    )
    expect(running.aggregate.points[1].aggregate).toMatchObject({ n: 1, of: 1 })
    expect(sweepNotes(running)).toContain('1 of 4 runs not done (yet): left out')
    expect(sweepNotes(running)).toContain(
      'No band at 1 point with fewer than 2 seeds that have a value'
    )
  })

  it('puts a log range on a log axis, and a choice at its positions with its words', () => {
    const log = input(
      'finetune',
      {
        fields: [
          { path: 'train.learningRate', range: { from: 0.001, to: 0.1, steps: 3, scale: 'log' } }
        ],
        seeds: 1,
        seed: 1
      },
      () => 1
    )
    expect(sweepAxis(log, 0).log).toBe(true)
    expect((sweepMeanSpec(log).options!.scales!.x as { type: string }).type).toBe('logarithmic')
    const choice = input(
      'finetune',
      { fields: [{ path: 'train.optimizer', values: ['sgd', 'adam'] }], seeds: 1, seed: 1 },
      () => 1
    )
    const axis = sweepAxis(choice, 0)
    expect(axis.numeric).toBe(false)
    expect(['sgd', 'adam'].map((v) => axis.position(v))).toEqual([0, 1])
    expect(axis.words('adam')).toBe('Adam')
    const x = sweepMeanSpec(choice).options!.scales!.x as {
      type: string
      min: number
      max: number
      ticks: { callback: (v: number) => string }
    }
    expect(x).toMatchObject({ type: 'linear', min: -0.5, max: 1.5 })
    expect([0, 1].map((v) => x.ticks.callback(v))).toEqual(['SGD', 'Adam'])
  })

  it('titles an axis by its field in words, a leading symbol kept as it is', () => {
    const width = input(
      'effectiveness',
      { fields: [{ path: 'm', values: [100, 200] }], seeds: 1, seed: 1 },
      () => 1
    )
    expect(sweepAxis(width, 0).title).toBe('Hidden width m')
    // λ for the advantage stays λ: a capital Λ is another symbol.
    const lambda = input(
      'detectability',
      { fields: [{ path: 'lambda', values: [2, 3] }], seeds: 1, seed: 1 },
      () => 1
    )
    expect(sweepAxis(lambda, 0).title).toBe('λ for the advantage λ')
  })

  it('tells values spaced evenly in log (a rounded log range) from evenly spaced ones', () => {
    expect(evenInLog([100, 316, 1000, 3162, 10000])).toBe(true)
    expect(evenInLog([1, 10, 100])).toBe(true)
    expect(evenInLog([1, 2, 3, 4, 20])).toBe(false)
    expect(evenInLog([100, 200, 400])).toBe(false) // even in log, but less than a factor 10
    expect(evenInLog([0, 10, 100])).toBe(false)
  })
})

describe('the heat map of a sweep of two fields', () => {
  const grid = input(
    'effectiveness',
    {
      fields: [
        { path: 'theta', values: [0, 1, 2] },
        { path: 'm', values: [100, 200] }
      ],
      seeds: 2,
      seed: 1
    },
    (p, j) =>
      p.theta === 2 && p.m === 200 ? null : (p.theta as number) + (p.m as number) / 100 + j
  )

  it('draws one cell per point, a unit square around its indices', () => {
    const cells = datasets(sweepHeatmapSpec(grid)).filter(
      (d) => d.label?.startsWith(`${CELL_MARK} · θ`) ?? false
    )
    expect(cells).toHaveLength(6)
    const cell = cells.find((c) => c.label === `${CELL_MARK} · θ = 1, m = 200`)!
    expect(cell.fill).toBe('shape')
    expect(cell.data).toEqual([
      { x: 0.5, y: 0.5 },
      { x: 0.5, y: 1.5 },
      { x: 1.5, y: 1.5 },
      { x: 1.5, y: 0.5 },
      { x: 0.5, y: 0.5 }
    ])
  })

  it('colours cells in the order of their means, and a cell without one in grey', () => {
    const spec = sweepHeatmapSpec(grid)
    const colour = (label: string) =>
      (byLabel(spec, `${CELL_MARK} · ${label}`) as unknown as { backgroundColor: string })
        .backgroundColor
    // Means: θ + m/100 + 0.5; the lowest (θ=0, m=100) is viridis(0), the highest viridis(1).
    expect(colour('θ = 0, m = 100')).toBe(viridis(0))
    expect(colour('θ = 2, m = 100')).toBe(viridis(1))
    expect(colour('θ = 1, m = 100')).toBe(viridis(0.5))
    expect(colour('θ = 2, m = 200')).toBe(NO_VALUE_COLOUR)
    const swatches = datasets(spec).filter((d) => d.fill === 'shape' && d.data.length === 0)
    expect(swatches.map((s) => s.label)).toEqual([
      '1.5 (lowest mean)',
      '2',
      '2.5',
      '3',
      '3.5 (highest mean)',
      'No value yet'
    ])
  })

  it('runs viridis from dark to light, so that a higher mean reads lighter in grey too', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    const steps = Array.from({ length: 21 }, (_, i) => luminance(viridis(i / 20)))
    steps.slice(1).forEach((l, i) => expect(l).toBeGreaterThan(steps[i]))
    expect(viridis(0)).toBe('#440154')
    expect(viridis(1)).toBe('#fde725')
  })

  it('refuses a sweep of one field', () => {
    expect(() =>
      sweepHeatmapSpec(
        input(
          'effectiveness',
          { fields: [{ path: 'theta', values: [1] }], seeds: 1, seed: 1 },
          () => 1
        )
      )
    ).toThrow(/two fields/)
  })
})
