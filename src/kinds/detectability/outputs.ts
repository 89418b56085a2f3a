/** What a detectability frontier produces (SCIENCE.md section 11), by model. */
import { outputFinders, type Outputs } from '../../shared/results'
import { STATISTIC_NAMES, type StatisticName } from './panel'

/** Each test's model: the statistic it thresholds. */
export const TEST_MODELS = {
  topEigenvalue: 'spectral',
  maxDiagonal: 'diagonal',
  sparseEigenvalue: 'sparse'
} as const satisfies Record<StatisticName, string>
export type TestModel = (typeof TEST_MODELS)[StatisticName]
export const TESTS = STATISTIC_NAMES.map((s) => TEST_MODELS[s])

const perTestMetrics = ['size', 'nullMean', 'nullSd'] as const
const perTestSeries = ['power', 'auroc', 'meanStatistic'] as const

export const detectabilityOutputs = {
  metrics: {
    run: [
      'bbpThreshold',
      'mpEdge',
      'finiteSizeEdge',
      'nullDraws',
      'drawsPerTheta',
      'thetasDone',
      'undetectedTheta'
    ],
    spectral: perTestMetrics,
    diagonal: perTestMetrics,
    sparse: perTestMetrics
  },
  series: {
    spectral: perTestSeries,
    diagonal: perTestSeries,
    sparse: perTestSeries,
    strength: ['lambda50Ratio', 'lambda50Ratio.draws', 'advantage', 'cleanAccuracyCost'],
    theory: ['topEigenvalue'],
    // One point per draw (x = θ, R points per θ in draw order): its seed, which reproduces it as an
    // effectiveness run, and its numbers.
    draw: [
      'seed',
      'lambda50Ratio',
      'advantage',
      'cleanAccuracyCost',
      ...STATISTIC_NAMES,
      ...STATISTIC_NAMES.map((s) => `${s}.pValue` as const)
    ]
  }
} as const satisfies Outputs

export const { metric: metricOf, series: seriesOf } = outputFinders<typeof detectabilityOutputs>()
