import type { ExperimentConfig } from '../../../shared/config'
import { runEffectiveness } from './effectiveness'
import { runFinetune, type ModelElsewhere } from './finetune'
import type { ExperimentData } from './data'
import type { Reporter } from './reporter'
import { runUniversality } from './universality'

export interface ExperimentOptions {
  /** A real data set, loaded by the caller (experimentData). */
  data?: ExperimentData
  /** Where a second independent model may train (another process). */
  elsewhere?: ModelElsewhere
}

/** Runs one experiment of any kind. Pure in (config, data, seed streams, backend); output goes to `report`. */
export async function runExperiment(
  config: ExperimentConfig,
  report: Reporter,
  options: ExperimentOptions = {}
): Promise<void> {
  switch (config.kind) {
    case 'effectiveness':
      return runEffectiveness(config, report)
    case 'finetune':
      return runFinetune(config, report, options.data?.binary, { elsewhere: options.elsewhere })
    case 'universality':
      return runUniversality(config, report, options.data?.classes)
  }
}
