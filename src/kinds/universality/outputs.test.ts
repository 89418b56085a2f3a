/**
 * Experiment B, head universality: the outputs a run reports. The default configuration reports
 * exactly the names the UI is built against, the runner adds the detectability panel's, and a
 * run on data passed in takes its shape from the data and names what does not fit.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { universalityConfigSchema } from './config'
import { universalityOutputs } from './outputs'
import { initBackend } from '../../main/lab/backend'
import { mixtureMeans, sampleMixture } from '../../main/lab/mixture'
import { stream } from '../../main/lab/rng'
import { collectingReporter } from '../../main/lab/reporter'
import { universalityRunner } from './run'
import { run, small, type Overrides } from './run.fixture'

beforeAll(async () => {
  await initBackend()
})

describe('the universality runner', () => {
  it("adds the detectability panel of the encoder's weights: exactly the panel's listed names", async () => {
    const reporter = collectingReporter()
    await universalityRunner.run(small(), reporter, { csv: null })
    const panelNames = Object.entries(universalityOutputs.metrics)
      .filter(([model]) => model.startsWith('detect.'))
      .flatMap(([model, names]) => names.map((name) => `${model}.${name}`))
      .sort()
    const reported = reporter.metricRecords
      .filter((m) => m.model.startsWith('detect.'))
      .map((m) => `${m.model}.${m.name}`)
      .sort()
    expect(panelNames.length).toBeGreaterThan(0)
    expect(reported).toEqual(panelNames)
  })
})

describe('runUniversality: the default configuration', () => {
  it('produces exactly the named outputs the UI is built against, with the witness holding and the nullifying residual below 1e-4', async () => {
    const cfg = universalityConfigSchema.parse({ kind: 'universality' })
    const r = await run(cfg)
    // outputs.ts is the list the UI is built against: every name in it, and no other. The
    // detectability panel's names (models `detect.*`) come from the kind's runner after this
    // computation, and are tested with the panel.
    const listed = (lists: Readonly<Record<string, readonly string[]>>) =>
      Object.entries(lists)
        .filter(([model]) => !model.startsWith('detect.'))
        .flatMap(([model, names]) => names.map((name) => `${model}.${name}`))
        .sort()
    const metricNames = r.metricRecords.map((m) => `${m.model}.${m.name}`).sort()
    expect(metricNames).toEqual(listed(universalityOutputs.metrics))
    const seriesNames = r.seriesRecords.map((s) => `${s.model}.${s.name}`).sort()
    expect(seriesNames).toEqual(listed(universalityOutputs.series))
    // Its backbone, named here so that a name dropped from both lists still fails.
    for (const name of [
      'attacker.attackSuccessRate',
      'cleanEncoder.attacker.attackSuccessRate',
      'run.encoderContribution',
      'run.matchedGap',
      'run.universalityGap',
      'run.witnessHolds'
    ]) {
      expect(metricNames).toContain(name)
    }
    expect(r.seriesOf('random', 'scatter').points).toHaveLength(cfg.randomHeads)
    expect(r.seriesOf('probe', 'scatter').points).toHaveLength(cfg.probes)
    expect(r.metricValue('run', 'witnessHolds')).toBe(1)
    expect(r.metricValue('run', 'nullifyingResidual')).toBeLessThan(1e-4)
  })
})

describe('runUniversality: data passed in', () => {
  const means = mixtureMeans(4, 6, 1, stream(9, 'test/means'))
  const data = {
    train: sampleMixture(200, means, 4, stream(9, 'test/train')),
    test: sampleMixture(90, means, 4, stream(9, 'test/test'))
  }
  const iris = (overrides: Overrides = {}) =>
    small({ dataset: { kind: 'iris' }, k: 3, probes: 1, randomHeads: 5, ...overrides })

  it('takes d, L, n and nTest from the data', async () => {
    const r = await run(iris({ target: 3 }), data)
    expect(r.metricValue('run', 'd')).toBe(6)
    expect(r.metricValue('run', 'L')).toBe(4)
    expect(r.metricValue('run', 'n')).toBe(200)
    expect(r.metricValue('run', 'nTest')).toBe(90)
    expect(r.seriesOf('attacker', 'asrPerTarget').points).toHaveLength(4)
  })

  it("throws errors naming 'k', 'target' and 'witnessTarget' when they do not fit the data", async () => {
    await expect(run(iris({ k: 7 }), data)).rejects.toThrow(/'k'/)
    await expect(run(iris({ target: 4 }), data)).rejects.toThrow(/'target'/)
    await expect(run(iris({ witnessTarget: 5 }), data)).rejects.toThrow(/'witnessTarget'/)
    await expect(run(iris())).rejects.toThrow(/passed as data/)
  })
})
