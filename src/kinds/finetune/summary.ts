/**
 * A fine-tuning run in words and headline numbers (SCIENCE.md section 6), built by pure code from
 * its stored metrics and series so that the run page, the runs list and any export say the same
 * thing: its facts before and after, its key number, its caption phrase and its config rows. The
 * sentence on what happened to the backdoor is in findings.ts.
 */
import { metricOf } from './outputs'
import { findMetric, findSeries } from '../../shared/results'
import { captionNumber, captionPercent, networkPart, sizesPart } from '../../shared/captions'
import {
  count,
  lambdaGrid,
  measuredSize,
  tauRuleText,
  type ConfigRow,
  type ConfigRowsContext
} from '../../shared/configRows'
import { describeDataset, IRIS_CLASS_NAMES } from '../../shared/datasets'
import { known, pointEstimate, sig, significant } from '../../shared/format'
import {
  type Estimate,
  type KeyMetric,
  type RunDetail,
  type SeriesPoint
} from '../../shared/results'
import type { RunOf } from '../types'
import type { FinetuneConfig } from './config'

type FinetuneRun = Pick<RunDetail, 'status' | 'config' | 'metrics' | 'series' | 'progress'>

/** The last point of an epoch series after epoch 0, i.e. after at least one epoch. */
function lastEpoch(run: FinetuneRun, model: string, name: string): SeriesPoint | undefined {
  const points = findSeries(run, model, name)?.points ?? []
  return points
    .filter((p) => p.x > 0)
    .reduce<SeriesPoint | undefined>((last, p) => (!last || p.x >= last.x ? p : last), undefined)
}

function epochZero(run: FinetuneRun, model: string, name: string): SeriesPoint | undefined {
  return findSeries(run, model, name)?.points.find((p) => p.x === 0)
}

/**
 * A quantity before and after fine-tuning: the `<name>.before` / `<name>.after` metrics, or, for a
 * run that stopped before writing them, epoch 0 and the last finished epoch of `epoch.<name>`.
 */
export function beforeAfter(
  run: FinetuneRun,
  model: string,
  name: string
): { before: Estimate | undefined; after: Estimate | undefined } {
  const before = findMetric(run, model, `${name}.before`)
  const after = findMetric(run, model, `${name}.after`)
  return {
    before: known(before) ? before : pointEstimate(epochZero(run, model, `epoch.${name}`)),
    after: known(after) ? after : pointEstimate(lastEpoch(run, model, `epoch.${name}`))
  }
}

/** Epochs the run was configured for (0 for other kinds). */
export function totalEpochs(run: Pick<RunDetail, 'config'>): number {
  return run.config.kind === 'finetune' ? run.config.train.epochs : 0
}

/**
 * Epochs finished: the lab's `epochsCompleted`, else the last epoch recorded in a series, else
 * the step of a live fine-tuning progress report.
 */
export function epochsCompleted(run: FinetuneRun): number {
  const metric = metricOf(run, 'run', 'epochsCompleted')
  if (known(metric)) return metric.value
  const last = Math.max(
    0,
    ...run.series
      .filter((s) => s.name.startsWith('epoch.'))
      .flatMap((s) => s.points.filter((p) => p.value != null).map((p) => p.x))
  )
  const live = run.progress?.phase === 'fine-tuning' ? run.progress.step : 0
  return Math.max(last, live)
}

export function trackLambdaOf(run: Pick<RunDetail, 'config' | 'metrics'>): number | null {
  const metric = metricOf(run, 'run', 'trackLambda')
  if (known(metric)) return metric.value
  return run.config.kind === 'finetune' ? run.config.trackLambda : null
}

/** The headline numbers of a fine-tuning run, each undefined until the run has measured it. */
export function finetuneFacts(run: FinetuneRun) {
  const advantage = beforeAfter(run, 'run', 'advantage')
  const spike = beforeAfter(run, 'backdoored', 'spikeEnergy')
  // Runs made before these were measured have none of them.
  const normalised = beforeAfter(run, 'backdoored', 'normalisedSpikeEnergy')
  const nullBand = beforeAfter(run, 'backdoored', 'nullSpikeEnergy')
  const driftMetric = metricOf(run, 'backdoored', 'weightDrift.after')
  const drift = known(driftMetric)
    ? driftMetric
    : pointEstimate(lastEpoch(run, 'backdoored', 'epoch.weightDrift'))
  return {
    total: totalEpochs(run),
    done: epochsCompleted(run),
    lambda: trackLambdaOf(run),
    theta: (run.config as FinetuneConfig).theta,
    advantage,
    spike,
    normalised,
    nullBand,
    drift
  }
}

/**
 * The runs table's number: the advantage at the tracked λ after fine-tuning, or before when the
 * run stopped first.
 */
export function finetuneKeyEstimate(run: FinetuneRun): KeyMetric | null {
  const { before, after } = beforeAfter(run, 'run', 'advantage')
  const lambda = trackLambdaOf(run)
  const at = lambda == null ? '' : ` at λ=${significant(lambda, 3)}`
  const from = (label: string, e: Estimate | undefined): KeyMetric | null =>
    known(e)
      ? {
          label,
          value: e.value,
          ...(isNumber(e.lower) && isNumber(e.upper) ? { lower: e.lower, upper: e.upper } : {})
        }
      : null
  return (
    from(`advantage${at} after fine-tuning`, after) ??
    from(`advantage${at} before fine-tuning`, before)
  )
}

const isNumber = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v)

const optimizerCaptionNames: Record<FinetuneConfig['train']['optimizer'], string> = {
  adam: 'Adam',
  sgd: 'SGD',
  momentum: 'SGD with momentum'
}
const parameterNames: Record<string, string> = { G: 'G', tau: 'τ', a: 'a' }

function trainingPart(config: FinetuneConfig): string {
  const t = config.train
  const optimizer =
    t.optimizer === 'momentum'
      ? `${optimizerCaptionNames[t.optimizer]} ${captionNumber(t.momentum)}`
      : optimizerCaptionNames[t.optimizer]
  const details = [
    `lr ${captionNumber(t.learningRate)}${t.scaleGByM ? ' (× m for G)' : ''}`,
    `batch ${t.batchSize}`,
    `${t.epochs} ${t.epochs === 1 ? 'epoch' : 'epochs'}`,
    ...(t.weightDecay > 0 ? [`weight decay ${captionNumber(t.weightDecay)}`] : []),
    `training ${t.parameters.map((p) => parameterNames[p] ?? p).join(', ')}`
  ]
  return `, fine-tuned with ${optimizer} (${details.join(', ')})`
}

export function describeFinetuneData(config: FinetuneConfig): string {
  return describeDataset(config.dataset, config.d)
}

/** "a random-ReLU network (d=100, …; n=2000/2000; seed 1), fine-tuned with Adam (…)" */
export function describeFinetuneConfig(config: FinetuneConfig): string {
  const data = config.dataset
  const synthetic = data.kind === 'synthetic'
  const sizes = sizesPart(config)
  const dataPart = synthetic
    ? data.labels === 'teacher'
      ? `teacher labels, ${sizes}`
      : sizes
    : `${describeFinetuneData(config)}, ${captionPercent(config.testFraction)} held out`
  const inner = `${networkPart(config, { ownD: synthetic })}; ${dataPart}; seed ${config.seed}`
  return `a random-ReLU network (${inner})${trainingPart(config)}`
}

/** The data set of a fine-tuning run in a few words; `csvName` is the imported file's name. */
export function datasetDescription(dataset: FinetuneConfig['dataset'], csvName?: string): string {
  switch (dataset.kind) {
    case 'synthetic':
      return dataset.labels === 'teacher'
        ? 'synthetic, random ReLU teacher labels'
        : 'synthetic, norm task'
    case 'iris':
      return `Iris, ${IRIS_CLASS_NAMES[dataset.positiveClass] ?? dataset.positiveClass} vs rest`
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

export function finetuneConfigRows(
  run: Pick<RunOf<FinetuneConfig>, 'config' | 'metrics'>,
  { csvName }: ConfigRowsContext
): ConfigRow[] {
  const c = run.config
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
    { key: 'theta', label: 'θ', title: 'spike strength', value: sig(c.theta) },
    { key: 'lambdas', label: 'λ', title: 'trigger scale grid', value: lambdaGrid(c) },
    { key: 'trackLambda', label: 'λ*', title: 'tracked every epoch', value: sig(c.trackLambda) },
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
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    { key: 'target', label: 'target', title: 'target label', value: c.target > 0 ? '+1' : '−1' },
    { key: 'tauRule', label: 'τ rule', title: 'threshold rule', value: tauRuleText(c.tauRule) },
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
        (t.optimizer === 'momentum' ? ` (β = ${sig(t.momentum)})` : '')
    },
    {
      key: 'train.learningRate',
      label: 'η',
      title: 'learning rate',
      value:
        sig(t.learningRate) +
        (t.scaleGByM && t.parameters.includes('G') ? `; G: × m = ${sig(t.learningRate * c.m)}` : '')
    },
    { key: 'train.epochs', label: 'epochs', title: 'epochs', value: String(t.epochs) },
    { key: 'train.batchSize', label: 'B', title: 'batch size', value: String(t.batchSize) },
    { key: 'train.weightDecay', label: 'wd', title: 'weight decay', value: sig(t.weightDecay) }
  ]
}
