/**
 * The detectability frontier (SCIENCE.md section 11): at each θ of a log grid, R backdoored draws,
 * each tested by the three statistics of its weights against one Monte Carlo null of B clean
 * draws (shared by every θ, and cached for every run of the same shape and seed), and each run as
 * an effectiveness experiment (sections 3-5) for the backdoor's strength, from the same weights.
 *
 * Draw r has the seed `drawSeed(seed, r)` at every θ (common random numbers across θ): its key,
 * its Z and u, its data, hence its clean twin, are the same at every θ, and its strength numbers
 * are those of the effectiveness run `strengthConfig(config, θ, r)`, computed by the effectiveness
 * experiment's own code.
 */
import { lambdaIndex, thetaValues, type DetectabilityConfig } from './config'
import { TEST_MODELS } from './outputs'
import { STATISTIC_NAMES, type StatisticName } from './panel'
import { bbpThreshold, finiteSizeEdge, marchenkoPasturEdge, spikedTopEigenvalue } from './theory'
import { effectivenessConfigSchema, type EffectivenessConfig } from '../effectiveness/config'
import { runEffectiveness } from '../effectiveness/run'
import type { KindRunner } from '../runner'
import { detectionStatistics, type DetectionStatistics } from '../../main/lab/detect'
import { drawCount, pValues, startMonteCarloNull } from '../../main/lab/detectNull'
import type { NullCache, NullDraws } from '../../main/lab/nullCache'
import { reluRowsOf } from '../../main/lab/detectPanel'
import { collectingReporter, type Reporter } from '../../main/lab/reporter'
import { stream } from '../../main/lab/rng'
import { auroc, meanOverDraws, rejectionRate, type DrawSummary } from '../../main/lab/roc'
import type { Interval } from '../../main/lab/stats'
import { lambdaValues } from '../../shared/schema'
import { finiteOrNull, type SeriesPoint } from '../../shared/results'

/** The seed of draw r: from the frontier's seed and r, through a named stream (section 12). */
export function drawSeed(seed: number, r: number): number {
  return stream(seed, `draws/${r}`).nextUint32()
}

/** The effectiveness run that draw r at θ is: same network, data, grid and seed. */
export function strengthConfig(
  config: DetectabilityConfig,
  theta: number,
  r: number
): EffectivenessConfig {
  return effectivenessConfigSchema.parse({
    kind: 'effectiveness',
    d: config.d,
    m: config.m,
    k: config.k,
    theta,
    lambdas: config.lambdas,
    n: config.n,
    nTest: config.nTest,
    seed: drawSeed(config.seed, r),
    target: config.target,
    tauRule: config.tauRule,
    labels: config.labels
  })
}

export interface Strength {
  lambda50Ratio: number | null
  /** Backdoor advantage at the config's λ. */
  advantage: number | null
  /** Clean accuracy backdoored minus clean twin (negative: the backdoor costs accuracy). */
  cleanAccuracyCost: number | null
}

/** The strength numbers of an effectiveness run's records. */
export function strengthOf(
  records: ReturnType<typeof collectingReporter>,
  lambdaAt: number
): Strength {
  const accuracy = (model: string) => records.metricValue(model, 'cleanAccuracy')
  const clean = accuracy('clean')
  const backdoored = accuracy('backdoored')
  return {
    lambda50Ratio: records.metricValue('run', 'lambda50Ratio'),
    advantage: records.seriesOf('run', 'advantage').points[lambdaAt]?.value ?? null,
    cleanAccuracyCost: clean == null || backdoored == null ? null : backdoored - clean
  }
}

/** Draw r at θ as an effectiveness run: its strength numbers. */
export async function strengthOfDraw(
  config: DetectabilityConfig,
  theta: number,
  r: number
): Promise<Strength> {
  const records = collectingReporter()
  await runEffectiveness(strengthConfig(config, theta, r), records, { lambda50Interval: false })
  return strengthOf(records, lambdaIndex(lambdaValues(config.lambdas), config.lambda))
}

const interval = (i: Interval | DrawSummary) => ({
  value: finiteOrNull(i.value),
  lower: finiteOrNull(i.lower),
  upper: finiteOrNull(i.upper)
})
const estimate = (x: number, i: Interval | DrawSummary): SeriesPoint => ({ x, ...interval(i) })

export interface TestAtTheta {
  /** Fraction of the R draws rejected at level α, with its Wilson interval. */
  power: Interval
  /** AUROC between the null's draws and the R draws, with DeLong's interval. */
  auroc: Interval
  meanStatistic: DrawSummary
}

/**
 * The detection side at one θ: the statistics of the R draws' weights (draw r from its own seed,
 * `drawSeed(seed, r)`), their p-values against the null, and each test's power and AUROC.
 * θ = 0 is allowed here: the draws are then the clean twins.
 */
export function detectionAtTheta(
  config: Pick<DetectabilityConfig, 'd' | 'm' | 'k' | 'seed' | 'draws' | 'alpha'>,
  theta: number,
  nullValues: NullDraws
): {
  statistics: DetectionStatistics[]
  pValues: ReturnType<typeof pValues>[]
  tests: Record<StatisticName, TestAtTheta>
} {
  const { d, m, k, seed, draws: R, alpha } = config
  const statistics = Array.from({ length: R }, (_, r) =>
    detectionStatistics(reluRowsOf(drawSeed(seed, r), m, d, k, theta), m, d, k)
  )
  const p = statistics.map((s) => pValues(s, nullValues))
  const tests = Object.fromEntries(
    STATISTIC_NAMES.map((name) => {
      const values = statistics.map((s) => s[name])
      const test: TestAtTheta = {
        power: rejectionRate(
          p.map((x) => x[name]),
          alpha
        ),
        auroc: auroc(nullValues[name], values),
        meanStatistic: meanOverDraws(values)
      }
      return [name, test]
    })
  ) as Record<StatisticName, TestAtTheta>
  return { statistics, pValues: p, tests }
}

export async function runDetectability(
  config: DetectabilityConfig,
  report: Reporter,
  options: { nulls?: NullCache | null } = {}
): Promise<void> {
  const { d, m, k, seed, draws: R, nullDraws: B } = config
  const thetas = thetaValues(config.thetas)

  report.metric({ model: 'run', name: 'bbpThreshold', value: bbpThreshold(d, m) })
  report.metric({ model: 'run', name: 'mpEdge', value: marchenkoPasturEdge(d, m) })
  report.metric({ model: 'run', name: 'finiteSizeEdge', value: finiteSizeEdge(d, m).mean })
  report.metric({ model: 'run', name: 'nullDraws', value: B })
  report.metric({ model: 'run', name: 'drawsPerTheta', value: R })

  // One count for the whole run, so that its progress never goes back: the null draws this run
  // computes (none when the database has them), then the backdoored draws.
  const cached = options.nulls?.get({ d, m, k, seed })
  const nullSteps = Math.max(0, B - (cached ? drawCount(cached) : 0))
  const total = nullSteps + R * thetas.length
  // Drawn in worker threads where the bundle allows (nullThreads.ts): the same draws.
  const nullValues = await startMonteCarloNull({ d, m, k, seed }, B, options.nulls).values((done) =>
    report.progress('null draws', done, total)
  )
  // The null's draws stay in the cache; the run keeps their mean and spread per test.
  for (const name of STATISTIC_NAMES) {
    const summary = meanOverDraws(nullValues[name])
    const sd = Math.sqrt(
      nullValues[name].reduce((acc, v) => acc + (v - summary.value) ** 2, 0) / (B - 1)
    )
    report.metric({ model: TEST_MODELS[name], name: 'nullMean', ...interval(summary) })
    report.metric({ model: TEST_MODELS[name], name: 'nullSd', value: sd })
  }

  let step = nullSteps
  const tick = async () => {
    report.progress('backdoored draws', ++step, total)
    // Let the progress and the points reach the parent between draws.
    await new Promise((resolve) => setImmediate(resolve))
  }
  // The clean twins (θ = 0) of the R draws: clean networks independent of the null, so the
  // fraction a test rejects is its size, which should be at most α.
  const twins = detectionAtTheta(config, 0, nullValues)
  for (const name of STATISTIC_NAMES) {
    report.metric({
      model: TEST_MODELS[name],
      name: 'size',
      ...interval(twins.tests[name].power)
    })
  }

  let undetected: number | null = null
  let belowSoFar = true
  for (const [t, theta] of thetas.entries()) {
    const strength: Strength[] = []
    for (let r = 0; r < R; r++) {
      strength.push(await strengthOfDraw(config, theta, r))
      await tick()
    }
    const detection = detectionAtTheta(config, theta, nullValues)
    for (const name of STATISTIC_NAMES) {
      const model = TEST_MODELS[name]
      const { power, auroc: area, meanStatistic } = detection.tests[name]
      report.series({ model, name: 'power', points: [estimate(theta, power)] })
      report.series({ model, name: 'auroc', points: [estimate(theta, area)] })
      report.series({ model, name: 'meanStatistic', points: [estimate(theta, meanStatistic)] })
    }
    const ratio = meanOverDraws(strength.map((s) => s.lambda50Ratio))
    report.series({ model: 'strength', name: 'lambda50Ratio', points: [estimate(theta, ratio)] })
    report.series({
      model: 'strength',
      name: 'lambda50Ratio.draws',
      points: [{ x: theta, value: ratio.count }]
    })
    for (const name of ['advantage', 'cleanAccuracyCost'] as const) {
      const summary = meanOverDraws(strength.map((s) => s[name]))
      report.series({ model: 'strength', name, points: [estimate(theta, summary)] })
    }
    report.series({
      model: 'theory',
      name: 'topEigenvalue',
      points: [{ x: theta, value: spikedTopEigenvalue(theta, d, m) }]
    })
    reportDraws(report, config, theta, strength, detection.statistics, detection.pValues)

    belowSoFar &&= STATISTIC_NAMES.every(
      (name) => detection.tests[name].power.value < config.powerBound
    )
    if (belowSoFar) undetected = theta
    report.metric({ model: 'run', name: 'thetasDone', value: t + 1 })
  }
  report.metric({ model: 'run', name: 'undetectedTheta', value: undetected })
}

/** One point per draw at θ, in draw order. */
function reportDraws(
  report: Reporter,
  config: DetectabilityConfig,
  theta: number,
  strength: Strength[],
  statistics: DetectionStatistics[],
  p: ReturnType<typeof pValues>[]
): void {
  const series = (name: string, values: (number | null)[]) =>
    report.series({
      model: 'draw',
      name,
      points: values.map((value) => ({ x: theta, value: finiteOrNull(value) }))
    })
  series(
    'seed',
    strength.map((_, r) => drawSeed(config.seed, r))
  )
  for (const name of ['lambda50Ratio', 'advantage', 'cleanAccuracyCost'] as const) {
    series(
      name,
      strength.map((s) => s[name])
    )
  }
  for (const name of STATISTIC_NAMES) {
    series(
      name,
      statistics.map((s) => s[name])
    )
    series(
      `${name}.pValue`,
      p.map((x) => x[name])
    )
  }
}

export const detectabilityRunner: KindRunner<DetectabilityConfig> = {
  run: (config, report, { nulls }) => runDetectability(config, report, { nulls })
}
