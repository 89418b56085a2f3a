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
