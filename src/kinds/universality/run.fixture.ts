/**
 * What the tests of a universality run share (SCIENCE.md section 7): a small configuration, a
 * run that keeps its records and progress, and the encoder recomputed in float64 from the
 * config's streams.
 */
import { universalityConfigSchema, type UniversalityConfig } from './config'
import type { ClassData } from '../../main/lab/mixture'
import { backdooredRows, sampleReluWeights } from '../../main/lab/relu'
import { stream } from '../../main/lab/rng'
import { sampleSecret } from '../../main/lab/secret'
import { collectingReporter } from '../../main/lab/reporter'
import { runUniversality } from './run'

export type Overrides = Omit<Partial<UniversalityConfig>, 'dataset' | 'head'> & {
  dataset?: UniversalityConfig['dataset']
  head?: Partial<UniversalityConfig['head']>
}

/** A small configuration: a few hundred milliseconds per run. */
export function small(overrides: Overrides = {}): UniversalityConfig {
  return universalityConfigSchema.parse({
    kind: 'universality',
    dataset: { kind: 'mixture', L: 3, spread: 0.5 },
    d: 12,
    k: 4,
    m: 200,
    n: 400,
    nTest: 400,
    theta: 4,
    lambda: 4,
    probes: 4,
    randomHeads: 40,
    seed: 1,
    ...overrides,
    head: { epochs: 100, learningRate: 0.1, l2: 1e-4, ...overrides.head }
  })
}

/** The run's records, with every progress step it reported. */
export async function run(cfg: UniversalityConfig, data?: { train: ClassData; test: ClassData }) {
  const reporter = collectingReporter()
  const phases: { phase: string; step: number; total: number; work?: number }[] = []
  reporter.progress = (phase, step, total, work) => void phases.push({ phase, step, total, work })
  await runUniversality(cfg, reporter, data)
  return Object.assign(reporter, { phases })
}

export type Run = Awaited<ReturnType<typeof run>>

/** Phi(x) and Phi(x + lambda s) in float64 from the config's streams (section 4 rows). */
export function encoder64(cfg: UniversalityConfig) {
  const { d, m, k, seed, lambda } = cfg
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const w = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  const G = backdooredRows(w, s, cfg.backdoored ? cfg.theta : 0)
  return (x: number[]): [Float64Array, Float64Array] => {
    const clean = new Float64Array(m)
    const triggered = new Float64Array(m)
    for (let i = 0; i < m; i++) {
      let a = 0
      let b = 0
      for (let j = 0; j < d; j++) {
        a += G[i * d + j] * x[j]
        b += G[i * d + j] * (x[j] + lambda * s[j])
      }
      clean[i] = Math.max(0, a) / Math.sqrt(m)
      triggered[i] = Math.max(0, b) / Math.sqrt(m)
    }
    return [clean, triggered]
  }
}
