/**
 * Backdoor effectiveness of the random-ReLU construction (SCIENCE.md sections 3-5): clean and
 * backdoored networks from common random numbers, tau fitted on training data, ASR over a lambda
 * grid on held-out data, and the large-m theory overlay on the same inputs.
 */
import { type EffectivenessConfig } from './config'
import { lambdaValues } from '../../shared/schema'
import { normTask, rowNormsAndProjections } from '../../main/lab/data'
import {
  backdooredRows,
  limitScores,
  sampleReluWeights,
  scoreGrid,
  spikeEnergy,
  spikeEnergyStdError
} from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import {
  Z95,
  differenceInterval,
  fitThreshold,
  lambda50,
  majorityRate,
  mean,
  medianThreshold,
  wilsonInterval,
  type Interval
} from '../../main/lab/stats'
import { costedSteps, type Reporter } from '../../main/lab/reporter'
import {
  BOOTSTRAP_RESAMPLES,
  lambda50Bootstrap,
  type AttackOutcomes,
  type BootstrapEstimate
} from '../../main/lab/lambda50Bootstrap'
import { relabelWithTeacher } from '../../main/lab/teacher'
import { finiteOrNull } from '../../shared/results'
import type { KindRunner } from '../runner'
import { reportReluPanel, startPanelNull, trackProgress } from '../../main/lab/detectPanel'

export const MODELS = ['clean', 'backdoored', 'theory.clean', 'theory.backdoored'] as const
type Model = (typeof MODELS)[number]

interface ModelScores {
  /** Training scores at lambda = 0, for tau. */
  train: ArrayLike<number>
  /** Held-out scores, one array per lambda. */
  test: ArrayLike<number>[]
}

export interface EffectivenessOptions {
  /**
   * Whether to bootstrap the interval of λ50 and the λ50 ratio (default yes). A caller that
   * reads only the point values, as the detectability frontier does for its many draws, skips it.
   */
  lambda50Interval?: boolean
}

export async function runEffectiveness(
  config: EffectivenessConfig,
  report: Reporter,
  options: EffectivenessOptions = {}
): Promise<void> {
  const { d, m, k, theta, n, nTest, seed } = config
  const withInterval = options.lambda50Interval ?? true
  const lambdas = lambdaValues(config.lambdas)
  const tick = costedSteps(report, stepCosts(config, lambdas.length, withInterval))

  const train = normTask(n, d, stream(seed, 'data/train'))
  const test = normTask(nTest, d, stream(seed, 'data/test'))
  if (config.labels === 'teacher') relabelWithTeacher([train, test], config)
  const s = sampleSecret(d, k, stream(seed, 'key'))
  tick('data')

  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const trainGrid = scoreGrid(train.x, n, weights, s, theta, [0])
  tick('weights')
  const testGrid = scoreGrid(test.x, nTest, weights, s, theta, lambdas, () => tick('scores'))

  const sNormSq = s.reduce((acc, v) => acc + v * v, 0)
  const trainGeometry = rowNormsAndProjections(train, s)
  const testGeometry = rowNormsAndProjections(test, s)
  const theoryScores = (thetaOfModel: number): ModelScores => ({
    train: limitScores(
      trainGeometry.squaredNorms,
      trainGeometry.projections,
      sNormSq,
      thetaOfModel,
      0
    ),
    test: lambdas.map((lambda) =>
      limitScores(
        testGeometry.squaredNorms,
        testGeometry.projections,
        sNormSq,
        thetaOfModel,
        lambda
      )
    )
  })
  const scores: Record<Model, ModelScores> = {
    clean: { train: trainGrid.clean[0], test: testGrid.clean },
    backdoored: { train: trainGrid.backdoored[0], test: testGrid.backdoored },
    'theory.clean': theoryScores(0),
    'theory.backdoored': theoryScores(theta)
  }

  const asr: Partial<Record<Model, Interval[]>> = {}
  const accuracy: Partial<Record<Model, Interval>> = {}
  const l50: Partial<Record<Model, number | null>> = {}
  const outcomes: Partial<Record<Model, AttackOutcomes>> = {}
  for (const model of MODELS) {
    const { train: trainScores, test: testScores } = scores[model]
    const tau =
      config.tauRule === 'median'
        ? medianThreshold(trainScores)
        : fitThreshold(trainScores, train.y)
    const predict = (values: ArrayLike<number>, i: number) => (values[i] > tau ? 1 : -1)
    let correct = 0
    for (let i = 0; i < nTest; i++) if (predict(testScores[0], i) === test.y[i]) correct++
    const candidates: number[] = []
    for (let i = 0; i < nTest; i++)
      if (predict(testScores[0], i) !== config.target) candidates.push(i)
    const rates = testScores.map((values) => {
      const flipped = candidates.filter((i) => predict(values, i) === config.target).length
      return wilsonInterval(flipped, candidates.length)
    })
    if (model === 'clean' || model === 'backdoored') {
      const candidate = new Uint8Array(nTest)
      for (const i of candidates) candidate[i] = 1
      const inTarget = (j: number, i: number) => predict(testScores[j], i) === config.target
      outcomes[model] = { candidate, inTarget }
    }
    asr[model] = rates
    l50[model] = lambda50(
      lambdas,
      rates.map((r) => (Number.isNaN(r.value) ? 0 : r.value))
    )
    report.metric({ model, name: 'tau', value: tau })
    accuracy[model] = wilsonInterval(correct, nTest)
    report.metric({ model, name: 'cleanAccuracy', ...accuracy[model] })
    if (model !== 'clean' && model !== 'backdoored')
      report.metric({ model, name: 'lambda50', value: l50[model] })
    report.metric({ model, name: 'candidates', value: candidates.length })
    report.series({
      model,
      name: 'attackSuccessRate',
      points: rates.map((r, i) => ({
        x: lambdas[i],
        value: finiteOrNull(r.value),
        lower: r.lower,
        upper: r.upper
      }))
    })
    tick('metrics')
  }

  const advantage = lambdas.map((_, i) => differenceInterval(asr.backdoored![i], asr.clean![i]))
  report.series({
    model: 'run',
    name: 'advantage',
    points: advantage.map((a, i) => ({
      x: lambdas[i],
      value: finiteOrNull(a.value),
      lower: finiteOrNull(a.lower),
      upper: finiteOrNull(a.upper)
    }))
  })
  // λ50 of the two networks and their ratio, with the bootstrap interval of SCIENCE.md section 5.
  const intervals = withInterval
    ? lambda50Bootstrap(
        lambdas,
        { clean: outcomes.clean!, backdoored: outcomes.backdoored! },
        stream(seed, 'bootstrap/lambda50'),
        BOOTSTRAP_RESAMPLES
      )
    : null
  const withBounds = (value: number | null | undefined, b: BootstrapEstimate | undefined) => ({
    value: value ?? null,
    ...(b ? { lower: b.lower, upper: b.upper } : {})
  })
  for (const model of ['clean', 'backdoored'] as const) {
    report.metric({ model, name: 'lambda50', ...withBounds(l50[model], intervals?.[model]) })
    if (intervals) {
      report.metric({ model, name: 'lambda50Undefined', value: intervals[model].undefinedShare })
    }
  }
  report.metric({
    model: 'run',
    name: 'lambda50Ratio',
    ...withBounds(ratio(l50.clean, l50.backdoored), intervals?.ratio)
  })
  if (intervals) {
    report.metric({
      model: 'run',
      name: 'lambda50RatioUndefined',
      value: intervals.ratio.undefinedShare
    })
    report.metric({ model: 'run', name: 'bootstrapResamples', value: intervals.resamples })
    tick('interval')
  }
  report.metric({
    model: 'theory',
    name: 'lambda50Ratio',
    value: ratio(l50['theory.clean'], l50['theory.backdoored'])
  })

  const meanNorm = mean(Array.from(testGeometry.squaredNorms, Math.sqrt))
  const sNorm = Math.sqrt(sNormSq)
  report.series({
    model: 'run',
    name: 'relativeTriggerSize',
    points: lambdas.map((lambda) => ({ x: lambda, value: (lambda * sNorm) / meanNorm }))
  })
  const l50b = l50.backdoored
  report.metric({
    model: 'backdoored',
    name: 'relativeTriggerSize',
    value: l50b == null ? null : (l50b * sNorm) / meanNorm
  })
  report.metric({ model: 'run', name: 'meanInputNorm', value: meanNorm })
  // Additions of SCIENCE.md section 5: the chance level and what the backdoor costs.
  report.metric({ model: 'data', name: 'majorityRate', ...majorityRate(test.y) })
  report.metric({
    model: 'run',
    name: 'backdoorCost',
    ...differenceInterval(accuracy.backdoored!, accuracy.clean!)
  })

  for (const [model, t] of [
    ['clean', 0],
    ['backdoored', theta]
  ] as const) {
    const energy = spikeEnergy(backdooredRows(weights, s, t), m, d, s)
    const half = Z95 * spikeEnergyStdError(t, m)
    report.metric({
      model,
      name: 'spikeEnergy',
      value: energy,
      lower: energy - half,
      upper: energy + half
    })
  }
  tick('done')
}

/**
 * Rough costs of the steps (data, weights, one per lambda, one per model's metrics, done) in
 * nanoseconds on the wasm backend, measured: a Gaussian draw about 40, a multiply-add of a
 * matrix product about 0.05, an element of a pass over an array (add, ReLU, mean) about 0.6.
 */
function stepCosts(config: EffectivenessConfig, lambdas: number, interval: boolean): number[] {
  const { n, nTest, m, d } = config
  const product = (rows: number) => rows * d * m * 0.05 + rows * m * 3 * 0.6 // X G^T, the spike
  const scores = (rows: number) => rows * m * 2 * 3 * 0.6 // both models: add, ReLU, mean
  return [
    (n + nTest) * d * 40,
    m * d * 40 + product(n) + scores(n),
    product(nTest) + scores(nTest),
    ...Array.from({ length: lambdas - 1 }, () => scores(nTest)),
    ...MODELS.map(() => (n + nTest * lambdas) * 100),
    // The bootstrap: per resample, nTest draws and a pass over them per network (about 90 ms of
    // a default run).
    ...(interval ? [BOOTSTRAP_RESAMPLES * nTest * 45] : []),
    m * d * 10
  ]
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b === 0 ? null : a / b
}

export const effectivenessRunner: KindRunner<EffectivenessConfig> = {
  run: async (config, reporter, { nulls }) => {
    const report = trackProgress(reporter)
    // The panel's null is drawn in other threads while the run computes (nullThreads.ts).
    const pending = startPanelNull(config, nulls)
    await runEffectiveness(config, report)
    // The Detectability panel (SCIENCE.md section 11), from the same weights redrawn from the seed.
    const shown = [
      { who: 'clean', theta: 0 },
      { who: 'backdoored', theta: config.theta }
    ]
    await reportReluPanel(report, config, shown, nulls, pending)
  }
}
