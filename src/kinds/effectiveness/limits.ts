/** An effectiveness run's peak memory: both networks' weights, the data and the score grid. */
import { reluMemory, type MemoryEstimate } from '../../shared/limits'
import type { EffectivenessConfig } from './config'

export function effectivenessMemory(config: EffectivenessConfig): MemoryEstimate {
  return reluMemory(
    {
      m: config.m,
      d: config.d,
      rows: config.n + config.nTest,
      scoreRows: Math.max(config.n, config.nTest)
    },
    { weights: 2, scores: 4 }
  )
}
