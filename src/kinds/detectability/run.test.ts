/**
 * The detectability frontier (SCIENCE.md section 11): its strength numbers are those of the same
 * configs run as effectiveness runs, its AUROC is 0.5 within its interval at θ = 0 and 1 at large
 * θ, it reproduces exactly (with or without a cached null), and its summary agrees with its metric.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  detectabilityConfigSchema,
  lambdaIndex,
  thetaValues,
  type DetectabilityConfig
} from './config'
import { detectionAtTheta, drawSeed, runDetectability, strengthConfig } from './run'
import { STATISTIC_NAMES } from './panel'
import { frontierFacts, undetectedPoint, frontierPoints } from './summary'
import { runExperiment } from '../main'
import { initBackend } from '../../main/lab/backend'
import { monteCarloNull } from '../../main/lab/detectNull'
import { memoryNullCache } from '../../main/lab/nullCache'
import { collectingReporter } from '../../main/lab/reporter'
import { meanOverDraws } from '../../main/lab/roc'
import { lambdaValues } from '../../shared/schema'
import type { RunDetail, SeriesRecord } from '../../shared/results'

beforeAll(async () => {
  await initBackend()
})

const small = (overrides: Partial<DetectabilityConfig> = {}) =>
  detectabilityConfigSchema.parse({
    kind: 'detectability',
    d: 20,
    m: 300,
    k: 4,
    thetas: { from: 0.3, to: 3, steps: 3 },
    draws: 3,
    nullDraws: 39,
    n: 200,
    nTest: 200,
    lambdas: { from: 0, to: 6, steps: 7 },
    lambda: 3,
    seed: 5,
    ...overrides
  })

/** The records of a run as the store would keep them: each series' points appended in order. */
async function frontier(config: DetectabilityConfig, nulls = memoryNullCache()) {
  const report = collectingReporter()
  await runDetectability(config, report, { nulls })
  const merged = new Map<string, SeriesRecord>()
  for (const r of report.seriesRecords) {
    const key = `${r.model}/${r.name}`
    const found = merged.get(key)
    if (found) found.points.push(...r.points)
    else merged.set(key, { ...r, points: [...r.points] })
  }
  const run = {
    config,
    metrics: report.metricRecords,
    series: [...merged.values()]
  } as unknown as RunDetail
  return { report, run, series: (model: string, name: string) => merged.get(`${model}/${name}`)! }
}

describe('runDetectability: the strength side is the effectiveness experiment', () => {
  it('gives, draw by draw, the numbers of the same configs run as effectiveness runs (same seeds)', async () => {
    const config = small()
    const { series } = await frontier(config)
    const thetas = thetaValues(config.thetas)
    const at = lambdaIndex(lambdaValues(config.lambdas), config.lambda)
    for (const [t, theta] of thetas.entries()) {
      const ratios: (number | null)[] = []
      for (let r = 0; r < config.draws; r++) {
        const effectiveness = strengthConfig(config, theta, r)
        expect(effectiveness.seed).toBe(drawSeed(config.seed, r))
        expect(effectiveness.theta).toBe(theta)
        // The effectiveness kind's own runner, as the lab runs it (its panel included).
        const own = collectingReporter()
        await runExperiment(effectiveness, own)
        const index = t * config.draws + r
        const ratio = own.metricValue('run', 'lambda50Ratio')
        ratios.push(ratio)
        expect(series('draw', 'seed').points[index]).toEqual({
          x: theta,
          value: effectiveness.seed
        })
        expect(series('draw', 'lambda50Ratio').points[index].value).toBe(ratio)
        expect(series('draw', 'advantage').points[index].value).toBe(
          own.seriesOf('run', 'advantage').points[at].value
        )
        expect(series('draw', 'cleanAccuracyCost').points[index].value).toBe(
          own.metricValue('backdoored', 'cleanAccuracy')! -
            own.metricValue('clean', 'cleanAccuracy')!
        )
        // The detection side tests the very weights the effectiveness run's panel tested.
        expect(series('draw', 'topEigenvalue').points[index].value).toBe(
          own.metricValue('detect.backdoored', 'topEigenvalue')
        )
      }
      const mean = meanOverDraws(ratios)
      expect(series('strength', 'lambda50Ratio').points[t]).toEqual({
        x: theta,
        value: mean.value,
        lower: mean.lower,
        upper: mean.upper
      })
    }
  })

  it('counts its progress once for the whole run, so that it never goes back', async () => {
    const config = small({ thetas: { from: 0.5, to: 2, steps: 2 }, draws: 2 })
    for (const cache of [memoryNullCache(), null]) {
      const seen: { phase: string; step: number; total: number }[] = []
      const report = collectingReporter()
      report.progress = (phase, step, total) => void seen.push({ phase, step, total })
      const nulls = cache ?? memoryNullCache()
      if (!cache) await runDetectability(config, collectingReporter(), { nulls })
      await runDetectability(config, report, { nulls })
      // The null's draws count only when this run computes them.
      const nullSteps = cache ? config.nullDraws : 0
      expect(seen.filter((p) => p.phase === 'null draws')).toHaveLength(nullSteps)
      expect(seen.map((p) => p.step)).toEqual(seen.map((_, i) => i + 1))
      expect(seen.every((p) => p.total === nullSteps + 4)).toBe(true)
    }
  })

  it('reproduces exactly, and a cached null changes nothing', async () => {
    const config = small({ thetas: { from: 0.5, to: 2, steps: 2 }, draws: 2 })
    const cache = memoryNullCache()
    const a = await frontier(config, cache)
    expect(cache.size).toBe(1)
    const b = await frontier(config, cache)
    const c = await frontier(config, memoryNullCache())
    expect(b.report.metricRecords).toEqual(a.report.metricRecords)
    expect(b.report.seriesRecords).toEqual(a.report.seriesRecords)
    expect(c.report.seriesRecords).toEqual(a.report.seriesRecords)
  })
})

describe('detectionAtTheta: power and AUROC', () => {
  const shape = { d: 10, m: 100, k: 3, alpha: 0.05 }

  it('AUROC is 0.5 within its DeLong interval at θ = 0 (coverage over independent frontiers)', () => {
    // One frontier's three intervals cover 0.5 with probability about 0.95 each; over 20
    // independent seeds, the fraction covering must be near that (binomial: 0.85 is far below).
    let covered = 0
    let total = 0
    for (let seed = 0; seed < 20; seed++) {
      const config = { ...shape, seed: 100 + seed, draws: 30 }
      const nullValues = monteCarloNull({ ...shape, seed: 100 + seed }, 60)
      const { tests } = detectionAtTheta(config, 0, nullValues)
      for (const name of STATISTIC_NAMES) {
        total++
        if (tests[name].auroc.lower <= 0.5 && 0.5 <= tests[name].auroc.upper) covered++
      }
    }
    expect(covered / total).toBeGreaterThan(0.85)
  })

  it('AUROC and power are 1 at large θ for every test', () => {
    const config = { ...shape, seed: 7, draws: 20 }
    const nullValues = monteCarloNull({ ...shape, seed: 7 }, 60)
    const { tests } = detectionAtTheta(config, 50, nullValues)
    for (const name of STATISTIC_NAMES) {
      expect(tests[name].auroc.value).toBe(1)
      expect(tests[name].power.value).toBe(1)
    }
  })
})

describe('the frontier sentence', () => {
  it('names the largest θ every test misses, as the run reports it, with the strength there', async () => {
    const config = small({ thetas: { from: 0.01, to: 20, steps: 4 }, powerBound: 0.5 })
    const { run, report } = await frontier(config)
    const points = frontierPoints(run)
    expect(points).toHaveLength(4)
    const point = undetectedPoint(points, config.powerBound)
    expect(report.metricValue('run', 'undetectedTheta')).toBe(point?.theta ?? null)
    // At θ = 20 every test finds every draw; at 0.01 none should reach 0.5.
    expect(point).not.toBeNull()
    expect(point!.theta).toBeLessThan(20)
    const facts = frontierFacts(run)
    expect(facts.sentence).toContain(`Up to θ = ${+point!.theta.toPrecision(3)}`)
    expect(facts.sentence).toContain("the backdoor's λ50 ratio is")
  })

  it('says when no θ on the grid stays undetected', async () => {
    const config = small({ thetas: { from: 5, to: 20, steps: 2 }, draws: 2 })
    const { run, report } = await frontier(config)
    expect(report.metricValue('run', 'undetectedTheta')).toBeNull()
    expect(frontierFacts(run).sentence).toMatch(/^No θ on the grid keeps every test's power/)
  })
})

describe('the config', () => {
  it('refuses a λ off the grid, naming the field and the grid', () => {
    const result = detectabilityConfigSchema.safeParse({ kind: 'detectability', lambda: 3.3 })
    expect(result.success).toBe(false)
    const issue = result.error!.issues.find((i) => i.path.join('.') === 'lambda')
    expect(issue?.message).toBe(
      "lambda must be one of the λ grid's values (0, 1, 2, 3, 4, 5, 6, 7, 8); got 3.3"
    )
  })

  it('refuses a θ grid that does not rise, and θ₀ at or below 0', () => {
    const bad = detectabilityConfigSchema.safeParse({
      kind: 'detectability',
      thetas: { from: 2, to: 1, steps: 3 }
    })
    expect(bad.error!.issues.map((i) => i.message)).toContain(
      'The largest θ θ₁ must be greater than the smallest θ₀'
    )
    const zero = detectabilityConfigSchema.safeParse({
      kind: 'detectability',
      thetas: { from: 0, to: 1, steps: 3 }
    })
    expect(zero.error!.issues.map((i) => i.message)).toContain(
      'Smallest θ θ₀ must be at least 0.0001'
    )
  })

  it('spaces θ evenly on a log scale, both ends exact', () => {
    const values = thetaValues({ from: 0.05, to: 5, steps: 5 })
    expect(values[0]).toBe(0.05)
    expect(values[4]).toBe(5)
    for (let i = 1; i < 5; i++) expect(values[i] / values[i - 1]).toBeCloseTo(Math.sqrt(10), 10)
  })
})
