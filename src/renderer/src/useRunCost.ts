/**
 * What a run of the New experiment form will ask of the machine, as the lab estimates it before
 * saving: its largest score matrix against the lab's limit, and its peak memory against the
 * budget per run (read once from the lab). The facts of its data (a shipped data set's, or the
 * chosen CSV file's) serve a sweep's per-point checks too.
 */
import { computed, onMounted, ref, type ComputedRef, type Ref } from 'vue'
import { dataOfConfig, type ExperimentConfig, type Kind } from '@kinds/registry'
import { csvFacts, shippedFacts, type DataFacts } from '@shared/datasets'
import { formatMemory } from '@shared/limits'
import { MAX_SCORE_CELLS } from '@shared/schema'
import { getClient } from './client'
import type { DatasetSummary } from './datasets'
import { num } from './format'

/** The facts of a config's data: a shipped set's, the chosen CSV file's, none for drawn data. */
export function dataFactsOf(
  config: ExperimentConfig,
  csv: DatasetSummary | null
): DataFacts | null {
  const spec = dataOfConfig(config)?.spec
  if (spec?.kind === 'csv') return csv ? csvFacts(csv, spec.labelColumn) : null
  return spec ? shippedFacts(spec) : null
}

export function useRunCost(
  kind: ComputedRef<Kind>,
  config: ComputedRef<Record<string, unknown>>,
  csv: Ref<DatasetSummary | null>
) {
  // The lab's budget per run and the runs it computes at once.
  const budget = ref<number | null>(null)
  const parallelRuns = ref(1)
  onMounted(async () => {
    try {
      const info = await getClient().call('appInfo', {})
      budget.value = info.memoryBudget ?? null
      parallelRuns.value = info.parallelRuns ?? 1
    } catch {
      budget.value = null
    }
  })

  const cost = computed(() => {
    const cells = kind.value.form.cells?.(config.value) ?? null
    if (cells == null) return null
    return {
      text: `${num(cells / 1e6, 3)} M floats (${num((cells * 4) / 2 ** 20, 3)} MiB)`,
      share: Math.min(1, cells / MAX_SCORE_CELLS)
    }
  })

  const valid = computed(() => {
    const parsed = kind.value.schema.safeParse(config.value)
    return parsed.success ? (parsed.data as ExperimentConfig) : null
  })
  const facts = computed(() => (valid.value ? dataFactsOf(valid.value, csv.value) : null))

  const memory = computed(() => {
    if (!valid.value || budget.value == null) return null
    const estimate = kind.value.memory(valid.value, facts.value)
    return {
      estimate,
      budget: budget.value,
      text: `Peak memory about ${formatMemory(estimate.bytes)} (mostly ${estimate.what}) of the ${formatMemory(budget.value)} a run may hold`,
      share: Math.min(1, estimate.bytes / budget.value)
    }
  })

  return { budget, parallelRuns, cost, facts, memory }
}
