/**
 * Fine-tuning robustness (SCIENCE.md section 6): the backdoored network and its clean twin
 * fine-tuned the same way, measured every epoch.
 */
import type { KindDefinition } from '../types'
import { finetuneForm } from './form'
import { finetuneMemory, finetuneDataErrors } from './limits'
import { finetuneOutputs } from './outputs'
import { finetuneCharts, finetuneComparableCharts } from './charts'
import { finetuneConfigSchema } from './config'
import {
  describeFinetuneConfig,
  describeFinetuneData,
  finetuneConfigRows,
  finetuneKeyEstimate
} from './summary'

/**
 * Metrics a fine-tuning run reports before and after (`lambda50.before`) and an effectiveness run
 * once, for the network as planted: compared with an effectiveness run, the `before` value is
 * the same quantity.
 */
const PLANTED_METRICS = new Set(['cleanAccuracy', 'lambda50', 'spikeEnergy', 'tau', 'backdoorCost'])
export const BEFORE_FINETUNING_NOTE = 'fine-tuning runs: before fine-tuning'

export const finetune: KindDefinition<'finetune', typeof finetuneConfigSchema> = {
  name: 'finetune',
  title: 'Fine-tuning robustness',
  noun: 'fine-tuning',
  compact: 'Fine-tuning',
  summary:
    'Fine-tune the backdoored network and its clean twin the same way and watch, epoch by epoch, whether the backdoor advantage survives as the weights move.',
  schema: finetuneConfigSchema,
  defaults: finetuneConfigSchema.parse({ kind: 'finetune' }),
  form: finetuneForm,
  progressUnit: 'epoch',
  outputs: finetuneOutputs,
  charts: finetuneCharts,
  comparableCharts: finetuneComparableCharts,
  comparedMetric: (name, otherKinds) => {
    if (!otherKinds.has('effectiveness') || !name.endsWith('.before')) return null
    const base = name.slice(0, -'.before'.length)
    return PLANTED_METRICS.has(base) ? { name: base, note: BEFORE_FINETUNING_NOTE } : null
  },
  keyEstimate: finetuneKeyEstimate,
  describeData: describeFinetuneData,
  describeConfig: describeFinetuneConfig,
  nameDetails: (config) => `m=${config.m}, θ=${config.theta}, seed ${config.seed}`,
  data: (config) => ({ spec: config.dataset, task: 'binary' }),
  memory: finetuneMemory,
  dataErrors: finetuneDataErrors,
  configRows: finetuneConfigRows
}
