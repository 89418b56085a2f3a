/**
 * Universality (Theorem 3.1, SCIENCE.md section 7): an encoder with the backdoor below the last
 * layer, and the heads a defender may put on it.
 */
import type { KindDefinition } from '../types'
import { universalityForm } from './form'
import { universalityMemory, universalityDataErrors } from './limits'
import { universalityOutputs } from './outputs'
import { universalityCharts } from './charts'
import { universalityConfigSchema } from './config'
import {
  describeUniversalityConfig,
  describeUniversalityData,
  universalityConfigRows,
  universalityKeyEstimate
} from './summary'

export const universality: KindDefinition<'universality', typeof universalityConfigSchema> = {
  name: 'universality',
  title: 'Universality (Theorem 3.1)',
  noun: 'universality',
  compact: 'Universality',
  summary:
    'Plant the backdoor below the last layer and let the defender pick the head: the attacker’s own, clean probes, random heads, the trigger-nullifying head and the proof’s witness. Which heads break it?',
  schema: universalityConfigSchema,
  defaults: universalityConfigSchema.parse({ kind: 'universality' }),
  form: universalityForm,
  progressUnit: 'step',
  outputs: universalityOutputs,
  charts: universalityCharts,
  keyEstimate: universalityKeyEstimate,
  describeData: describeUniversalityData,
  describeConfig: describeUniversalityConfig,
  nameDetails: (config) =>
    `m=${config.m}, ${config.backdoored ? `θ=${config.theta}` : 'clean'}${
      config.head.optimizer === 'gd' ? ', gradient descent' : ''
    }, seed ${config.seed}`,
  data: (config) => ({ spec: config.dataset, task: 'classes' }),
  memory: universalityMemory,
  dataErrors: universalityDataErrors,
  configRows: universalityConfigRows
}
