/**
 * A universality run's peak memory (the encoder's features of every input, for the backdoored
 * and the clean encoder) and what it asks of a real data set: k within its dimension, the target
 * and the witness target among its classes.
 */
import type { DataFacts } from '../../shared/datasets'
import {
  classErrors,
  kWithinDataErrors,
  reluMemory,
  reluShapeOnData,
  type MemoryEstimate
} from '../../shared/limits'
import type { UniversalityConfig } from './config'

export function universalityMemory(
  config: UniversalityConfig,
  facts: DataFacts | null
): MemoryEstimate {
  return reluMemory(reluShapeOnData(config, facts, config.dataset.kind !== 'mixture'), {
    weights: 2,
    scores: 12
  })
}

export function universalityDataErrors(config: UniversalityConfig, facts: DataFacts) {
  return [
    ...kWithinDataErrors(config, facts),
    ...classErrors('target', config.target, facts),
    ...classErrors('witnessTarget', config.witnessTarget, facts)
  ]
}
