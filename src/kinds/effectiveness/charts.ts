/** The charts of an effectiveness run: ASR(λ) with the theory overlay, and the advantage. */
import {
  asrChartSpec,
  band,
  baseOptions,
  measured,
  modelStyle,
  paperBackground,
  xRange,
  type LineChartSpec,
  type LineDataset
} from '../../shared/charts'
import type { ChartDefinition } from '../../shared/chartEntry'
import { findSeries, type RunDetail } from '../../shared/results'

/** Backdoor advantage ASR_backdoored − ASR_clean over λ, with its 95% band. */
export function advantageChartSpec(run: Pick<RunDetail, 'series'>): LineChartSpec {
  const advantage = findSeries(run, 'run', 'advantage')
  const style = modelStyle.advantage
  const datasets: LineDataset[] = advantage
    ? [
        ...band(advantage, style.label, style.colour),
        measured(advantage, style.label, style.colour)
      ]
    : []
  const options = baseOptions(
    'Trigger scale λ',
    'Advantage (Δ ASR)',
    { suggestedMin: 0 },
    xRange([advantage])
  )
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

export const effectivenessCharts: ChartDefinition[] = [
  {
    name: 'asr',
    title: 'Attack success rate over trigger scale λ',
    spec: asrChartSpec,
    marks: 'shaded: 95% Wilson intervals; dashed: large-width theory; dotted: ASR = 0.5'
  },
  {
    name: 'advantage',
    title: 'Backdoor advantage (ASR backdoored − ASR clean) over trigger scale λ',
    spec: advantageChartSpec,
    marks:
      'shaded: 95% Newcombe intervals of the difference (conservative for networks that share their draws)'
  }
]
