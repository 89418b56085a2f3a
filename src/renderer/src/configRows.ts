/** A run's configuration as rows of symbol, meaning and value, for the Configuration card. */
import { lambdaValues, type FinetuneConfig, type UniversalityConfig } from '@shared/config'
import { findMetric, type RunDetail } from '@shared/results'
import { num } from './format'

export interface ConfigRow {
  /** Names the row's data-testid: `config-<key>`. */
  key: string
  label: string
  title: string
  value: string
}

const count = (n: number) => n.toLocaleString('en-US')

function lambdaGrid(c: { lambdas: { from: number; to: number; steps: number } }): string {
  const grid = lambdaValues(c.lambdas)
  return `${num(c.lambdas.from)} … ${num(c.lambdas.to)}, ${c.lambdas.steps} steps (Δ ${num(grid[1] - grid[0])})`
}

const tauRule = (rule: 'trainingError' | 'median') =>
  rule === 'median' ? 'median of f' : 'minimise training error'

export function effectivenessConfigRows(run: Pick<RunDetail, 'config'>): ConfigRow[] {
  const c = run.config
  if (c.kind !== 'effectiveness') return []
  return [
    { key: 'd', label: 'd', title: 'input dimension', value: String(c.d) },
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    { key: 'theta', label: 'θ', title: 'spike strength', value: num(c.theta) },
    { key: 'lambdas', label: 'λ', title: 'trigger scale grid', value: lambdaGrid(c) },
    { key: 'n', label: 'n', title: 'training samples', value: count(c.n) },
    { key: 'nTest', label: 'n_test', title: 'held-out samples', value: count(c.nTest) },
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    { key: 'target', label: 'target', title: 'target label', value: c.target > 0 ? '+1' : '−1' },
    { key: 'tauRule', label: 'τ rule', title: 'threshold rule', value: tauRule(c.tauRule) },
    {
      key: 'labels',
      label: 'labels',
      title: 'labels',
      value: c.labels === 'teacher' ? 'random ReLU teacher' : 'norm task'
    }
  ]
}

const irisNames = ['setosa', 'versicolor', 'virginica']

/** The data set of a fine-tuning run in a few words; `csvName` is the imported file's name. */
export function datasetDescription(dataset: FinetuneConfig['dataset'], csvName?: string): string {
  switch (dataset.kind) {
    case 'synthetic':
      return dataset.labels === 'teacher'
        ? 'synthetic, random ReLU teacher labels'
        : 'synthetic, norm task'
    case 'iris':
      return `Iris, ${irisNames[dataset.positiveClass] ?? dataset.positiveClass} vs rest`
    case 'mnist':
      return `MNIST, ${dataset.positiveDigit} (+1) vs ${dataset.negativeDigit} (−1)`
    case 'csv':
      return (
        `${csvName ?? 'CSV'} (#${dataset.datasetId}), label ‘${dataset.labelColumn}’` +
        (dataset.positiveLabel ? `, +1 = ‘${dataset.positiveLabel}’` : '')
      )
  }
}

const optimizerNames = { adam: 'Adam', sgd: 'SGD', momentum: 'SGD + momentum' } as const
const parameterNames = { G: 'G', tau: 'τ', a: 'a' } as const

/**
 * A size as the run measured it: real data sets bring their own, which the run reports under
 * `model`; synthetic data have the configured one.
 */
function measuredSize(run: Pick<RunDetail, 'metrics'>, model: string, real: boolean) {
  return (name: string, configured: number): string => {
    const value = findMetric(run, model, name)?.value
    if (value != null) return count(value) + (real ? ' (from the data)' : '')
    return real ? 'from the data' : count(configured)
  }
}

export function finetuneConfigRows(
  run: Pick<RunDetail, 'config' | 'metrics'>,
  csvName?: string
): ConfigRow[] {
  const c = run.config
  if (c.kind !== 'finetune') return []
  const real = c.dataset.kind !== 'synthetic'
  // Fine-tuning runs report the sizes of their data under model 'data'.
  const measured = measuredSize(run, 'data', real)
  const t = c.train
  return [
    {
      key: 'dataset',
      label: 'data',
      title: 'data set',
      value: datasetDescription(c.dataset, csvName)
    },
    { key: 'd', label: 'd', title: 'input dimension', value: measured('d', c.d) },
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    { key: 'theta', label: 'θ', title: 'spike strength', value: num(c.theta) },
    { key: 'lambdas', label: 'λ', title: 'trigger scale grid', value: lambdaGrid(c) },
    { key: 'trackLambda', label: 'λ*', title: 'tracked every epoch', value: num(c.trackLambda) },
    { key: 'n', label: 'n', title: 'training samples', value: measured('n', c.n) },
    { key: 'nTest', label: 'n_test', title: 'held-out samples', value: measured('nTest', c.nTest) },
    ...(real
      ? [
          {
            key: 'testFraction',
            label: 'test',
            title: 'held-out share',
            value: num(c.testFraction)
          }
        ]
      : []),
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    { key: 'target', label: 'target', title: 'target label', value: c.target > 0 ? '+1' : '−1' },
    { key: 'tauRule', label: 'τ rule', title: 'threshold rule', value: tauRule(c.tauRule) },
    {
      key: 'train.parameters',
      label: 'trained',
      title: 'trained parameters',
      value: t.parameters.map((p) => parameterNames[p]).join(', ')
    },
    {
      key: 'train.optimizer',
      label: 'optimiser',
      title: 'optimiser',
      value:
        optimizerNames[t.optimizer] +
        (t.optimizer === 'momentum' ? ` (β = ${num(t.momentum)})` : '')
    },
    {
      key: 'train.learningRate',
      label: 'η',
      title: 'learning rate',
      value:
        num(t.learningRate) +
        (t.scaleGByM && t.parameters.includes('G') ? `; G: × m = ${num(t.learningRate * c.m)}` : '')
    },
    { key: 'train.epochs', label: 'epochs', title: 'epochs', value: String(t.epochs) },
    { key: 'train.batchSize', label: 'B', title: 'batch size', value: String(t.batchSize) },
    { key: 'train.weightDecay', label: 'wd', title: 'weight decay', value: num(t.weightDecay) }
  ]
}

/** The L-class data set of a universality run in a few words; `csvName` is the imported file's. */
export function classDatasetDescription(
  dataset: UniversalityConfig['dataset'],
  csvName?: string
): string {
  switch (dataset.kind) {
    case 'mixture':
      return `Gaussian mixture, L = ${dataset.L}, σ_μ = ${num(dataset.spread)}`
    case 'iris':
      return 'Iris, 3 species'
    case 'mnist':
      return `MNIST, digits ${dataset.digits.join(', ')}`
    case 'csv':
      return `${csvName ?? 'CSV'} (#${dataset.datasetId}), label ‘${dataset.labelColumn}’`
  }
}

export function universalityConfigRows(
  run: Pick<RunDetail, 'config' | 'metrics'>,
  csvName?: string
): ConfigRow[] {
  const c = run.config
  if (c.kind !== 'universality') return []
  const real = c.dataset.kind !== 'mixture'
  const measured = measuredSize(run, 'run', real)
  const h = c.head
  return [
    {
      key: 'dataset',
      label: 'data',
      title: 'data set',
      value: classDatasetDescription(c.dataset, csvName)
    },
    { key: 'd', label: 'd', title: 'input dimension', value: measured('d', c.d) },
    { key: 'n', label: 'n', title: 'training samples', value: measured('n', c.n) },
    { key: 'nTest', label: 'n_test', title: 'held-out samples', value: measured('nTest', c.nTest) },
    ...(real
      ? [
          {
            key: 'testFraction',
            label: 'test',
            title: 'held-out share',
            value: num(c.testFraction)
          }
        ]
      : []),
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    {
      key: 'backdoored',
      label: 'G',
      title: 'encoder',
      value: c.backdoored ? `sPCA-backdoored, θ = ${num(c.theta)}` : 'clean (θ ignored)'
    },
    { key: 'lambda', label: 'λ', title: 'trigger scale', value: num(c.lambda) },
    { key: 'target', label: 'target', title: 'target class', value: String(c.target) },
    {
      key: 'poisonFraction',
      label: 'p',
      title: 'poison fraction (attacker head)',
      value: num(c.poisonFraction)
    },
    {
      key: 'probes',
      label: 'r',
      title: 'clean probes, each on a share of the training set',
      value: `${c.probes} × ${num(c.probeFraction)}`
    },
    { key: 'randomHeads', label: '#W', title: 'random heads', value: count(c.randomHeads) },
    {
      key: 'witness',
      label: 'x, y′',
      title: 'witness input and target',
      value: `${c.witnessIndex == null ? 'automatic' : `#${c.witnessIndex}`} → ${c.witnessTarget ?? c.target}${c.witnessTarget == null ? ' (target)' : ''}`
    },
    {
      key: 'head',
      label: 'heads',
      title: 'head training (Adam)',
      value: `${h.epochs} epochs, η = ${num(h.learningRate)}, ℓ₂ = ${num(h.l2)}`
    },
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    ...(c.twinOf != null
      ? [{ key: 'twinOf', label: 'twin', title: 'L = 2 twin of', value: `run #${c.twinOf}` }]
      : [])
  ]
}
