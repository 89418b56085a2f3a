import type { ExperimentConfig } from '../../../shared/config'
import { runEffectiveness } from './effectiveness'
import type { Reporter } from './reporter'

/** Runs one experiment of any kind. Pure in (config, seed streams, backend); all output goes to `report`. */
export async function runExperiment(config: ExperimentConfig, report: Reporter): Promise<void> {
  switch (config.kind) {
    case 'effectiveness':
      return runEffectiveness(config, report)
  }
}
