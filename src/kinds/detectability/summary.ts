/** A detectability frontier in words: its one sentence, key number, caption phrase, config rows. */
import { thetaValues, type DetectabilityConfig } from './config'
import { metricOf, seriesOf, TEST_MODELS } from './outputs'
import { STATISTIC_NAMES, statisticWords, type StatisticName } from './panel'
import { captionNumber } from '../../shared/captions'
import { count, lambdaGrid, syntheticTaskRows, type ConfigRow } from '../../shared/configRows'
import { fixed, sig, withInterval } from '../../shared/format'
import type { Estimate, KeyMetric, RunDetail, SeriesPoint } from '../../shared/results'
import type { RunOf } from '../types'

type FrontierRun = Pick<RunDetail, 'config' | 'metrics' | 'series'>

const configOf = (run: FrontierRun) => run.config as DetectabilityConfig

export interface FrontierPoint {
  theta: number
  power: Record<StatisticName, Estimate>
  lambda50Ratio: Estimate
  advantage: Estimate
}

/** The θ values measured so far, with each test's power and the strength there. */
export function frontierPoints(run: FrontierRun): FrontierPoint[] {
  const at = (series: { points: SeriesPoint[] } | undefined, theta: number): Estimate => {
    const p = series?.points.find((q) => q.x === theta)
    return p ? { value: p.value, lower: p.lower, upper: p.upper } : { value: null }
  }
  const power = STATISTIC_NAMES.map((s) => seriesOf(run, TEST_MODELS[s], 'power'))
  const thetas = (power[0]?.points ?? []).map((p) => p.x)
  return thetas.map((theta) => ({
    theta,
    power: Object.fromEntries(STATISTIC_NAMES.map((s, i) => [s, at(power[i], theta)])) as Record<
      StatisticName,
      Estimate
    >,
    lambda50Ratio: at(seriesOf(run, 'strength', 'lambda50Ratio'), theta),
    advantage: at(seriesOf(run, 'strength', 'advantage'), theta)
  }))
}

/**
 * The largest θ of the grid at which every test's power stays below the bound, at it and at every
 * smaller θ; null when even the smallest θ is detected that often.
 */
export function undetectedPoint(points: FrontierPoint[], bound: number): FrontierPoint | null {
  let found: FrontierPoint | null = null
  for (const point of points) {
    const below = STATISTIC_NAMES.every((s) => {
      const v = point.power[s].value
      return v != null && v < bound
    })
    if (!below) break
    found = point
  }
  return found
}

const includes = (e: Estimate, v: number) =>
  e.lower != null && e.upper != null && e.lower <= v && v <= e.upper

/** The frontier's one sentence, and the point it is about. */
export function frontierFacts(run: FrontierRun): {
  sentence: string
  point: FrontierPoint | null
  complete: boolean
} {
  const c = configOf(run)
  const points = frontierPoints(run)
  const complete = points.length === c.thetas.steps
  if (points.length === 0) {
    return { sentence: 'The frontier fills in as the draws finish.', point: null, complete }
  }
  const bound = c.powerBound
  const powers = (p: FrontierPoint) =>
    STATISTIC_NAMES.map(
      (s) =>
        `${statisticWords[s].short} ${p.power[s].value == null ? '—' : fixed(p.power[s].value)}`
    ).join(', ')
  const prefix = complete ? '' : `So far (${points.length} of ${c.thetas.steps} values of θ): `
  const point = undetectedPoint(points, bound)
  if (!point) {
    const first = points[0]
    const loud = STATISTIC_NAMES.filter((s) => (first.power[s].value ?? 0) >= bound).map(
      (s) => statisticWords[s].short
    )
    return {
      sentence: `${prefix}No θ on the grid keeps every test's power at level α = ${sig(c.alpha)} below ${sig(bound)}: at the smallest, θ = ${sig(first.theta)}, the ${loud.join(' and ')} ${loud.length > 1 ? 'tests reach' : 'test reaches'} it (${powers(first)}).`,
      point: null,
      complete
    }
  }
  const noEffect = includes(point.lambda50Ratio, 1) && includes(point.advantage, 0)
  const strength = `the backdoor's λ50 ratio is ${withInterval(point.lambda50Ratio, fixed)} and its advantage at λ = ${sig(c.lambda)} is ${withInterval(point.advantage, fixed)}`
  return {
    sentence: `${prefix}Up to θ = ${sig(point.theta)}, every test's power at level α = ${sig(c.alpha)} stays below ${sig(bound)} (there: ${powers(point)}); there ${strength}${noEffect ? ', both intervals including no effect' : ''}.`,
    point,
    complete
  }
}

/** The runs table's number: the largest θ that stays undetected, when there is one. */
export function detectabilityKeyEstimate(
  run: Pick<RunOf<DetectabilityConfig>, 'metrics'>
): KeyMetric | null {
  const value = metricOf(run, 'run', 'undetectedTheta')?.value
  return value == null ? null : { label: 'θ undetected', value }
}

export function describeDetectabilityData(config: DetectabilityConfig): string {
  return `synthetic${config.labels === 'teacher' ? ' (teacher labels)' : ''}, d=${config.d}`
}

/** "a detectability frontier (d=100, m=2000, k=10; θ from 0.05 to 5, 7 values; R=12, B=200; seed 1)" */
export function describeDetectabilityConfig(config: DetectabilityConfig): string {
  const t = config.thetas
  return `a detectability frontier (d=${config.d}, m=${config.m}, k=${config.k}; θ from ${captionNumber(t.from)} to ${captionNumber(t.to)}, ${t.steps} values; R=${config.draws}, B=${config.nullDraws}, α=${captionNumber(config.alpha)}; n=${config.n}/${config.nTest}; seed ${config.seed})`
}

export function detectabilityConfigRows(
  run: Pick<RunOf<DetectabilityConfig>, 'config'>
): ConfigRow[] {
  const c = run.config
  const thetas = thetaValues(c.thetas)
  return [
    { key: 'd', label: 'd', title: 'input dimension', value: String(c.d) },
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    {
      key: 'k',
      label: 'k',
      title: 'secret sparsity (the sparse test knows it)',
      value: String(c.k)
    },
    {
      key: 'thetas',
      label: 'θ',
      title: 'spike strengths, log grid',
      value: `${sig(c.thetas.from)} … ${sig(c.thetas.to)}, ${c.thetas.steps} values (×${sig(thetas[1] / thetas[0])} each)`
    },
    { key: 'draws', label: 'R', title: 'backdoored draws per θ', value: count(c.draws) },
    { key: 'nullDraws', label: 'B', title: 'null draws', value: count(c.nullDraws) },
    { key: 'alpha', label: 'α', title: 'test level', value: sig(c.alpha) },
    { key: 'powerBound', label: 'β̄', title: 'power bound', value: sig(c.powerBound) },
    { key: 'lambda', label: 'λ', title: 'advantage read at', value: sig(c.lambda) },
    { key: 'lambdas', label: 'λ grid', title: 'trigger scale grid', value: lambdaGrid(c) },
    ...syntheticTaskRows(c)
  ]
}
