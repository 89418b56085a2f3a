/**
 * What every per-epoch chart of a fine-tuning run shares (SCIENCE.md section 6): the two
 * networks and their styles, the epoch axis, and a chart of one per-epoch series of both.
 */
import { seriesOf } from './outputs'
import { findSeries } from '../../shared/results'
import {
  modelStyle,
  okabeIto,
  paperBackground,
  paperStyle,
  perModelDatasets,
  xRange,
  type LineChartSpec
} from '../../shared/charts'
import { baseOptions, formatTick } from '../../shared/chartAxes'
import { type RunDetail, type SeriesRecord } from '../../shared/results'
import { totalEpochs } from './summary'

export const finetuneStyle = {
  before: { suffix: 'before fine-tuning', dash: [...paperStyle.theoryDash], bandAlpha: 0.1 },
  after: { suffix: 'after fine-tuning', dash: [] as number[], bandAlpha: paperStyle.bandAlpha },
  theta: { colour: okabeIto.black },
  tracked: { colour: okabeIto.reddishPurple }
} as const

export type FinetuneRun = Pick<RunDetail, 'series' | 'metrics' | 'config'>
export const finetuneModels = [
  ['clean', modelStyle.clean],
  ['backdoored', modelStyle.backdoored]
] as const

/** Up to this many epochs the axis spans them all from the start, so live points fill it in. */
export const FIXED_EPOCH_AXIS = 50

/**
 * The epoch axis: from 0 (or the first point) to the configured epochs. Long runs start with
 * the first FIXED_EPOCH_AXIS epochs and double the span as points arrive, so early epochs stay
 * readable; the axis never ends before the last point.
 */
export function epochRange(
  run: FinetuneRun,
  series: (SeriesRecord | undefined)[]
): [number, number] | null {
  const range = xRange(series)
  if (!range) return null
  const from = Math.min(0, range[0])
  const last = range[1]
  const epochs = totalEpochs(run)
  const span =
    epochs <= FIXED_EPOCH_AXIS ? epochs : Math.min(epochs, Math.max(FIXED_EPOCH_AXIS, 2 * last))
  const to = Math.max(last, span)
  return [from, to > from ? to : from + 1]
}

/** Whole epochs on the x axis, however many there are. */
export function epochOptions(
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number },
  x: [number, number] | null
): NonNullable<LineChartSpec['options']> {
  const options = baseOptions('Epoch', yTitle, y, x)
  const scales = options.scales as Record<string, { ticks?: Record<string, unknown> }>
  scales.x.ticks = { ...scales.x.ticks, precision: 0 }
  return options
}

export function epochChart(
  run: FinetuneRun,
  name: string,
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number }
): { spec: LineChartSpec; series: (SeriesRecord | undefined)[] } {
  const series = finetuneModels.map(([model]) => findSeries(run, model, name))
  const datasets = perModelDatasets(
    finetuneModels.map(([, style], i) => ({
      series: series[i],
      label: style.label,
      colour: style.colour
    }))
  )
  return {
    spec: {
      type: 'line',
      data: { datasets },
      options: epochOptions(yTitle, y, epochRange(run, series)),
      plugins: [paperBackground]
    },
    series
  }
}

export function thetaLabel(theta: number): string {
  return `θ = ${formatTick(theta)} (planted)`
}

/** Whether either network has series `name`. */
export const hasAny = (run: RunDetail, name: string) =>
  ['clean', 'backdoored'].some((model) => !!findSeries(run, model, name))

/** Whether the run has measured anything per epoch (epoch 0 is before fine-tuning). */
export function hasEpochs(run: RunDetail): boolean {
  return (
    hasAny(run, 'epoch.attackSuccessRate') ||
    !!seriesOf(run, 'run', 'epoch.advantage') ||
    hasAny(run, 'epoch.loss') ||
    hasAny(run, 'epoch.cleanAccuracy')
  )
}
