/** SCIENCE.md section 6: does the backdoor survive fine-tuning? */
import { z } from 'zod'
import { datasetSchema, testFractionField } from '../../shared/datasets'
import { withMeta } from '../../shared/fields'
import { reluShape } from '../../shared/relu'
import { int, kNotAboveD, MAX_SCORE_CELLS, memoryGuard, real } from '../../shared/schema'

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
  parameters: withMeta(
    z
      .array(
        z.enum(trainableParameters, {
          error: "train.parameters entries must be 'G', 'tau' or 'a'"
        })
      )
      .min(1, { error: 'train.parameters must name at least one of G, tau, a' }),
    {
      label: 'Trained parameters',
      help: 'The rest stay as built. Default: G and τ.',
      options: {
        G: 'First-layer weights (the m rows gᵢ)',
        tau: 'Threshold',
        a: 'Logit scale (fixed at 1/std of f otherwise)'
      }
    }
  ).default(finetuneDefaults.train.parameters),
  optimizer: withMeta(
    z.enum(optimizers, { error: "train.optimizer must be 'adam', 'sgd' or 'momentum'" }),
    {
      label: 'Optimiser',
      help: 'The same optimiser, from the same state, for both networks.',
      options: { adam: 'Adam', sgd: 'SGD', momentum: 'SGD + momentum' }
    }
  ).default(finetuneDefaults.train.optimizer),
  learningRate: real('train.learningRate', 0, 100, {
    label: 'Learning rate',
    symbol: 'η',
    help: 'Step size of the optimiser for every trained parameter.'
  }).default(finetuneDefaults.train.learningRate),
  /** Momentum coefficient of 'momentum' (SGD with momentum). */
  momentum: real('train.momentum', 0, 0.999, {
    label: 'Momentum',
    symbol: 'β',
    help: 'Share of the previous step carried into the next (SGD + momentum only).'
  }).default(finetuneDefaults.train.momentum),
  /** Multiply G's learning rate by m, undoing the 1/m of the score in G's gradient. */
  scaleGByM: withMeta(z.boolean({ error: 'train.scaleGByM must be true or false' }), {
    label: 'Scale G’s learning rate by m',
    help: 'The score averages m features, so each row of G gets 1/m of the gradient; this multiplies G’s learning rate by m so rows move at a width-independent speed. Meant for SGD: Adam already normalises each step, so with Adam it makes steps m times larger.'
  }).default(finetuneDefaults.train.scaleGByM),
  epochs: int('train.epochs', 0, 10_000, {
    label: 'Epochs',
    symbol: 'epochs',
    help: 'Passes over the training set; 0 measures the networks without fine-tuning.'
  }).default(finetuneDefaults.train.epochs),
  batchSize: int('train.batchSize', 1, 100_000, {
    label: 'Batch size',
    symbol: 'B',
    help: 'Training samples per optimiser step, reshuffled every epoch.'
  }).default(finetuneDefaults.train.batchSize),
  weightDecay: real('train.weightDecay', 0, 100, {
    label: 'Weight decay',
    symbol: 'wd',
    help: 'L2 penalty on G, added to its gradient as wd · G (τ and a are not decayed); 0 turns it off.'
  }).default(finetuneDefaults.train.weightDecay)
})
export type TrainingConfig = z.infer<typeof trainingSchema>

/** SCIENCE.md section 6: does the backdoor survive fine-tuning? */
export const finetuneConfigSchema = z
  .object({
    kind: z.literal('finetune'),
    ...reluShape,
    dataset: datasetSchema.default(finetuneDefaults.dataset),
    /** Share of a real data set held out for testing (synthetic data use n and nTest). */
    testFraction: testFractionField(
      'Share of the data set held out for measuring; the rest trains. Between 0.05 and 0.95.'
    ).default(finetuneDefaults.testFraction),
    /** The lambda at which ASR is tracked every epoch. */
    trackLambda: real('trackLambda', 0, 1e6, {
      label: 'λ tracked every epoch',
      symbol: 'λ*',
      help: 'ASR and advantage are measured at this λ after every epoch; the whole grid before and after.'
    }).default(finetuneDefaults.trackLambda),
    train: trainingSchema.default(finetuneDefaults.train)
  })
  // Real data bring their own d and sizes: the lab checks k and memory against the data instead.
  .refine((c) => c.dataset.kind !== 'synthetic' || c.k <= c.d, kNotAboveD)
  .refine(
    (c) => c.dataset.kind !== 'synthetic' || Math.max(c.n, c.nTest) * c.m <= MAX_SCORE_CELLS,
    memoryGuard
  )
export type FinetuneConfig = z.infer<typeof finetuneConfigSchema>
