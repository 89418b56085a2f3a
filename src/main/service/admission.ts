/**
 * What the lab checks of a config before it saves a run, beyond its schema: that the data it
 * names can hold it (k within the data's dimension, the target among its classes) and that its
 * largest matrices fit the memory budget. A refused config names the field to change.
 */
import os from 'node:os'
import { dataOfConfig, findKind, type ExperimentConfig } from '../../kinds/registry'
import { csvFacts, shippedFacts, type DataFacts } from '../../shared/datasets'
import { overBudget } from '../../shared/limits'
import { ConfigError } from '../../shared/schema'
import type { DatasetSummary } from '../../shared/api'

/** The default budget: a quarter of the machine's memory per run. */
export const DEFAULT_BUDGET_SHARE = 0.25

const UNITS: Record<string, number> = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }

/**
 * The bytes one run may hold: `BACKDOOR_LAB_MEMORY_BUDGET` ("4096" MB, "512M", "6G") when set,
 * else a quarter of the machine's memory. A malformed setting is an error naming it.
 */
export function memoryBudget(setting = process.env.BACKDOOR_LAB_MEMORY_BUDGET): number {
  if (setting === undefined || setting.trim() === '') {
    return Math.floor(os.totalmem() * DEFAULT_BUDGET_SHARE)
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(setting)
  if (!match || Number(match[1]) <= 0) {
    throw new Error(
      `BACKDOOR_LAB_MEMORY_BUDGET must be a size such as 4096 (MB), 512M or 6G; got ${JSON.stringify(setting)}`
    )
  }
  return Math.floor(Number(match[1]) * UNITS[match[2].toLowerCase()])
}

/** What the lab knows of a config's data without loading it: shipped facts, or the CSV's. */
export function dataFacts(
  config: ExperimentConfig,
  csvSummary: (id: number) => DatasetSummary
): DataFacts | null {
  const spec = dataOfConfig(config)?.spec
  if (!spec) return null
  if (spec.kind === 'csv') return csvFacts(csvSummary(spec.datasetId), spec.labelColumn)
  return shippedFacts(spec)
}

/** Throws ConfigError when the data cannot hold the config or the run would not fit the budget. */
export function admit(config: ExperimentConfig, facts: DataFacts | null, budget: number): void {
  const kind = findKind(config.kind)
  if (!kind) return
  const errors = facts ? (kind.dataErrors?.(config, facts) ?? []) : []
  if (errors.length > 0) throw new ConfigError(errors)
  const estimate = kind.memory(config, facts)
  if (estimate.bytes > budget) throw new ConfigError([overBudget(estimate, budget)])
}
