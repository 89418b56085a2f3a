/** SCIENCE.md section 7: which heads break a backdoor planted below the last layer? */
import { z } from 'zod'
import { classDatasetSchema, testFractionField } from '../../shared/datasets'
import { withMeta } from '../../shared/fields'
import { kField, thetaField } from '../../shared/relu'
import { int, kNotAboveD, MAX_SCORE_CELLS, memoryGuard, real, seedField } from '../../shared/schema'

/**
 * How the attacker head and the probes are trained: full-batch Adam or plain full-batch gradient
 * descent. Adam is the default because every run made before the choice existed was trained by
 * Adam: a saved config without the field still means, and reproduces, what it ran.
 */
export const headOptimizers = ['adam', 'gd'] as const

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
  accuracyMargin: 0.05,
  seed: 1,
  head: {
    optimizer: 'adam' as (typeof headOptimizers)[number],
    epochs: 300,
    learningRate: 0.1,
    l2: 0.0001
  }
}

/** SCIENCE.md section 7: which heads break a backdoor planted below the last layer? */
export const universalityConfigSchema = z
  .object({
    kind: z.literal('universality'),
    dataset: classDatasetSchema.default(universalityDefaults.dataset),
    /** Input dimension of the mixture (real data sets bring their own). */
    d: int('d', 2, 4096, {
      label: 'Input dimension',
      symbol: 'd',
      help: 'Coordinates of each input.'
    }).default(universalityDefaults.d),
    n: int('n', 10, 200_000, {
      label: 'Training samples',
      symbol: 'n',
      help: 'The attacker head and the probes are trained on these.'
    }).default(universalityDefaults.n),
    nTest: int('nTest', 10, 200_000, {
      label: 'Held-out samples',
      symbol: 'n_test',
      help: 'Every head’s clean accuracy and ASR are measured on these.'
    }).default(universalityDefaults.nTest),
    /** Share of a real data set held out for testing. */
    testFraction: testFractionField(
      'Share of the data set held out for measuring; the rest trains the heads.'
    ).default(0.3),
    m: int('m', 1, 100_000, {
      label: 'Hidden width',
      symbol: 'm',
      help: 'Features Φ(x) = ReLU(G x) / √m; the heads are m × L.'
    }).default(universalityDefaults.m),
    k: kField().default(universalityDefaults.k),
    theta: withMeta(thetaField(), {
      help: 'Backdoored rows gᵢ ~ N(0, I + θ s sᵀ). Ignored by a clean encoder.'
    }).default(universalityDefaults.theta),
    /** false: a clean encoder (theta ignored), the baseline. */
    backdoored: withMeta(z.boolean({ error: 'backdoored must be true or false' }), {
      label: 'Encoder',
      symbol: 'G',
      help: 'A clean encoder (θ ignored) is the baseline: what the trigger does without a backdoor.',
      options: { true: 'sPCA-backdoored', false: 'Clean' }
    }).default(universalityDefaults.backdoored),
    lambda: real('lambda', 0, 1e6, {
      label: 'Trigger scale',
      symbol: 'λ',
      help: 'Activate(x) = x + λ s, for poisoning and for measuring ASR.'
    }).default(universalityDefaults.lambda),
    /** The class the attacker wants (0-based). */
    target: int('target', 0, 19, {
      label: 'Target class',
      symbol: 'target',
      help: 'The class the attacker wants, 0 … L − 1. ASR counts held-out inputs not already in it.'
    }).default(universalityDefaults.target),
    poisonFraction: real('poisonFraction', 0, 0.95, {
      label: 'Poison fraction',
      symbol: 'p',
      help: 'Poisoned copies (x + λ s, target) added to the attacker head’s training set, as a share of n.'
    }).default(universalityDefaults.poisonFraction),
    /** Number r of clean linear probes (each on its own subsample and seed). */
    probes: int('probes', 0, 200, {
      label: 'Clean probes',
      symbol: 'r',
      help: 'Logistic-regression heads on clean data only, each on its own subsample and seed.'
    }).default(universalityDefaults.probes),
    /** Share of the training set each clean probe sees. */
    probeFraction: real('probeFraction', 0.05, 1, {
      label: 'Probe subsample',
      symbol: 'share',
      help: 'Share of the training set each clean probe sees.'
    }).default(universalityDefaults.probeFraction),
    /** SCIENCE.md section 7: the heads the gap and the verdict compare. */
    accuracyMargin: real('accuracyMargin', 0, 1, {
      label: 'Accuracy match margin',
      symbol: 'Δacc',
      help: 'The gap and the verdict compare only heads whose clean accuracy is within this of the attacker’s head’s (0.05: 5 points), so random heads at chance do not count.'
    }).default(universalityDefaults.accuracyMargin),
    randomHeads: int('randomHeads', 0, 100_000, {
      label: 'Random heads',
      symbol: '#W',
      help: 'Heads with W ~ N(0, 1) entries and b = 0: what the trigger does to an arbitrary head.'
    }).default(universalityDefaults.randomHeads),
    /**
     * The held-out input of the witness construction, and its target y' (default: target).
     * No witnessIndex: the lab picks the first held-out input the backdoor works on (the
     * attacker's head sends Activate(x), not x, to y'; see the lab's WitnessChoice).
     */
    witnessIndex: int('witnessIndex', 0, 1_000_000, {
      label: 'Witness input',
      symbol: 'x',
      help: 'Index of x among the held-out data (wraps past n_test). Empty: automatic, the first input the backdoor flips to y′ under the attacker’s head.'
    }).optional(),
    witnessTarget: int('witnessTarget', 0, 19, {
      label: 'Witness target',
      symbol: 'y′',
      help: 'The label the backdoor is asked for on x. Empty: the target class.'
    }).optional(),
    seed: seedField(
      'Every draw (data, key, weights, heads) comes from it: same seed, same numbers.'
    ).default(universalityDefaults.seed),
    /**
     * Softmax regression for the attacker head and the probes (on both encoders): full-batch Adam
     * or gradient descent, with L2.
     */
    head: z
      .object({
        optimizer: withMeta(
          z.enum(headOptimizers, { error: "head.optimizer must be 'adam' or 'gd'" }),
          {
            label: 'Optimiser',
            help: 'Full-batch Adam or plain gradient descent, for the attacker’s head and every probe. The nullifying head’s ASR depends on it.',
            options: { adam: 'Adam', gd: 'Gradient descent' }
          }
        ).default(universalityDefaults.head.optimizer),
        epochs: int('head.epochs', 1, 100_000, {
          label: 'Epochs',
          symbol: 'epochs',
          help: 'Full-batch steps for the attacker head and every probe.'
        }).default(universalityDefaults.head.epochs),
        learningRate: real('head.learningRate', 1e-6, 10, {
          label: 'Learning rate',
          symbol: 'η',
          help: 'Adam: about the size of each weight’s step. Gradient descent: the multiple of the gradient subtracted per step.'
        }).default(universalityDefaults.head.learningRate),
        l2: real('head.l2', 0, 100, {
          label: 'L2 penalty',
          symbol: 'ℓ₂',
          help: 'Weight on ‖W‖² in the softmax loss; 0 turns it off.'
        }).default(universalityDefaults.head.l2)
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
    (c) => c.dataset.kind !== 'mixture' || Math.max(c.n, c.nTest) * c.m <= MAX_SCORE_CELLS,
    memoryGuard
  )
export type UniversalityConfig = z.infer<typeof universalityConfigSchema>
