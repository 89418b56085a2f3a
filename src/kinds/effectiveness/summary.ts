/** An effectiveness run in words: its key number, its caption phrase and its config rows. */
import { metricOf } from './outputs'
import { networkPart, sizesPart } from '../../shared/captions'
import { count, lambdaGrid, tauRuleText, type ConfigRow } from '../../shared/configRows'
import { sig } from '../../shared/format'
import { type KeyMetric } from '../../shared/results'
import type { RunOf } from '../types'
import type { EffectivenessConfig } from './config'

const known = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v)

/** The runs table's number: the λ50 ratio clean / backdoored, with its interval when known. */
export function effectivenessKeyEstimate(
  run: Pick<RunOf<EffectivenessConfig>, 'metrics'>
): KeyMetric | null {
  const m = metricOf(run, 'run', 'lambda50Ratio')
  if (!m || !known(m.value)) return null
  return {
    label: 'λ50 ratio',
    value: m.value,
    ...(known(m.lower) && known(m.upper) ? { lower: m.lower, upper: m.upper } : {})
  }
}

export function describeEffectivenessData(config: EffectivenessConfig): string {
  return `synthetic${config.labels === 'teacher' ? ' (teacher labels)' : ''}, d=${config.d}`
}

/** "a random-ReLU network (d=100, m=2000, k=10, θ=4; n=2000/2000; seed 1)" */
export function describeEffectivenessConfig(config: EffectivenessConfig): string {
  const sizes = sizesPart(config)
  const data = config.labels === 'teacher' ? `teacher labels, ${sizes}` : sizes
  return `a random-ReLU network (${networkPart(config, { ownD: true })}; ${data}; seed ${config.seed})`
}

export function effectivenessConfigRows(
  run: Pick<RunOf<EffectivenessConfig>, 'config'>
): ConfigRow[] {
  const c = run.config
  return [
    { key: 'd', label: 'd', title: 'input dimension', value: String(c.d) },
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    { key: 'theta', label: 'θ', title: 'spike strength', value: sig(c.theta) },
    { key: 'lambdas', label: 'λ', title: 'trigger scale grid', value: lambdaGrid(c) },
    { key: 'n', label: 'n', title: 'training samples', value: count(c.n) },
    { key: 'nTest', label: 'n_test', title: 'held-out samples', value: count(c.nTest) },
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    { key: 'target', label: 'target', title: 'target label', value: c.target > 0 ? '+1' : '−1' },
    { key: 'tauRule', label: 'τ rule', title: 'threshold rule', value: tauRuleText(c.tauRule) },
    {
      key: 'labels',
      label: 'labels',
      title: 'labels',
      value: c.labels === 'teacher' ? 'random ReLU teacher' : 'norm task'
    }
  ]
}
