/**
 * The Detectability panel of every random-ReLU run: computed by the run from its own weights,
 * after (and without touching) the run's own numbers, against the null of its shape and seed.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import { detectionStatistics } from './detect'
import { monteCarloNull } from './detectNull'
import { memoryNullCache } from './nullCache'
import { reluRowsOf } from './detectPanel'
import { collectingReporter } from './reporter'
import { spikeEnergy } from './relu'
import { sampleSecret } from './secret'
import { stream } from './rng'
import { runExperiment } from '../../kinds/main'
import { parseExperimentConfig } from '../../kinds/registry'
import { runEffectiveness } from '../../kinds/effectiveness/run'
import { effectivenessConfigSchema } from '../../kinds/effectiveness/config'
import { panelDraws, panelFacts } from '../../kinds/detectability/panel'
import type { RunDetail } from '../../shared/results'

beforeAll(async () => {
  await initBackend()
})

const raw = {
  kind: 'effectiveness',
  d: 20,
  m: 300,
  k: 4,
  theta: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 6, steps: 7 },
  seed: 9
}
const config = effectivenessConfigSchema.parse(raw)

const asRun = (report: ReturnType<typeof collectingReporter>) =>
  ({ metrics: report.metricRecords, series: report.seriesRecords }) as unknown as RunDetail

describe('the panel of an effectiveness run', () => {
  it("comes after the run's own records, which are exactly those of the run without it", async () => {
    const plain = collectingReporter()
    await runEffectiveness(config, plain)
    const withPanel = collectingReporter()
    await runExperiment(config, withPanel)
    const own = withPanel.metricRecords.slice(0, plain.metricRecords.length)
    expect(own).toEqual(plain.metricRecords)
    expect(withPanel.seriesRecords.slice(0, plain.seriesRecords.length)).toEqual(
      plain.seriesRecords
    )
    const added = withPanel.metricRecords.slice(plain.metricRecords.length)
    expect(added.length).toBeGreaterThan(0)
    expect(added.every((r) => r.model.startsWith('detect.'))).toBe(true)
  })

  it("tests the run's own weights: redrawn from its streams, they give the run's spike energy", async () => {
    const report = collectingReporter()
    await runExperiment(config, report)
    const { seed, m, d, k, theta } = config
    const s = sampleSecret(d, k, stream(seed, 'key'))
    const rows = reluRowsOf(seed, m, d, k, theta)
    expect(spikeEnergy(rows, m, d, s)).toBe(report.metricValue('backdoored', 'spikeEnergy'))
    const statistics = detectionStatistics(rows, m, d, k)
    expect(report.metricValue('detect.backdoored', 'topEigenvalue')).toBe(statistics.topEigenvalue)
    expect(report.metricValue('detect.clean', 'sparseEigenvalue')).toBe(
      detectionStatistics(reluRowsOf(seed, m, d, k, 0), m, d, k).sparseEigenvalue
    )
  })

  it('reads back as the panel shows it: p-values against the null of the shape and seed', async () => {
    const cache = memoryNullCache()
    const report = collectingReporter()
    await runExperiment(config, report, { nulls: cache })
    const B = panelDraws(config.d, config.m)
    expect(cache.get({ d: 20, m: 300, k: 4, seed: 9 })).toEqual(
      monteCarloNull({ d: 20, m: 300, k: 4, seed: 9 }, B)
    )
    const facts = panelFacts(asRun(report))!
    expect(facts).toMatchObject({ d: 20, m: 300, k: 4, draws: B })
    expect(facts.entries.map((e) => [e.label, e.theta])).toEqual([
      ['Clean twin', 0],
      ['Backdoored network', 4]
    ])
    // θ = 4 is far above √(d/m) = 0.26: every null draw is below the backdoored network.
    expect(facts.entries[1].statistics.topEigenvalue.pValue).toBe(1 / (B + 1))
    // The run keeps the null as a histogram of all B draws and their mean.
    const values = monteCarloNull({ d: 20, m: 300, k: 4, seed: 9 }, B).topEigenvalue
    const top = facts.nulls.topEigenvalue
    expect(top.bins.reduce((n, b) => n + b.count, 0)).toBe(B)
    expect([top.bins[0].from, top.bins.at(-1)!.to]).toEqual([
      Math.min(...values),
      Math.max(...values)
    ])
    expect(top.mean).toBe(values.reduce((a, b) => a + b, 0) / B)
  })
})

describe("the panel's progress", () => {
  it('never takes a run back: it names the null draw while the step stays at the end', async () => {
    for (const input of [raw, { ...raw, kind: 'finetune', train: { epochs: 2 } }]) {
      const seen: { phase: string; step: number; total: number }[] = []
      const report = collectingReporter()
      report.progress = (phase, step, total) => void seen.push({ phase, step, total })
      await runExperiment(parseExperimentConfig(input), report)
      const fractions = seen.map((p) => p.step / p.total)
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
      expect(fractions.at(-1)).toBe(1)
      // A tenth of the null at a time (each is written to the store: the run is at its last step).
      const B = panelDraws(config.d, config.m)
      const panel = seen.filter((p) => p.phase.startsWith('detectability: null draw'))
      expect(panel.map((p) => p.phase)).toEqual(
        Array.from(
          { length: 10 },
          (_, i) => `detectability: null draw ${((i + 1) * B) / 10} of ${B}`
        )
      )
    }
  })

  it("passes on the run's share of work done, from which the time left is estimated", async () => {
    const works: (number | undefined)[] = []
    const report = collectingReporter()
    report.progress = (_phase, _step, _total, work) => void works.push(work)
    await runExperiment(parseExperimentConfig(raw), report)
    // The effectiveness run's steps differ in cost: it says how much of its work each one ends.
    const said = works.filter((w): w is number => w !== undefined)
    expect(said.length).toBeGreaterThan(5)
    expect(said).toEqual([...said].sort((a, b) => a - b))
    expect(said.at(-1)).toBe(1)
  })
})

describe('the panel of a fine-tuning run', () => {
  it('tests the weights before (those of the effectiveness run of the same seed) and after', async () => {
    const finetune = parseExperimentConfig({
      kind: 'finetune',
      d: 20,
      m: 300,
      k: 4,
      theta: 4,
      n: 200,
      nTest: 200,
      seed: 9,
      train: { epochs: 2 }
    })
    const report = collectingReporter()
    await runExperiment(finetune, report)
    const before = detectionStatistics(reluRowsOf(9, 300, 20, 4, 4), 300, 20, 4)
    expect(report.metricValue('detect.backdoored.before', 'topEigenvalue')).toBe(
      before.topEigenvalue
    )
    const facts = panelFacts(asRun(report))!
    expect(facts.entries.map((e) => e.model)).toEqual([
      'detect.clean.before',
      'detect.backdoored.before',
      'detect.clean.after',
      'detect.backdoored.after'
    ])
    expect(report.metricValue('detect.backdoored.after', 'topEigenvalue')).not.toBe(
      before.topEigenvalue
    )
  })
})

describe('panelDraws', () => {
  it('takes 200 draws at the default shape, fewer (at least 40) for wide ones, none past the budget', () => {
    expect(panelDraws(100, 2000)).toBe(200)
    expect(panelDraws(784, 2000)).toBe(40)
    expect(panelDraws(400, 400)).toBe(200)
    expect(panelDraws(1000, 2000)).toBe(40)
    expect(panelDraws(2000, 2000)).toBe(0)
  })
})
