/**
 * Charts the random-ReLU kinds share (effectiveness and fine-tuning): ASR(λ) with its bands and
 * the large-width theory, and what the advantage chart says when θ = 0 makes it 0.
 */
import type { RunDetail, SeriesRecord } from './results'
import { findSeries } from './results'
import { baseOptions } from './chartAxes'
import {
  REFERENCE_MARK,
  band,
  measured,
  modelStyle,
  paperBackground,
  paperStyle,
  theory,
  withAlpha,
  xRange,
  type LineChartSpec,
  type LineDataset
} from './charts'

/**
 * ASR(λ) (SCIENCE.md section 5): the clean and backdoored networks as measured, each with its
 * 95% Wilson band, and the large-width theory of each as a dashed curve; a dotted line marks
 * ASR = 0.5, where λ50 is read. Series that the run has not produced (yet) are left out.
 */
export function asrChartSpec(run: Pick<RunDetail, 'series'>): LineChartSpec {
  const clean = findSeries(run, 'clean', 'attackSuccessRate')
  const backdoored = findSeries(run, 'backdoored', 'attackSuccessRate')
  const theoryClean = findSeries(run, 'theory.clean', 'attackSuccessRate')
  const theoryBackdoored = findSeries(run, 'theory.backdoored', 'attackSuccessRate')
  const datasets: LineDataset[] = []
  for (const [series, style] of [
    [clean, modelStyle.clean],
    [backdoored, modelStyle.backdoored]
  ] as const) {
    if (series) datasets.push(...band(series, style.label, style.colour))
  }
  for (const [series, style] of [
    [clean, modelStyle.clean],
    [backdoored, modelStyle.backdoored]
  ] as const) {
    if (series) datasets.push(measured(series, style.label, style.colour))
  }
  for (const [series, style] of [
    [theoryClean, modelStyle['theory.clean']],
    [theoryBackdoored, modelStyle['theory.backdoored']]
  ] as const) {
    if (series) datasets.push(theory(series, style.label, style.colour))
  }
  const x = xRange([clean, backdoored, theoryClean, theoryBackdoored])
  if (x) {
    datasets.push({
      label: REFERENCE_MARK,
      data: [
        { x: x[0], y: 0.5 },
        { x: x[1], y: 0.5 }
      ],
      borderColor: withAlpha(modelStyle.reference.colour, 0.35),
      backgroundColor: withAlpha(modelStyle.reference.colour, 0.35),
      borderWidth: 1,
      borderDash: [...paperStyle.referenceDash],
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 0,
      fill: false,
      order: 4
    })
  }
  return {
    type: 'line',
    data: { datasets },
    options: baseOptions('Trigger scale λ', 'Attack success rate', { min: 0, max: 1 }, x),
    plugins: [paperBackground]
  }
}

/**
 * At θ = 0 the backdoored network is the clean one (SCIENCE.md §4), so the advantage is 0 by
 * construction: said instead of drawing an interval around it, when every point is exactly 0.
 */
export const ZERO_BY_CONSTRUCTION =
  'At θ = 0 the two networks are the same, so the advantage is 0 by construction (no interval drawn)'

export function zeroByConstruction(
  config: { theta?: number } | object,
  series: SeriesRecord | undefined
): boolean {
  return (
    'theta' in config &&
    config.theta === 0 &&
    !!series &&
    series.points.length > 0 &&
    series.points.every((p) => p.value === 0)
  )
}
