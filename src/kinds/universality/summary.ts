/**
 * A universality run's key number, caption phrase and config rows (SCIENCE.md section 7). Its
 * numbers by meaning are in facts.ts, its verdict and sentences in verdict.ts.
 */
import { metricOf } from './outputs'
import { captionNumber, captionPercent, networkPart, sizesPart } from '../../shared/captions'
import {
  count,
  measuredSize,
  type ConfigRow,
  type ConfigRowsContext
} from '../../shared/configRows'
import { describeDataset } from '../../shared/datasets'
import { known, sig } from '../../shared/format'
import { type KeyMetric, type RunDetail } from '../../shared/results'
import type { RunOf } from '../types'
import type { UniversalityConfig } from './config'
import { OPTIMIZER_WORDS } from './facts'

/**
 * The runs table's number: the encoder's contribution to the attacker head's ASR (backdoored
 * minus clean encoder), which tells a backdoored encoder from a clean one; for runs made before
 * the lab measured it, the universality gap over every head, as they showed it.
 */
export function universalityKeyEstimate(run: Pick<RunDetail, 'metrics'>): KeyMetric | null {
  const isNumber = (v: number | null | undefined): v is number =>
    typeof v === 'number' && Number.isFinite(v)
  const contribution = metricOf(run, 'run', 'encoderContribution')
  const m = known(contribution) ? contribution : metricOf(run, 'run', 'universalityGap')
  if (!known(m)) return null
  return {
    label: m === contribution ? 'encoder contribution' : 'universality gap',
    value: m.value,
    ...(isNumber(m.lower) && isNumber(m.upper) ? { lower: m.lower, upper: m.upper } : {})
  }
}

export function describeUniversalityData(config: UniversalityConfig): string {
  return describeDataset(config.dataset, config.d)
}

/** "a random-ReLU encoder with softmax heads (d=50, …; seed 1; λ=4, target class 0)" */
export function describeUniversalityConfig(config: UniversalityConfig): string {
  const data = config.dataset
  const mixture = data.kind === 'mixture'
  const dataPart = mixture
    ? `Gaussian mixture of L=${data.L} classes (spread ${captionNumber(data.spread)}), ${sizesPart(config)}`
    : `${describeUniversalityData(config)}, ${captionPercent(config.testFraction)} held out`
  const network = networkPart(config, { ownD: mixture, clean: !config.backdoored })
  // Adam, the default (and what every older run used), goes unsaid.
  const heads =
    config.head.optimizer === 'gd' ? 'softmax heads trained by gradient descent' : 'softmax heads'
  return `a random-ReLU encoder with ${heads} (${network}; ${dataPart}; seed ${config.seed}; λ=${captionNumber(config.lambda)}, target class ${config.target})`
}

/** The L-class data set of a universality run in a few words; `csvName` is the imported file's. */
export function classDatasetDescription(
  dataset: UniversalityConfig['dataset'],
  csvName?: string
): string {
  switch (dataset.kind) {
    case 'mixture':
      return `Gaussian mixture, L = ${dataset.L}, σ_μ = ${sig(dataset.spread)}`
    case 'iris':
      return 'Iris, 3 species'
    case 'mnist':
      return `MNIST, digits ${dataset.digits.join(', ')}`
    case 'csv':
      return `${csvName ?? 'CSV'} (#${dataset.datasetId}), label ‘${dataset.labelColumn}’`
  }
}

export function universalityConfigRows(
  run: Pick<RunOf<UniversalityConfig>, 'config' | 'metrics'>,
  { csvName }: ConfigRowsContext
): ConfigRow[] {
  const c = run.config
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
            value: sig(c.testFraction)
          }
        ]
      : []),
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    {
      key: 'backdoored',
      label: 'G',
      title: 'encoder',
      value: c.backdoored ? `sPCA-backdoored, θ = ${sig(c.theta)}` : 'clean (θ ignored)'
    },
    { key: 'lambda', label: 'λ', title: 'trigger scale', value: sig(c.lambda) },
    { key: 'target', label: 'target', title: 'target class', value: String(c.target) },
    {
      key: 'poisonFraction',
      label: 'p',
      title: 'poison fraction (attacker head)',
      value: sig(c.poisonFraction)
    },
    {
      key: 'probes',
      label: 'r',
      title: 'clean probes, each on a share of the training set',
      value: `${c.probes} × ${sig(c.probeFraction)}`
    },
    { key: 'randomHeads', label: '#W', title: 'random heads', value: count(c.randomHeads) },
    {
      key: 'accuracyMargin',
      label: 'Δacc',
      title: 'accuracy match margin',
      value: c.accuracyMargin == null ? 'none (older run)' : sig(c.accuracyMargin)
    },
    {
      key: 'witness',
      label: 'x, y′',
      title: 'witness input and target',
      value: `${c.witnessIndex == null ? 'automatic' : `#${c.witnessIndex}`} → ${c.witnessTarget ?? c.target}${c.witnessTarget == null ? ' (target)' : ''}`
    },
    {
      key: 'head',
      label: 'heads',
      title: 'head training (full batch)',
      value: `${OPTIMIZER_WORDS[h.optimizer ?? 'adam']}, ${h.epochs} epochs, η = ${sig(h.learningRate)}, ℓ₂ = ${sig(h.l2)}`
    },
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    ...(c.twinOf != null
      ? [{ key: 'twinOf', label: 'twin', title: 'L = 2 twin of', value: `run #${c.twinOf}` }]
      : [])
  ]
}
