import { describe, expect, it } from 'vitest'
import { effectivenessConfigSchema } from '../kinds/effectiveness/config'
import {
  anyGroup,
  columnAggregate,
  compareColumns,
  groupTag,
  meanRun,
  type CompareColumn
} from './compareGroups'
import {
  columnWords,
  metricCells,
  missingWords,
  notAveragedWords,
  nWords
} from './compareGroupWords'
import { sharedMetrics } from './history'
import type { MetricRecord, RunDetail, RunStatus, SeriesRecord } from './results'
import { doneRun } from './testing/runs'

const base = effectivenessConfigSchema.parse({ kind: 'effectiveness', m: 200, theta: 4 })

function run(
  id: number,
  seed: number,
  metrics: MetricRecord[],
  series: SeriesRecord[] = [],
  options: { theta?: number; status?: RunStatus } = {}
): RunDetail {
  return doneRun(id, { ...base, seed, theta: options.theta ?? base.theta }, series, {
    name: `θ = ${options.theta ?? 4}, seed ${seed}`,
    status: options.status ?? 'done',
    seed,
    notes: `notes of ${id}`,
    tags: ['mine'],
    metrics
  })
}

const metric = (name: string, value: number | null, model = 'backdoored'): MetricRecord => ({
  model,
  name,
  value,
  lower: value === null ? null : value - 0.01,
  upper: value === null ? null : value + 0.01
})

const asr = (xs: number[], values: (number | null)[]): SeriesRecord => ({
  model: 'backdoored',
  name: 'attackSuccessRate',
  points: xs.map((x, i) => ({ x, value: values[i], lower: 0, upper: 1 }))
})

/** Mean, sd and the 95% t-interval written out, for checking the code against. */
function direct(values: number[], t: number) {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1))
  return { mean, sd, lower: mean - (t * sd) / Math.sqrt(n), upper: mean + (t * sd) / Math.sqrt(n) }
}
// Student's t with 2 degrees of freedom has the closed form t = q·√(2 / (1 - q²)), q = 2p - 1.
const T2 = 0.95 * Math.sqrt(2 / (1 - 0.95 ** 2))
// With 4 degrees of freedom the quantile has no short closed form: its value as tables give it.
const T4 = 2.7764451051977987

describe('meanRun', () => {
  it('gives each metric the mean and t-interval over seeds, as computed directly', () => {
    const values = [0.81, 0.9, 0.72]
    const runs = values.map((v, i) => run(i + 1, i + 1, [metric('cleanAccuracy', v)]))
    const { run: mean, means } = meanRun(runs)
    const want = direct(values, T2)
    const got = mean.metrics.find((m) => m.name === 'cleanAccuracy')!
    expect(got.value).toBeCloseTo(want.mean, 12)
    expect(got.lower).toBeCloseTo(want.lower, 10)
    expect(got.upper).toBeCloseTo(want.upper, 10)
    const agg = means.metrics.get('backdoored/cleanAccuracy')!
    expect(agg).toMatchObject({ n: 3, of: 3, undefinedIn: 0, absentIn: 0 })
    expect(agg.sd).toBeCloseTo(want.sd, 12)
  })

  it('uses t with n - 1 degrees of freedom: five seeds, four degrees', () => {
    const values = [3.1, 2.4, 2.9, 3.6, 2.2]
    const runs = values.map((v, i) => run(10 + i, i + 1, [metric('lambda50', v)]))
    const got = meanRun(runs).run.metrics[0]
    const want = direct(values, T4)
    expect(got.lower).toBeCloseTo(want.lower, 10)
    expect(got.upper).toBeCloseTo(want.upper, 10)
  })

  it('draws a series as its mean curve with the t-interval at each x, a seed without a value left out there', () => {
    const xs = [0, 1, 2]
    const runs = [
      run(1, 1, [], [asr(xs, [0.1, 0.5, 0.9])]),
      run(2, 2, [], [asr(xs, [0.2, 0.4, null])]),
      run(3, 3, [], [asr(xs, [0.3, 0.6, 0.7])])
    ]
    const [series] = meanRun(runs).run.series
    expect(series.points.map((p) => p.x)).toEqual(xs)
    for (const [i, values] of [
      [0.1, 0.2, 0.3],
      [0.5, 0.4, 0.6]
    ].entries()) {
      const want = direct(values, T2)
      expect(series.points[i].value).toBeCloseTo(want.mean, 12)
      expect(series.points[i].lower).toBeCloseTo(want.lower, 10)
      expect(series.points[i].upper).toBeCloseTo(want.upper, 10)
    }
    // Two seeds at x = 2: t with one degree of freedom, tan(π(p - 1/2)) = tan(0.475π).
    const want = direct([0.9, 0.7], Math.tan(0.475 * Math.PI))
    expect(series.points[2].value).toBeCloseTo(want.mean, 12)
    expect(series.points[2].upper).toBeCloseTo(want.upper, 9)
  })

  it('has no interval for a group of one seed: a re-run of it is not a second draw', () => {
    const runs = [
      run(1, 7, [metric('cleanAccuracy', 0.8)], [asr([0, 1], [0.2, 0.6])]),
      run(2, 7, [metric('cleanAccuracy', 0.8)], [asr([0, 1], [0.2, 0.6])])
    ]
    const { run: mean, means } = meanRun(runs)
    expect(means.counted.map((r) => r.id)).toEqual([1])
    expect(mean.metrics[0]).toMatchObject({ value: 0.8, lower: null, upper: null })
    expect(mean.series[0].points.every((p) => p.lower === null && p.upper === null)).toBe(true)
    expect(nWords(means.metrics.get('backdoored/cleanAccuracy')!)).toBe('n = 1')
  })

  it('leaves out a series whose x differ between seeds, or that some seeds lack, and says why', () => {
    const accuracy = (xs: number[]): SeriesRecord => ({
      model: 'probe',
      name: 'scatter',
      points: xs.map((x) => ({ x, value: 0.5 }))
    })
    const runs = [
      run(1, 1, [], [asr([0, 1], [0.1, 0.6]), accuracy([0.71, 0.8])]),
      run(2, 2, [], [asr([0, 1], [0.2, 0.7]), accuracy([0.69, 0.8])]),
      run(3, 3, [], [accuracy([0.7, 0.8]), { ...asr([0, 1], [0, 0]), name: 'advantage' }])
    ]
    const { run: mean, means } = meanRun(runs)
    expect(mean.series).toEqual([])
    const [column] = compareColumns(runs, true)
    expect(notAveragedWords(column)).toEqual([
      'No mean curve of Attack success rate (backdoored network): only 2 of the 3 seeds have them',
      'No mean curve of scatter (clean probes): their x values differ between seeds (each run measures its own)',
      'No mean curve of Backdoor advantage (backdoored network): only 1 of the 3 seeds has them'
    ])
    const twice = { ...column.group!, notAveraged: [...column.group!.notAveraged] }
    twice.notAveraged.push({ ...twice.notAveraged[1], name: 'histogram' })
    expect(notAveragedWords({ ...column, group: twice })[1]).toBe(
      'No mean curve of scatter (clean probes) and histogram (clean probes): their x values differ between seeds (each run measures its own)'
    )
    expect(means.notAveraged.map((s) => [s.name, s.reason])).toEqual([
      ['attackSuccessRate', 'only 2 of the 3 seeds have them'],
      ['scatter', 'their x values differ between seeds (each run measures its own)'],
      ['advantage', 'only 1 of the 3 seeds has them']
    ])
  })

  it('counts done runs only and keeps what belongs to one run out of the mean run', () => {
    const runs = [
      run(4, 1, [metric('cleanAccuracy', 0.8)]),
      run(5, 2, [metric('cleanAccuracy', 0.6)]),
      run(6, 3, [metric('cleanAccuracy', 0.1)], [], { status: 'running' })
    ]
    const { run: mean, means } = meanRun(runs)
    expect(mean.metrics[0].value).toBeCloseTo(0.7, 12)
    expect(means.seeds).toEqual([1, 2, 3])
    expect(mean).toMatchObject({ id: 5, name: 'θ = 4', status: 'done', notes: '', tags: [] })
  })

  it('averages λ50 over seeds and the λ50 ratio as the mean of each seed’s ratio', () => {
    const l50 = [
      { clean: 4.2, backdoored: 1.4 },
      { clean: 5.1, backdoored: 1.2 },
      { clean: 3.9, backdoored: 1.5 }
    ]
    const runs = l50.map((v, i) =>
      run(i + 1, i + 1, [
        metric('lambda50', v.clean, 'clean'),
        metric('lambda50', v.backdoored),
        metric('lambda50Ratio', v.clean / v.backdoored, 'run')
      ])
    )
    const { run: mean } = meanRun(runs)
    const ratio = mean.metrics.find((m) => m.name === 'lambda50Ratio')!
    const want = direct(
      l50.map((v) => v.clean / v.backdoored),
      T2
    )
    expect(ratio.value).toBeCloseTo(want.mean, 12)
    expect(ratio.lower).toBeCloseTo(want.lower, 10)
    expect(ratio.upper).toBeCloseTo(want.upper, 10)
    const clean = mean.metrics.find((m) => m.name === 'lambda50' && m.model === 'clean')!
    expect(clean.value).toBeCloseTo(direct([4.2, 5.1, 3.9], T2).mean, 12)
  })

  it('says a λ50 beyond the grid bounds the mean, and tells an undefined value from an absent one', () => {
    const runs = [
      run(1, 1, [metric('lambda50', 2), metric('lambda50Ratio', 2, 'run')]),
      run(2, 2, [metric('lambda50', 3), metric('lambda50Ratio', null, 'run')]),
      run(3, 3, [metric('lambda50', null), metric('lambda50Ratio', null, 'run')]),
      run(4, 4, [metric('cleanAccuracy', 0.9)])
    ]
    const { means } = meanRun(runs)
    const l50 = means.metrics.get('backdoored/lambda50')!
    expect(l50).toMatchObject({ n: 2, of: 4, undefinedIn: 1, absentIn: 1, mean: 2.5 })
    expect(nWords(l50)).toBe('n = 2 of 4')
    const words = missingWords('lambda50', l50)!
    expect(words).toContain('in 1 seed of 4 the ASR never reached 0.5 on the λ grid')
    expect(words).toContain('larger than this mean over 2')
    expect(words).toContain('1 of the 4 runs predates this metric')
    const ratio = means.metrics.get('run/lambda50Ratio')!
    expect(missingWords('lambda50Ratio', ratio)).toContain('in 2 seeds of 4 the ratio is undefined')
    expect(missingWords('cleanAccuracy', means.metrics.get('backdoored/cleanAccuracy')!)).toBe(
      '3 of the 4 runs predate this metric'
    )
    const full = meanRun(runs.slice(0, 2)).means.metrics.get('backdoored/lambda50')!
    expect(missingWords('lambda50', full)).toBeNull()
  })

  it('refuses no runs', () => {
    expect(() => meanRun([])).toThrow('at least one run')
  })
})

describe('compareColumns', () => {
  const group = (first: number, theta: number) =>
    [0, 1, 2].map((i) =>
      run(first + i, i + 1, [metric('cleanAccuracy', 0.7 + i / 10)], [], { theta })
    )
  const runs = [...group(1, 4), run(9, 5, [metric('cleanAccuracy', 0.5)], [], { theta: 1 })]
  runs.push(...group(20, 2))

  it('grouped: one column per seed group, in the order of its first run, a run alone by its id', () => {
    const columns = compareColumns(runs, true)
    expect(columns.map((c) => [c.tag, c.legend, c.runs.map((r) => r.id)])).toEqual([
      ['A', 'A (mean of 3 seeds)', [1, 2, 3]],
      ['#9', '#9', [9]],
      ['B', 'B (mean of 3 seeds)', [20, 21, 22]]
    ])
    expect(columns[1].run).toBe(runs[3])
    expect(
      columnAggregate(columns[0], { model: 'backdoored', name: 'cleanAccuracy' })
    ).toMatchObject({ n: 3 })
    expect(columnAggregate(columns[1], { model: 'backdoored', name: 'cleanAccuracy' })).toBeNull()
  })

  it('ungrouped: a column per run', () => {
    expect(compareColumns(runs, false).map((c) => c.tag)).toEqual(runs.map((r) => `#${r.id}`))
    expect(anyGroup(runs)).toBe(true)
    expect(anyGroup(runs.slice(2, 4))).toBe(false)
  })

  it('names groups A … Z, then AA', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(groupTag)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA'
    ])
  })

  it('says what a group column is made of, and which runs do not count', () => {
    const mixed = [...group(1, 4), run(4, 2, [], [], { status: 'done' })]
    mixed.push(run(5, 6, [], [], { status: 'failed' }))
    const [column] = compareColumns(mixed, true) as [CompareColumn]
    expect(columnWords(column)).toBe(
      'mean over 3 seeds (1, 2, 3): runs #1, #2, #3; #4 repeats seed 2 and is not counted twice; #5 (seed 6) is failed and not counted'
    )
  })
})

describe('metricCells', () => {
  it('gives a group its mean, t-interval and n, a value shared by every seed once, a run its own', () => {
    const seeds = [0.8, 0.9, 0.7].map((v, i) =>
      run(i + 1, i + 1, [metric('cleanAccuracy', v), { model: 'data', name: 'd', value: 20 }])
    )
    const alone = run(
      9,
      5,
      [metric('cleanAccuracy', 0.5), { model: 'data', name: 'd', value: 30 }],
      [],
      { theta: 1 }
    )
    const columns = compareColumns([...seeds, alone], true)
    const rows = sharedMetrics(columns.map((c) => c.run)).shared
    const [accuracy, d] = rows.map((row) => metricCells(columns, row))
    const want = direct([0.8, 0.9, 0.7], T2)
    expect(accuracy[0].value).toBeCloseTo(want.mean, 12)
    expect(accuracy[0].upper).toBeCloseTo(want.upper, 10)
    expect(accuracy[0]).toMatchObject({ n: 'n = 3', missing: null })
    expect(accuracy[1]).toEqual({ value: 0.5, lower: 0.49, upper: 0.51, n: null, missing: null })
    expect(d[0]).toEqual({
      value: 20,
      lower: null,
      upper: null,
      n: 'n = 3, the same in each',
      missing: null
    })
  })
})
