/**
 * A fine-tuning run's peak memory (both networks, as when they train in one process) and what
 * it asks of a real data set.
 */
import type { DataFacts } from '../../shared/datasets'
import {
  kWithinDataErrors,
  reluMemory,
  reluShapeOnData,
  type MemoryEstimate
} from '../../shared/limits'
import type { FinetuneConfig } from './config'

export function finetuneMemory(config: FinetuneConfig, facts: DataFacts | null): MemoryEstimate {
  // Weights, their starting copies and the optimiser's state, for both networks.
  return reluMemory(reluShapeOnData(config, facts, config.dataset.kind !== 'synthetic'), {
    weights: 6,
    scores: 4
  })
}

export const finetuneDataErrors = (config: FinetuneConfig, facts: DataFacts) =>
  kWithinDataErrors(config, facts)
