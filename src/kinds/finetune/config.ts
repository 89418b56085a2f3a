/** SCIENCE.md section 6: does the backdoor survive fine-tuning? */
import { z } from 'zod'
import { datasetSchema } from '../../shared/datasets'
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
  .refine((c) => Math.max(c.n, c.nTest) * c.m <= MAX_SCORE_CELLS, memoryGuard)
export type FinetuneConfig = z.infer<typeof finetuneConfigSchema>
