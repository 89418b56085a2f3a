/**
 * Backdoor effectiveness (SCIENCE.md sections 3-5): the sparse-PCA backdoor of GKVZ22 in a random
 * ReLU network against its clean twin, ASR over a λ grid, with the large-width theory.
 */
import type { KindDefinition } from '../types'
import { effectivenessForm } from './form'
import { effectivenessMemory } from './limits'
import { effectivenessOutputs } from './outputs'
import { effectivenessCharts } from './charts'
import { effectivenessConfigSchema } from './config'
import {
  describeEffectivenessConfig,
  describeEffectivenessData,
  effectivenessConfigRows,
  effectivenessKeyEstimate
} from './summary'

export const effectiveness: KindDefinition<'effectiveness', typeof effectivenessConfigSchema> = {
  name: 'effectiveness',
  title: 'Backdoor effectiveness (random ReLU)',
  noun: 'effectiveness',
  compact: 'Effectiveness',
  summary:
    'GKVZ22 sparse-PCA backdoor in a random ReLU network: attack success rate over a trigger-scale grid, against a clean twin and the large-width theory.',
  schema: effectivenessConfigSchema,
  defaults: effectivenessConfigSchema.parse({ kind: 'effectiveness' }),
  form: effectivenessForm,
  progressUnit: 'step',
  outputs: effectivenessOutputs,
  charts: effectivenessCharts,
  keyEstimate: effectivenessKeyEstimate,
  describeData: describeEffectivenessData,
  describeConfig: describeEffectivenessConfig,
  nameDetails: (config) => `m=${config.m}, θ=${config.theta}, seed ${config.seed}`,
  memory: effectivenessMemory,
  configRows: effectivenessConfigRows
}
