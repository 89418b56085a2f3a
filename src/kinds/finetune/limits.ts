/**
 * A fine-tuning run's peak memory (both networks, as when they train in one process) and what
 * it asks of a real data set.
 */
import type { DataFacts } from '../../shared/datasets'
import { kWithinDataErrors, reluMemory, type MemoryEstimate } from '../../shared/limits'
import type { FinetuneConfig } from './config'

export function finetuneMemory(config: FinetuneConfig, facts: DataFacts | null): MemoryEstimate {
  const real = config.dataset.kind !== 'synthetic' && facts?.rows != null
  const rows = real ? facts!.rows! : config.n + config.nTest
  return reluMemory(
    {
      m: config.m,
      d: real && facts?.d != null ? facts.d : config.d,
      rows,
      scoreRows: real ? rows : Math.max(config.n, config.nTest)
    },
    // Weights, their starting copies and the optimiser's state, for both networks.
    { weights: 6, scores: 4 }
  )
}

export const finetuneDataErrors = (config: FinetuneConfig, facts: DataFacts) =>
  kWithinDataErrors(config, facts)
