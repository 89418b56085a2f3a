/** An effectiveness run's peak memory: both networks' weights, the data and the score grid. */
import { reluMemory, reluShapeOnData, type MemoryEstimate } from '../../shared/limits'
import type { EffectivenessConfig } from './config'

export function effectivenessMemory(config: EffectivenessConfig): MemoryEstimate {
  return reluMemory(reluShapeOnData(config, null, false), { weights: 2, scores: 4 })
}
