/** What an effectiveness run produces (SCIENCE.md section 5), by model. */
import { outputFinders, type Outputs } from '../../shared/results'
import { panelOutputs } from '../detectability/panel'

const panel = panelOutputs(['clean', 'backdoored'])

const perModel = ['tau', 'cleanAccuracy', 'lambda50', 'candidates'] as const

export const effectivenessOutputs = {
  metrics: {
    clean: [...perModel, 'spikeEnergy'],
    backdoored: [...perModel, 'relativeTriggerSize', 'spikeEnergy'],
    'theory.clean': perModel,
    'theory.backdoored': perModel,
    run: ['lambda50Ratio', 'meanInputNorm', 'backdoorCost'],
    data: ['majorityRate'],
    theory: ['lambda50Ratio'],
    ...panel.metrics
  },
  series: {
    clean: ['attackSuccessRate'],
    backdoored: ['attackSuccessRate'],
    'theory.clean': ['attackSuccessRate'],
    'theory.backdoored': ['attackSuccessRate'],
    run: ['advantage', 'relativeTriggerSize'],
    ...panel.series
  }
} as const satisfies Outputs

export const { metric: metricOf, series: seriesOf } = outputFinders<typeof effectivenessOutputs>()
