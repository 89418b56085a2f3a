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
  'nullSpikeEnergy',
  // The share of bootstrap resamples in which λ50 is not reached on the grid.
  'lambda50Undefined'
] as const
const perModel = [
  ...measured.map((m) => `${m}.before` as const),
  ...measured.map((m) => `${m}.after` as const),
  'weightDrift.after'
] as const
/** The per-epoch series of each model (x = epoch). */
export const EPOCH_SERIES = [
  'epoch.loss',
  'epoch.cleanAccuracy',
  'epoch.attackSuccessRate',
  'epoch.spikeEnergy',
  'epoch.weightDrift',
  // The trainable scalars, so a run stopped early still says where tau and a had moved.
  'epoch.tau',
  'epoch.a',
  // Additions of SCIENCE.md section 5: the spike energy next to the rows' scale and its null band,
  // and the robust accuracy that completes BackdoorBench's triple.
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
    clean: [...EPOCH_SERIES, 'attackSuccessRate.before', 'attackSuccessRate.after'],
    backdoored: [...EPOCH_SERIES, 'attackSuccessRate.before', 'attackSuccessRate.after'],
    run: ['epoch.advantage'],
    ...panel.series
  }
} as const satisfies Outputs

export const { metric: metricOf, series: seriesOf } = outputFinders<typeof finetuneOutputs>()
