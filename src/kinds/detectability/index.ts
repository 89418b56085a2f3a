/**
 * The detectability frontier (SCIENCE.md section 11): for each θ of a grid, the power and AUROC of
 * three tests a defender can run on the weights, beside the backdoor's strength from the same draws.
 */
import type { KindDefinition } from '../types'
import { detectabilityCharts } from './charts'
import { detectabilityConfigSchema } from './config'
import { detectabilityForm } from './form'
import { detectabilityMemory } from './limits'
import { detectabilityOutputs } from './outputs'
import {
  describeDetectabilityConfig,
  describeDetectabilityData,
  detectabilityConfigRows,
  detectabilityKeyEstimate
} from './summary'

export const detectability: KindDefinition<'detectability', typeof detectabilityConfigSchema> = {
  name: 'detectability',
  title: 'Detectability frontier (random ReLU)',
  noun: 'detectability',
  compact: 'Detectability',
  summary:
    'Can a defender who sees the weights find the sparse-PCA backdoor? Power and AUROC of three tests over a θ grid, beside the backdoor’s strength from the same draws.',
  schema: detectabilityConfigSchema,
  defaults: detectabilityConfigSchema.parse({ kind: 'detectability' }),
  form: detectabilityForm,
  progressUnit: 'draw',
  outputs: detectabilityOutputs,
  charts: detectabilityCharts,
  keyEstimate: detectabilityKeyEstimate,
  describeData: describeDetectabilityData,
  describeConfig: describeDetectabilityConfig,
  nameDetails: (config) =>
    `m=${config.m}, θ ${config.thetas.from}…${config.thetas.to}, R=${config.draws}, seed ${config.seed}`,
  memory: detectabilityMemory,
  configRows: detectabilityConfigRows
}
