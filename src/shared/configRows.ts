/** A run's configuration as rows of symbol, meaning and value, for the Configuration card. */
import { lambdaValues, type LambdaGrid } from './schema'
import { sig } from './format'
import { findMetric, type RunDetail } from './results'

export interface ConfigRow {
  /** Names the row's data-testid: `config-<key>`. */
  key: string
  label: string
  title: string
  value: string
}

/** What a kind's config rows may need that its config does not hold. */
export interface ConfigRowsContext {
  /** The name of the imported CSV file the run reads, when it reads one. */
  csvName?: string
}

export const count = (n: number) => n.toLocaleString('en-US')

export function lambdaGrid(c: { lambdas: LambdaGrid }): string {
  const grid = lambdaValues(c.lambdas)
  return `${sig(c.lambdas.from)} … ${sig(c.lambdas.to)}, ${c.lambdas.steps} steps (Δ ${sig(grid[1] - grid[0])})`
}

export const tauRuleText = (rule: 'trainingError' | 'median') =>
  rule === 'median' ? 'median of f' : 'minimise training error'

/** The rows of a synthetic random-ReLU task: its samples, seed, target, threshold rule and labels. */
export function syntheticTaskRows(c: {
  n: number
  nTest: number
  seed: number
  target: number
  tauRule: 'trainingError' | 'median'
  labels: 'norm' | 'teacher'
}): ConfigRow[] {
  return [
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

/**
 * A size as the run measured it: real data sets bring their own, which the run reports under
 * `model`; synthetic data have the configured one.
 */
export function measuredSize(run: Pick<RunDetail, 'metrics'>, model: string, real: boolean) {
  return (name: string, configured: number): string => {
    const value = findMetric(run, model, name)?.value
    if (value != null) return count(value) + (real ? ' (from the data)' : '')
    return real ? 'from the data' : count(configured)
  }
}
