/** SCIENCE.md sections 3-5 and 9: the random-ReLU backdoor's effectiveness over a λ grid. */
import { z } from 'zod'
import { reluDefaults, reluShape, syntheticLabels } from '../../shared/relu'
import { kNotAboveD, MAX_SCORE_CELLS, memoryGuard } from '../../shared/schema'

export const effectivenessDefaults = {
  kind: 'effectiveness' as const,
  ...reluDefaults,
  labels: 'norm' as 'norm' | 'teacher'
}

export const effectivenessConfigSchema = z
  .object({
    kind: z.literal('effectiveness'),
    ...reluShape,
    labels: syntheticLabels('labels').default(effectivenessDefaults.labels)
  })
  .refine((c) => c.k <= c.d, kNotAboveD)
  .refine((c) => Math.max(c.n, c.nTest) * c.m <= MAX_SCORE_CELLS, memoryGuard)
export type EffectivenessConfig = z.infer<typeof effectivenessConfigSchema>
