/**
 * The Sweep mode of the New experiment form: the sweep config the form describes, checked as the
 * lab will check it (the config whole, every point, every point's memory), each error at the box
 * its value was typed in; the number of runs; and the time it will take, estimated from the
 * finished runs of the same kind in the history, or said to have no basis.
 */
import { computed, ref, watch, type ComputedRef, type Ref } from 'vue'
import { kindOf } from '@kinds/registry'
import { symbolOf } from '@kinds/sweepWords'
import {
  checkSweep,
  formField,
  sweepFromForm,
  sweepMemoryErrors,
  type SweepDraft
} from '@kinds/sweepForm'
import type { DataFacts } from '@shared/datasets'
import { formatMemory } from '@shared/limits'
import { durationSeconds } from '@shared/results'
import type { FieldError } from '@shared/schema'
import { sweepPoints, sweepRunCount } from '@shared/sweep'
import {
  estimateBasis,
  estimateSweepTime,
  roughDuration,
  type TimedRun
} from '@shared/sweepEstimate'
import { getClient } from './client'

/** Finished runs of a kind the estimate reads (the newest). */
const HISTORY_RUNS = 50

/** The newest finished runs of a kind with their configs and times. */
async function timedRuns(kind: string): Promise<TimedRun[]> {
  const client = getClient()
  const { runs } = await client.call('queryRuns', {
    filter: { kinds: [kind as never], statuses: ['done'] },
    sort: { column: 'createdAt', direction: 'desc' },
    limit: HISTORY_RUNS
  })
  const timed = runs.filter((r) => durationSeconds(r) != null)
  if (timed.length === 0) return []
  const details = await client.call('getRuns', { ids: timed.map((r) => r.id) })
  return details.map((r) => ({ config: r.config, seconds: durationSeconds(r)! }))
}

export function useSweepForm(options: {
  kind: ComputedRef<string>
  sweep: ComputedRef<SweepDraft>
  base: ComputedRef<Record<string, unknown>>
  active: ComputedRef<boolean>
  facts: ComputedRef<DataFacts | null>
  budget: Ref<number | null>
  parallelRuns: Ref<number>
}) {
  const form = computed(() =>
    sweepFromForm(options.kind.value, options.base.value, options.sweep.value)
  )
  const checked = computed(() => (options.active.value ? checkSweep(form.value.config) : null))

  /** The sweep's runs and points as typed, even while a value is wrong (null if unknown). */
  const size = computed(() => {
    const sweep = form.value.config.sweep as Parameters<typeof sweepPoints>[0] & { seeds: unknown }
    try {
      const points = sweepPoints(sweep).length
      const seeds = typeof sweep.seeds === 'number' ? sweep.seeds : null
      return { points, runs: seeds == null ? null : sweepRunCount({ ...sweep, seeds }) }
    } catch {
      return null
    }
  })

  const memoryErrors = computed<FieldError[]>(() => {
    const c = checked.value
    if (!c?.parsed || options.budget.value == null) return []
    return sweepMemoryErrors(c.parsed, c.children, options.facts.value, options.budget.value)
  })

  /** Every error of the sweep, at the form's field (its base's, its boxes'). */
  const errors = computed<FieldError[]>(() =>
    [...(checked.value?.errors ?? []), ...memoryErrors.value].map((e) => ({
      ...e,
      field: formField(e.field, form.value, options.sweep.value)
    }))
  )

  /** The lab's errors (field names of the request) at the form's fields. */
  function atForm(fields: FieldError[]): FieldError[] {
    return fields.map((e) => ({ ...e, field: formField(e.field, form.value, options.sweep.value) }))
  }

  const largest = computed(() => {
    const c = checked.value
    if (!c?.parsed || options.budget.value == null) return null
    const kind = kindOf(c.parsed.base.kind)
    const bytes = Math.max(
      ...c.children.map((ch) => kind.memory(ch.config, options.facts.value).bytes)
    )
    return `Largest point: peak memory about ${formatMemory(bytes)} of the ${formatMemory(options.budget.value)} a run may hold`
  })

  // The history the estimate reads, per kind, loaded when the sweep mode shows.
  const history = ref<{ kind: string; runs: TimedRun[] } | null>(null)
  const historyError = ref<string | null>(null)
  watch(
    [options.kind, options.active],
    async ([kind, active]) => {
      if (!active || history.value?.kind === kind) return
      historyError.value = null
      try {
        const runs = await timedRuns(kind)
        if (options.kind.value === kind) history.value = { kind, runs }
      } catch (error) {
        historyError.value = error instanceof Error ? error.message : String(error)
      }
    },
    { immediate: true }
  )

  const estimate = computed(() => {
    const c = checked.value
    if (!c?.parsed || !history.value || history.value.kind !== options.kind.value) return null
    const kind = kindOf(c.parsed.base.kind)
    const facts = options.facts.value
    const e = estimateSweepTime(
      c.children.map((ch) => ch.config),
      c.parsed.sweep.seeds,
      history.value.runs,
      {
        parallel: options.parallelRuns.value,
        size: (config) => {
          try {
            return kind.memory(config as never, facts).bytes
          } catch {
            return null
          }
        }
      }
    )
    const basis = estimateBasis(e, {
      noun: kind.noun,
      field: (path) => symbolOf(kind.name, path)
    })
    return { time: e.seconds == null ? null : roughDuration(e.seconds), basis }
  })

  return { form, checked, size, errors, atForm, largest, estimate, historyError }
}
