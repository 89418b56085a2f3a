/** The charts of an effectiveness run: ASR(λ) with the theory overlay, and the advantage. */
import { metricOf, seriesOf } from './outputs'
import {
  band,
  measured,
  modelStyle,
  paperBackground,
  xRange,
  type LineChartSpec,
  type LineDataset
} from '../../shared/charts'
import { baseOptions, markZero } from '../../shared/chartAxes'
import { asrChartSpec, ZERO_BY_CONSTRUCTION, zeroByConstruction } from '../../shared/reluCharts'
import type { ChartDefinition } from '../../shared/chartEntry'
import { sig } from '../../shared/format'
import { type RunDetail } from '../../shared/results'

/**
 * Backdoor advantage ASR_backdoored − ASR_clean over λ, with its 95% band and a tick at 0. At
 * θ = 0 it is 0 by construction: no band, and a note that says so.
 */
export function advantageChartSpec(run: Pick<RunDetail, 'series' | 'config'>): LineChartSpec {
  const advantage = seriesOf(run, 'run', 'advantage')
  const style = modelStyle.advantage
  const byConstruction = zeroByConstruction(run.config, advantage)
  const datasets: LineDataset[] = advantage
    ? [
        ...(byConstruction ? [] : band(advantage, style.label, style.colour)),
        measured(advantage, style.label, style.colour)
      ]
    : []
  const options = baseOptions(
    'Trigger scale λ',
    'Advantage (Δ ASR)',
    { suggestedMin: 0 },
    xRange([advantage])
  )
  markZero(options)
  if (byConstruction) options.plugins!.paper = { notes: [ZERO_BY_CONSTRUCTION] }
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

export const effectivenessCharts: ChartDefinition[] = [
  {
    name: 'asr',
    title: 'Attack success rate over trigger scale λ',
    spec: asrChartSpec,
    marks: 'shaded: 95% Wilson intervals; dashed: large-width theory; dotted: ASR = 0.5',
    card: {
      heading: () => 'Attack success rate over trigger scale',
      caption: () =>
        'Dots: measured ASR of the clean and backdoored networks on held-out inputs not already in the target class, shaded 95% Wilson intervals over those inputs (not over the key, the weights or the training data). Dashed: the large-width theory of each on the same inputs. Dotted: ASR = 0.5, where λ50 is read.',
      label: (run) => {
        const l50 = (model: 'clean' | 'backdoored' | 'theory.clean' | 'theory.backdoored') => {
          const v = metricOf(run, model, 'lambda50')?.value
          return v == null ? '—' : sig(v)
        }
        return `Attack success rate against trigger scale λ. λ50: clean ${l50('clean')}, backdoored ${l50('backdoored')}; theory ${l50('theory.clean')} and ${l50('theory.backdoored')}.`
      },
      shown: (run) =>
        (['clean', 'backdoored', 'theory.clean', 'theory.backdoored'] as const).some((m) =>
          seriesOf(run, m, 'attackSuccessRate')
        )
    }
  },
  {
    name: 'advantage',
    title: 'Backdoor advantage (ASR backdoored − ASR clean) over trigger scale λ',
    spec: advantageChartSpec,
    marks:
      'shaded: 95% Newcombe intervals of the difference (conservative for networks that share their draws)',
    card: {
      heading: () => 'Backdoor advantage',
      caption: (run) =>
        zeroByConstruction(run.config, seriesOf(run, 'run', 'advantage'))
          ? `ASR backdoored − ASR clean at the same λ. ${ZERO_BY_CONSTRUCTION}.`
          : 'ASR backdoored − ASR clean at the same λ, with its 95% Newcombe interval over the held-out inputs of this one pair of networks (not over the key, the weights or the training data). The interval treats the two rates as independent; the networks share their Gaussian draws, so it is conservative.',
      label: () => 'Backdoor advantage: ASR of the backdoored minus the clean network, over λ',
      shown: (run) => !!seriesOf(run, 'run', 'advantage'),
      small: true
    }
  }
]
