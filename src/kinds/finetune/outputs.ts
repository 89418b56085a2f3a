/** What a fine-tuning run produces (SCIENCE.md section 6), by model. */
import { outputFinders, type Outputs } from '../../shared/results'
import { panelOutputs } from '../detectability/panel'

const panel = panelOutputs(['clean.before', 'backdoored.before', 'clean.after', 'backdoored.after'])

const measured = [
  'cleanAccuracy',
  'attackSuccessRate',
  'lambda50',
  'spikeEnergy',
  'loss',
  'tau',
  'a',
  // Later additions (SCIENCE.md section 5); runs made before them lack these.
  'robustAccuracy',
  'traceOverD',
  'normalisedSpikeEnergy',
  'nullSpikeEnergy'
] as const
const perModel = [
  ...measured.map((m) => `${m}.before` as const),
  ...measured.map((m) => `${m}.after` as const),
  'weightDrift.after'
] as const
const epochSeries = [
  'epoch.loss',
  'epoch.cleanAccuracy',
  'epoch.attackSuccessRate',
  'epoch.spikeEnergy',
  'epoch.weightDrift',
  'epoch.tau',
  'epoch.a',
  'epoch.traceOverD',
  'epoch.normalisedSpikeEnergy',
  'epoch.nullSpikeEnergy',
  'epoch.robustAccuracy'
] as const

export const finetuneOutputs = {
  metrics: {
    data: ['n', 'nTest', 'd', 'majorityRate'],
    run: [
      'trackLambda',
      'meanInputNorm',
      'epochsCompleted',
      'advantage.before',
      'advantage.after',
      'backdoorCost.before',
      'backdoorCost.after',
      'nullDirections'
    ],
    clean: perModel,
    backdoored: perModel,
    ...panel.metrics
  },
  series: {
    clean: [...epochSeries, 'attackSuccessRate.before', 'attackSuccessRate.after'],
    backdoored: [...epochSeries, 'attackSuccessRate.before', 'attackSuccessRate.after'],
    run: ['epoch.advantage'],
    ...panel.series
  }
} as const satisfies Outputs

export const { metric: metricOf, series: seriesOf } = outputFinders<typeof finetuneOutputs>()
