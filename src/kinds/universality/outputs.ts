/** What a universality run produces (SCIENCE.md section 7), by model (head family). */
import { outputFinders, type Outputs } from '../../shared/results'
import { panelOutputs } from '../detectability/panel'

const panel = panelOutputs(['encoder'])

/** One head: its clean accuracy and ASR for the target. */
const single = ['cleanAccuracy', 'attackSuccessRate', 'matchedHeads'] as const
/** Many heads: the mean, min and max over them. */
const family = [
  'cleanAccuracy.mean',
  'attackSuccessRate.mean',
  'attackSuccessRate.min',
  'attackSuccessRate.max',
  'matchedHeads'
] as const
const familySeries = [
  'scatter',
  'asrPerTarget.mean',
  'asrPerTarget.min',
  'asrPerTarget.max'
] as const
/** Run-wide numbers of one encoder (measures.ts). */
const encoderRun = ['matchedGap', 'matchedHeads'] as const

export const universalityOutputs = {
  metrics: {
    attacker: [...single, 'rankingReversalRate'],
    nullifying: single,
    witness: ['cleanAccuracy', 'attackSuccessRate'],
    probe: [...family, 'rankingReversalRate.mean'],
    random: [...family, 'rankingReversalRate.mean'],
    run: [
      ...encoderRun,
      'encoderContribution',
      'majorityRate',
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
    /** The clean-encoder twin: theta = 0, the same draws and the same heads. */
    'cleanEncoder.attacker': single,
    'cleanEncoder.nullifying': single,
    'cleanEncoder.probe': family,
    'cleanEncoder.random': family,
    'cleanEncoder.run': encoderRun,
    ...panel.metrics
  },
  series: {
    attacker: ['scatter', 'asrPerTarget'],
    probe: familySeries,
    random: [...familySeries, 'asrHistogram'],
    nullifying: ['scatter', 'asrPerTarget'],
    witness: [
      'asrPerTarget',
      'scores.attacker.clean',
      'scores.attacker.triggered',
      'scores.witness.clean',
      'scores.witness.triggered'
    ],
    'cleanEncoder.attacker': ['scatter', 'asrPerTarget'],
    'cleanEncoder.probe': familySeries,
    'cleanEncoder.random': [...familySeries, 'asrHistogram'],
    'cleanEncoder.nullifying': ['scatter', 'asrPerTarget'],
    ...panel.series
  }
} as const satisfies Outputs

export const { metric: metricOf, series: seriesOf } = outputFinders<typeof universalityOutputs>()
