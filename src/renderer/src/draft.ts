/**
 * The New experiment form's draft: what the researcher typed, kept between visits to the view.
 * Numbers stay as typed (a number, or '' when the box is empty) until they are validated.
 *
 * `draft` holds the fields every random-ReLU experiment shares (and the effectiveness labels);
 * `finetuneDraft` the fine-tuning extras. Switching kind keeps what both kinds share.
 */
import { reactive, ref } from 'vue'
import { effectivenessDefaults, type EffectivenessConfig } from '@kinds/effectiveness/config'
import {
  finetuneDefaults,
  optimizers,
  trainableParameters,
  type FinetuneConfig
} from '@kinds/finetune/config'
import { type ExperimentKind } from '@kinds/registry'
import { universalityDefaults, type UniversalityConfig } from '@kinds/universality/config'

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

export type ClassDatasetKind = 'mixture' | 'iris' | 'mnist' | 'csv'
export const allDigits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const

/**
 * The universality form's fields (SCIENCE.md section 7). Its own defaults (a smaller encoder on a
 * three-class mixture), so it keeps nothing from the other kinds but the run name.
 */
export interface UniversalityDraft {
  datasetKind: ClassDatasetKind
  L: Typed
  spread: Typed
  /** MNIST: whether each digit 0-9 is a class; class c is the c-th checked digit. */
  digits: boolean[]
  datasetId: number | null
  labelColumn: string
  testFraction: Typed
  d: Typed
  n: Typed
  nTest: Typed
  m: Typed
  k: Typed
  theta: Typed
  backdoored: boolean
  lambda: Typed
  target: Typed
  poisonFraction: Typed
  probes: Typed
  probeFraction: Typed
  randomHeads: Typed
  /** Empty: the lab picks the first held-out input the backdoor works on. */
  witnessIndex: Typed
  /** Empty: the witness uses the attack's target. */
  witnessTarget: Typed
  seed: Typed
  headEpochs: Typed
  headLearningRate: Typed
  headL2: Typed
}

/** Numeric universality draft keys and the config field each one fills. */
export const universalityNumericFields = {
  L: 'dataset.L',
  spread: 'dataset.spread',
  testFraction: 'testFraction',
  d: 'd',
  n: 'n',
  nTest: 'nTest',
  m: 'm',
  k: 'k',
  theta: 'theta',
  lambda: 'lambda',
  target: 'target',
  poisonFraction: 'poisonFraction',
  probes: 'probes',
  probeFraction: 'probeFraction',
  randomHeads: 'randomHeads',
  witnessIndex: 'witnessIndex',
  witnessTarget: 'witnessTarget',
  seed: 'seed',
  headEpochs: 'head.epochs',
  headLearningRate: 'head.learningRate',
  headL2: 'head.l2'
} as const
export type UniversalityNumericKey = keyof typeof universalityNumericFields

const mixtureDefaults = universalityDefaults.dataset

export function universalityDraftFromConfig(
  config: Omit<UniversalityConfig, 'kind' | 'testFraction'> & { testFraction?: number }
): UniversalityDraft {
  const dataset = config.dataset
  const digits: readonly number[] = dataset.kind === 'mnist' ? dataset.digits : allDigits
  return {
    datasetKind: dataset.kind,
    L: dataset.kind === 'mixture' ? dataset.L : mixtureDefaults.L,
    spread: dataset.kind === 'mixture' ? dataset.spread : mixtureDefaults.spread,
    digits: allDigits.map((digit) => digits.includes(digit)),
    datasetId: dataset.kind === 'csv' ? dataset.datasetId : null,
    labelColumn: dataset.kind === 'csv' ? dataset.labelColumn : '',
    testFraction: config.testFraction ?? 0.3,
    d: config.d,
    n: config.n,
    nTest: config.nTest,
    m: config.m,
    k: config.k,
    theta: config.theta,
    backdoored: config.backdoored,
    lambda: config.lambda,
    target: config.target,
    poisonFraction: config.poisonFraction,
    probes: config.probes,
    probeFraction: config.probeFraction,
    randomHeads: config.randomHeads,
    witnessIndex: config.witnessIndex ?? '',
    witnessTarget: config.witnessTarget ?? '',
    seed: config.seed,
    headEpochs: config.head.epochs,
    headLearningRate: config.head.learningRate,
    headL2: config.head.l2
  }
}

export const universalityDraft = reactive<UniversalityDraft>(
  universalityDraftFromConfig(universalityDefaults)
)

/** The digits checked in the draft, in increasing order: class c is the c-th of them. */
export function checkedDigits(u: Pick<UniversalityDraft, 'digits'>): number[] {
  return allDigits.filter((digit) => u.digits[digit])
}

/** A universality draft's data set as the schema expects it. */
export function classDatasetFromDraft(u: UniversalityDraft): Record<string, unknown> {
  switch (u.datasetKind) {
    case 'mixture':
      return { kind: 'mixture', L: typedNumber(u.L), spread: typedNumber(u.spread) }
    case 'iris':
      return { kind: 'iris' }
    case 'mnist':
      return { kind: 'mnist', digits: checkedDigits(u) }
    case 'csv':
      return { kind: 'csv', datasetId: u.datasetId, labelColumn: u.labelColumn }
  }
}

/**
 * The universality config the draft describes. The mixture sends d, n and n_test; real data send
 * testFraction instead, and their own d when the form knows it (`dataDimension`). An empty
 * witness input or target is left out (the lab then picks the input; y' is the attack's target).
 */
export function universalityConfigFromDraft(
  u: UniversalityDraft,
  dataDimension?: number
): Record<string, unknown> {
  const real = u.datasetKind !== 'mixture'
  const witnessIndex = isEmpty(u.witnessIndex) ? undefined : typedNumber(u.witnessIndex)
  const witnessTarget = isEmpty(u.witnessTarget) ? undefined : typedNumber(u.witnessTarget)
  return {
    kind: 'universality',
    dataset: classDatasetFromDraft(u),
    ...(real
      ? {
          ...(dataDimension === undefined ? {} : { d: dataDimension }),
          testFraction: typedNumber(u.testFraction)
        }
      : { d: typedNumber(u.d), n: typedNumber(u.n), nTest: typedNumber(u.nTest) }),
    m: typedNumber(u.m),
    k: typedNumber(u.k),
    theta: typedNumber(u.theta),
    backdoored: u.backdoored,
    lambda: typedNumber(u.lambda),
    target: typedNumber(u.target),
    poisonFraction: typedNumber(u.poisonFraction),
    probes: typedNumber(u.probes),
    probeFraction: typedNumber(u.probeFraction),
    randomHeads: typedNumber(u.randomHeads),
    ...(witnessIndex === undefined ? {} : { witnessIndex }),
    ...(witnessTarget === undefined ? {} : { witnessTarget }),
    seed: typedNumber(u.seed),
    head: {
      epochs: typedNumber(u.headEpochs),
      learningRate: typedNumber(u.headLearningRate),
      l2: typedNumber(u.headL2)
    }
  }
}

export function resetDraft(): void {
  Object.assign(draft, draftFromConfig(effectivenessDefaults))
  Object.assign(finetuneDraft, finetuneDraftFromConfig(finetuneDefaults))
  Object.assign(universalityDraft, universalityDraftFromConfig(universalityDefaults))
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
