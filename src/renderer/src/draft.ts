/**
 * The New experiment form's draft: what the researcher typed, kept between visits to the view.
 * Numbers stay as typed (a number, or '' when the box is empty) until they are validated.
 *
 * `draft` holds the fields every random-ReLU experiment shares (and the effectiveness labels);
 * `finetuneDraft` the fine-tuning extras. Switching kind keeps what both kinds share.
 */
import { reactive, ref } from 'vue'
import {
  effectivenessDefaults,
  finetuneDefaults,
  optimizers,
  trainableParameters,
  type EffectivenessConfig,
  type ExperimentKind,
  type FinetuneConfig
} from '@shared/config'

type Typed = number | string

export interface EffectivenessDraft {
  d: Typed
  m: Typed
  k: Typed
  theta: Typed
  lambdasFrom: Typed
  lambdasTo: Typed
  lambdasSteps: Typed
  n: Typed
  nTest: Typed
  seed: Typed
  target: 1 | -1
  tauRule: 'trainingError' | 'median'
  labels: 'norm' | 'teacher'
  name: string
}

/** Numeric draft keys and the config field each one fills. */
export const numericFields = {
  d: 'd',
  m: 'm',
  k: 'k',
  theta: 'theta',
  lambdasFrom: 'lambdas.from',
  lambdasTo: 'lambdas.to',
  lambdasSteps: 'lambdas.steps',
  n: 'n',
  nTest: 'nTest',
  seed: 'seed'
} as const
export type NumericKey = keyof typeof numericFields

export function draftFromConfig(
  config: Omit<EffectivenessConfig, 'kind'>,
  name = ''
): EffectivenessDraft {
  return {
    d: config.d,
    m: config.m,
    k: config.k,
    theta: config.theta,
    lambdasFrom: config.lambdas.from,
    lambdasTo: config.lambdas.to,
    lambdasSteps: config.lambdas.steps,
    n: config.n,
    nTest: config.nTest,
    seed: config.seed,
    target: config.target,
    tauRule: config.tauRule,
    labels: config.labels,
    name
  }
}

export const draft = reactive<EffectivenessDraft>(draftFromConfig(effectivenessDefaults))

export type DatasetKind = 'synthetic' | 'iris' | 'mnist' | 'csv'
export type TrainableParameter = (typeof trainableParameters)[number]
export type Optimizer = (typeof optimizers)[number]

/** The fine-tuning form's own fields; every data set's choices are kept while another is shown. */
export interface FinetuneDraft {
  datasetKind: DatasetKind
  syntheticLabels: 'norm' | 'teacher'
  positiveClass: number
  positiveDigit: number
  negativeDigit: number
  datasetId: number | null
  labelColumn: string
  positiveLabel: string
  testFraction: Typed
  trackLambda: Typed
  parameters: Record<TrainableParameter, boolean>
  optimizer: Optimizer
  learningRate: Typed
  momentum: Typed
  scaleGByM: boolean
  epochs: Typed
  batchSize: Typed
  weightDecay: Typed
}

/** Numeric fine-tuning draft keys and the config field each one fills. */
export const finetuneNumericFields = {
  testFraction: 'testFraction',
  trackLambda: 'trackLambda',
  learningRate: 'train.learningRate',
  momentum: 'train.momentum',
  epochs: 'train.epochs',
  batchSize: 'train.batchSize',
  weightDecay: 'train.weightDecay'
} as const
export type FinetuneNumericKey = keyof typeof finetuneNumericFields

const datasetDefaults = {
  syntheticLabels: 'norm' as const,
  positiveClass: 2,
  positiveDigit: 1,
  negativeDigit: 7
}

export function finetuneDraftFromConfig(
  config: Pick<FinetuneConfig, 'dataset' | 'testFraction' | 'trackLambda' | 'train'>
): FinetuneDraft {
  const dataset = config.dataset
  return {
    datasetKind: dataset.kind,
    syntheticLabels:
      dataset.kind === 'synthetic' ? dataset.labels : datasetDefaults.syntheticLabels,
    positiveClass: dataset.kind === 'iris' ? dataset.positiveClass : datasetDefaults.positiveClass,
    positiveDigit: dataset.kind === 'mnist' ? dataset.positiveDigit : datasetDefaults.positiveDigit,
    negativeDigit: dataset.kind === 'mnist' ? dataset.negativeDigit : datasetDefaults.negativeDigit,
    datasetId: dataset.kind === 'csv' ? dataset.datasetId : null,
    labelColumn: dataset.kind === 'csv' ? dataset.labelColumn : '',
    positiveLabel: dataset.kind === 'csv' ? (dataset.positiveLabel ?? '') : '',
    testFraction: config.testFraction,
    trackLambda: config.trackLambda,
    parameters: {
      G: config.train.parameters.includes('G'),
      tau: config.train.parameters.includes('tau'),
      a: config.train.parameters.includes('a')
    },
    optimizer: config.train.optimizer,
    learningRate: config.train.learningRate,
    momentum: config.train.momentum,
    scaleGByM: config.train.scaleGByM,
    epochs: config.train.epochs,
    batchSize: config.train.batchSize,
    weightDecay: config.train.weightDecay
  }
}

export const finetuneDraft = reactive<FinetuneDraft>(finetuneDraftFromConfig(finetuneDefaults))

/** The kind the form shows, kept between visits like the rest of the draft. */
export const draftKind = ref<ExperimentKind>('effectiveness')

export function resetDraft(): void {
  Object.assign(draft, draftFromConfig(effectivenessDefaults))
  Object.assign(finetuneDraft, finetuneDraftFromConfig(finetuneDefaults))
}

/** A typed value as the schema should see it: '' becomes null (reported as required). */
export function typedNumber(value: Typed): number | null {
  if (typeof value === 'number') return value
  const trimmed = value.trim()
  if (trimmed === '') return null
  return Number(trimmed)
}

export function isEmpty(value: Typed): boolean {
  return typeof value === 'string' && value.trim() === ''
}

/** The config the draft describes, for the schema to judge. */
export function configFromDraft(d: EffectivenessDraft): Record<string, unknown> {
  return {
    kind: 'effectiveness',
    d: typedNumber(d.d),
    m: typedNumber(d.m),
    k: typedNumber(d.k),
    theta: typedNumber(d.theta),
    lambdas: {
      from: typedNumber(d.lambdasFrom),
      to: typedNumber(d.lambdasTo),
      steps: typedNumber(d.lambdasSteps)
    },
    n: typedNumber(d.n),
    nTest: typedNumber(d.nTest),
    seed: typedNumber(d.seed),
    target: d.target,
    tauRule: d.tauRule,
    labels: d.labels
  }
}

/** Real data bring their own dimension and sizes: d, n and n_test give way to testFraction. */
export function usesRealData(f: Pick<FinetuneDraft, 'datasetKind'>): boolean {
  return f.datasetKind !== 'synthetic'
}

export function datasetFromDraft(f: FinetuneDraft): Record<string, unknown> {
  switch (f.datasetKind) {
    case 'synthetic':
      return { kind: 'synthetic', labels: f.syntheticLabels }
    case 'iris':
      return { kind: 'iris', positiveClass: f.positiveClass }
    case 'mnist':
      return { kind: 'mnist', positiveDigit: f.positiveDigit, negativeDigit: f.negativeDigit }
    case 'csv': {
      const positiveLabel = f.positiveLabel.trim()
      return {
        kind: 'csv',
        datasetId: f.datasetId,
        labelColumn: f.labelColumn,
        ...(positiveLabel ? { positiveLabel } : {})
      }
    }
  }
}

/**
 * The fine-tuning config the drafts describe. Fields the form hides (n, n_test for real data;
 * testFraction for synthetic data; momentum without SGD + momentum) are left to their defaults;
 * real data bring their own d, which the form passes as `dataDimension` when it knows it.
 */
export function finetuneConfigFromDraft(
  shared: EffectivenessDraft,
  f: FinetuneDraft,
  dataDimension?: number
): Record<string, unknown> {
  const real = usesRealData(f)
  const { labels: _labels, ...common } = configFromDraft(shared)
  const { d, n, nTest, ...rest } = common
  return {
    ...rest,
    kind: 'finetune',
    ...(real ? (dataDimension === undefined ? {} : { d: dataDimension }) : { d, n, nTest }),
    dataset: datasetFromDraft(f),
    ...(real ? { testFraction: typedNumber(f.testFraction) } : {}),
    trackLambda: typedNumber(f.trackLambda),
    train: {
      parameters: trainableParameters.filter((p) => f.parameters[p]),
      optimizer: f.optimizer,
      learningRate: typedNumber(f.learningRate),
      ...(f.optimizer === 'momentum' ? { momentum: typedNumber(f.momentum) } : {}),
      scaleGByM: f.scaleGByM,
      epochs: typedNumber(f.epochs),
      batchSize: typedNumber(f.batchSize),
      weightDecay: typedNumber(f.weightDecay)
    }
  }
}
