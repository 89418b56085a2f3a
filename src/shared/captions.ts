/**
 * Figure captions: one line naming what a chart shows, the run's config and what the marks mean,
 * for a paper's figure (the app copies it to the clipboard). Pure; no Node, no DOM.
 */
import { chartEntry, comparableEntry } from './chartRegistry'
import { describeData, type ExperimentConfig, type FinetuneConfig } from './config'
import type { RunDetail } from './results'

/** A number as a caption prints it: up to 4 significant digits, no trailing zeros. */
function num(value: number): string {
  return String(Number(value.toPrecision(4)))
}

function percent(fraction: number): string {
  return `${num(fraction * 100)}%`
}

const optimizerNames: Record<FinetuneConfig['train']['optimizer'], string> = {
  adam: 'Adam',
  sgd: 'SGD',
  momentum: 'SGD with momentum'
}
const parameterNames: Record<string, string> = { G: 'G', tau: 'τ', a: 'a' }

/** The data, in the words and numbers of a caption. */
function dataPart(config: ExperimentConfig): string {
  const sizes = `n=${config.n}/${config.nTest}`
  if (config.kind === 'effectiveness') {
    return config.labels === 'teacher' ? `teacher labels, ${sizes}` : sizes
  }
  const data = config.dataset
  if (data.kind === 'synthetic') {
    return data.labels === 'teacher' ? `teacher labels, ${sizes}` : sizes
  }
  if (data.kind === 'mixture')
    return `Gaussian mixture of L=${data.L} classes (spread ${num(data.spread)}), ${sizes}`
  return `${describeData(config)}, ${percent(config.testFraction)} held out`
}

/** The network's shape: d only where the lab draws the data (real data sets bring their own). */
function networkPart(config: ExperimentConfig): string {
  const ownD =
    config.kind === 'effectiveness' ||
    (config.kind === 'finetune' && config.dataset.kind === 'synthetic') ||
    (config.kind === 'universality' && config.dataset.kind === 'mixture')
  const planted =
    config.kind === 'universality' && !config.backdoored ? 'clean' : `θ=${num(config.theta)}`
  return [...(ownD ? [`d=${config.d}`] : []), `m=${config.m}`, `k=${config.k}`, planted].join(', ')
}

function trainingPart(config: FinetuneConfig): string {
  const t = config.train
  const optimizer =
    t.optimizer === 'momentum'
      ? `${optimizerNames[t.optimizer]} ${num(t.momentum)}`
      : optimizerNames[t.optimizer]
  const details = [
    `lr ${num(t.learningRate)}${t.scaleGByM ? ' (× m for G)' : ''}`,
    `batch ${t.batchSize}`,
    `${t.epochs} ${t.epochs === 1 ? 'epoch' : 'epochs'}`,
    ...(t.weightDecay > 0 ? [`weight decay ${num(t.weightDecay)}`] : []),
    `training ${t.parameters.map((p) => parameterNames[p] ?? p).join(', ')}`
  ]
  return `, fine-tuned with ${optimizer} (${details.join(', ')})`
}

/** The config of a run in one phrase: "a random-ReLU network (d=100, m=2000, k=10, θ=4; ...)". */
export function describeRunConfig(config: ExperimentConfig): string {
  const inner = `${networkPart(config)}; ${dataPart(config)}; seed ${config.seed}`
  switch (config.kind) {
    case 'effectiveness':
      return `a random-ReLU network (${inner})`
    case 'finetune':
      return `a random-ReLU network (${inner})${trainingPart(config)}`
    case 'universality':
      return `a random-ReLU encoder with softmax heads (${inner}; λ=${num(config.lambda)}, target class ${config.target})`
  }
}

/**
 * One caption line for chart `chart` of a run: what it shows, for which config, and what its
 * marks mean. Throws UnknownChartError for a chart this run's kind does not have.
 */
export function chartCaption(run: Pick<RunDetail, 'kind' | 'config'>, chart: string): string {
  const entry = chartEntry(run, chart)
  const marks = entry.marks ? `; ${entry.marks}` : ''
  return `${entry.title} for ${describeRunConfig(run.config)}${marks}.`
}

/**
 * The caption of chart `chart` of several runs overlaid (one run: chartCaption): what it shows,
 * each run by its tag and config, one colour per run, and what the marks mean. Still one line.
 * Throws UnknownChartError for the first run whose kind has neither the chart nor a comparable one.
 */
export function compareCaption(
  runs: Pick<RunDetail, 'id' | 'kind' | 'config'>[],
  chart: string
): string {
  if (runs.length === 0) throw new Error('a caption needs at least one run')
  if (runs.length === 1) return chartCaption(runs[0], chart)
  const entries = runs.map((run) => comparableEntry(run, chart))
  const entry = entries.find((e, i) => e.kinds.includes(runs[i].kind)) ?? entries[0]
  const each = runs.map((run) => `#${run.id}, ${describeRunConfig(run.config)}`).join('; ')
  const kinds = [...new Set(runs.map((r) => r.kind))]
  const notes = kinds.flatMap((k) => (entry.kinds.includes(k) ? [] : [entry.comparable?.[k]?.note]))
  const marks = [entry.marks, ...notes]
    .filter(Boolean)
    .map((m) => `; ${m}`)
    .join('')
  return `${entry.title}, ${runs.length} runs overlaid, one colour per run (${each})${marks}.`
}
