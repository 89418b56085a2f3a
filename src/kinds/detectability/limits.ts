/**
 * A frontier's peak memory: one draw at a time, so one effectiveness run's matrices (both
 * networks' weights and the score grid) plus a null draw's weights and its d × d second moment.
 */
import { reluMemory, reluShapeOnData, type MemoryEstimate } from '../../shared/limits'
import type { DetectabilityConfig } from './config'

export function detectabilityMemory(config: DetectabilityConfig): MemoryEstimate {
  const estimate = reluMemory(reluShapeOnData(config, null, false), { weights: 3, scores: 4 })
  return { ...estimate, bytes: estimate.bytes + 4 * config.d * config.d }
}
