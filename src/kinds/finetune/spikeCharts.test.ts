/**
 * The chart of the normalised spike energy per epoch (SCIENCE.md section 5), drawn from a real
 * fine-tuning run: one point per measured epoch for each network, its ends the values the run
 * reported before and after fine-tuning, the null band of each network's own weights around it,
 * and at θ = 0 one curve twice.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { finetuneConfigSchema, type FinetuneConfig } from './config'
import { runFinetune } from './run'
import { epochNormalisedSpikeChartSpec, nullBandLabel, normalisedSpikeChart } from './spikeCharts'
import { initBackend } from '../../main/lab/backend'
import { collectingReporter } from '../../main/lab/reporter'
import { modelStyle, type ChartPoint } from '../../shared/charts'
import { formatTick } from '../../shared/chartAxes'
import type { RunDetail, SeriesRecord } from '../../shared/results'
import { chartEntry } from '../charts'
import { doneRun } from '../../shared/testing/runs'

beforeAll(async () => {
  await initBackend()
})

const EPOCHS = 4

function config(theta: number): FinetuneConfig {
  return finetuneConfigSchema.parse({
    kind: 'finetune',
    d: 20,
    k: 4,
    m: 200,
    n: 256,
    nTest: 200,
    theta,
    lambdas: { from: 0, to: 6, steps: 7 },
    trackLambda: 2,
    seed: 3,
    // G is trained, with a learning rate that moves the rows visibly in a few epochs.
    train: { epochs: EPOCHS, batchSize: 32, learningRate: 0.01, parameters: ['G', 'tau'] }
  })
}

/** A finished run as the store gives it back: each series' points appended in order. */
async function finishedRun(theta: number): Promise<RunDetail> {
  const cfg = config(theta)
  const reporter = collectingReporter()
  await runFinetune(cfg, reporter)
  const series = new Map<string, SeriesRecord>()
  for (const r of reporter.seriesRecords) {
    const key = `${r.model}/${r.name}`
    const found = series.get(key)
    if (found) found.points.push(...r.points)
    else series.set(key, { ...r, points: [...r.points] })
  }
  return doneRun(1, cfg, [...series.values()], {
    name: 'r',
    seed: cfg.seed,
    backend: 'wasm',
    metrics: reporter.metricRecords
  })
}

const metric = (run: RunDetail, model: string, name: string) =>
  run.metrics.find((m) => m.model === model && m.name === name)!
const ys = (points: ChartPoint[]) => points.map((p) => p.y)
const xs = (points: ChartPoint[]) => points.map((p) => p.x)

describe('the normalised spike energy chart', () => {
  let run: RunDetail
  beforeAll(async () => {
    run = await finishedRun(4)
  })

  it('has one point per measured epoch for each network, from the value before to the value after', () => {
    const datasets = epochNormalisedSpikeChartSpec(run).data.datasets
    for (const model of ['clean', 'backdoored'] as const) {
      const line = datasets.find((d) => d.label === modelStyle[model].label)!
      expect(xs(line.data)).toEqual([0, 1, 2, 3, 4])
      const values = ys(line.data)
      expect(values[0]).toBe(metric(run, model, 'normalisedSpikeEnergy.before').value)
      expect(values[EPOCHS]).toBe(metric(run, model, 'normalisedSpikeEnergy.after').value)
      // Training moved the rows: the series is not one value repeated.
      expect(new Set(values).size).toBeGreaterThan(1)
    }
  })

  it("shades each network's null band, from the band before to the band after fine-tuning", () => {
    const datasets = epochNormalisedSpikeChartSpec(run).data.datasets
    for (const model of ['clean', 'backdoored'] as const) {
      const label = nullBandLabel(modelStyle[model].label)
      const [lower, upper] = ['lower', 'upper'].map((bound) =>
        datasets.find((d) => d.label === `${label} · 95% band ${bound}`)!
      )
      expect(xs(lower.data)).toEqual([0, 1, 2, 3, 4])
      expect(upper.fill).toBe('-1')
      for (const [i, when] of [
        [0, 'before'],
        [EPOCHS, 'after']
      ] as const) {
        const band = metric(run, model, `nullSpikeEnergy.${when}`)
        expect(lower.data[i].y).toBe(band.lower)
        expect(upper.data[i].y).toBe(band.upper)
      }
      // Every epoch's band is a range around its mean, drawn dotted under the band's name.
      const mean = datasets.find((d) => d.label === label)!
      expect(ys(mean.data)).toEqual(
        run.series
          .find((s) => s.model === model && s.name === 'epoch.nullSpikeEnergy')!
          .points.map((p) => p.value)
      )
      lower.data.forEach((p, i) => {
        expect(p.y!).toBeLessThan(mean.data[i].y!)
        expect(mean.data[i].y!).toBeLessThan(upper.data[i].y!)
      })
    }
    // θ = 4 is planted: the backdoored curve lies above its band at every epoch, the clean one
    // (no planted direction) inside its own band at the start.
    const backdoored = datasets.find((d) => d.label === modelStyle.backdoored.label)!
    const upper = datasets.find(
      (d) => d.label === `${nullBandLabel(modelStyle.backdoored.label)} · 95% band upper`
    )!
    backdoored.data.forEach((p, i) => expect(p.y!).toBeGreaterThan(upper.data[i].y!))
  })

  it('is the chart the registry exports, with card words that name the numbers they use', () => {
    expect(chartEntry(run, 'epoch-spike-normalised').spec(run)).toEqual(
      epochNormalisedSpikeChartSpec(run)
    )
    expect(normalisedSpikeChart.card.shown!(run)).toBe(true)
    expect(normalisedSpikeChart.card.caption(run)).toContain('200 random k-sparse unit directions')
    const label = normalisedSpikeChart.card.label(run)
    const before = metric(run, 'backdoored', 'normalisedSpikeEnergy.before').value!
    expect(label).toContain(`backdoored ${formatTick(before)} before`)
    // A run made before the statistic was recorded has no such chart.
    const older = { ...run, series: run.series.filter((s) => !s.name.includes('SpikeEnergy')) }
    expect(normalisedSpikeChart.card.shown!(older)).toBe(false)
  })
})

describe('the normalised spike energy chart at θ = 0', () => {
  it('draws the same curve and the same band for both networks', async () => {
    const run = await finishedRun(0)
    const datasets = epochNormalisedSpikeChartSpec(run).data.datasets
    const of = (label: string) => datasets.find((d) => d.label === label)!.data
    expect(of(modelStyle.backdoored.label)).toEqual(of(modelStyle.clean.label))
    for (const bound of ['lower', 'upper']) {
      expect(of(`${nullBandLabel(modelStyle.backdoored.label)} · 95% band ${bound}`)).toEqual(
        of(`${nullBandLabel(modelStyle.clean.label)} · 95% band ${bound}`)
      )
    }
    expect(of(modelStyle.clean.label)).toHaveLength(EPOCHS + 1)
  })
})
