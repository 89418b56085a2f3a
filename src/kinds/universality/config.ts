/** SCIENCE.md section 7: which heads break a backdoor planted below the last layer? */
import { z } from 'zod'
import { classDatasetSchema } from '../../shared/datasets'
import { int, kNotAboveD, MAX_SCORE_CELLS, MAX_SEED, memoryGuard, real } from '../../shared/schema'

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
    (c) => c.dataset.kind !== 'mixture' || Math.max(c.n, c.nTest) * c.m <= MAX_SCORE_CELLS,
    memoryGuard
  )
export type UniversalityConfig = z.infer<typeof universalityConfigSchema>
