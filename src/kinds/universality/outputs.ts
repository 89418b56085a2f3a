/** What a universality run produces (SCIENCE.md section 7), by model (head family). */
import { outputFinders, type Outputs } from '../../shared/results'
import { panelOutputs } from '../detectability/panel'

const panel = panelOutputs(['encoder'])

const family = [
  'cleanAccuracy.mean',
  'attackSuccessRate.mean',
  'rankingReversalRate.mean',
  'attackSuccessRate.min',
  'attackSuccessRate.max'
] as const

export const universalityOutputs = {
  metrics: {
    attacker: ['cleanAccuracy', 'attackSuccessRate', 'rankingReversalRate'],
    nullifying: ['cleanAccuracy', 'attackSuccessRate'],
    witness: ['cleanAccuracy', 'attackSuccessRate'],
    probe: family,
    random: family,
    run: [
      'universalityGap',
      'L',
      'd',
      'n',
      'nTest',
      'witnessHolds',
      'witnessCleanNotTarget',
      'witnessTriggeredNotTarget',
      'reversalCleanNotTarget',
      'reversalTriggeredNotTarget',
      'witnessIndex',
      'witnessChoice',
      'witnessLabel',
      'witnessTarget',
      'witnessConstruction',
      'nullifyingResidual',
      'triggerShiftNorm'
    ],
    ...panel.metrics
  },
  series: {
    attacker: ['scatter', 'asrPerTarget'],
    probe: ['scatter'],
    random: ['scatter', 'asrHistogram'],
    nullifying: ['scatter', 'asrPerTarget'],
    witness: [
      'scores.attacker.clean',
      'scores.attacker.triggered',
      'scores.witness.clean',
      'scores.witness.triggered'
    ],
    ...panel.series
  }
} as const satisfies Outputs

export const { metric: metricOf, series: seriesOf } = outputFinders<typeof universalityOutputs>()
