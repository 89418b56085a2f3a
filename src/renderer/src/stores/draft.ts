/**
 * The New experiment form's drafts: what the researcher typed for each kind, kept between visits
 * to the view, and whether it is one run or a sweep (with each kind's swept fields). Kinds of one
 * family (the random-ReLU kinds) share the fields they have in common: switching between them
 * carries those over.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { findKind, kinds, type ExperimentConfig, type ExperimentKind } from '@kinds/registry'
import { draftFromConfig, initialDraft, type Draft } from '@shared/form'
import { initialSweepDraft, newSweptField, type SweepDraft } from '@kinds/sweepForm'
import type { Sweep } from '@shared/sweep'

function startingDraft(kind: (typeof kinds)[number]): Draft {
  return initialDraft(kind.schema, kind.defaults, kind.form)
}

function startingDrafts(): Record<string, Draft> {
  return Object.fromEntries(kinds.map((k) => [k.name, startingDraft(k)]))
}

function startingSweeps(): Record<string, SweepDraft> {
  return Object.fromEntries(kinds.map((k) => [k.name, initialSweepDraft(k.name)]))
}

export const useDraftStore = defineStore('draft', () => {
  const kind = ref<ExperimentKind>(kinds[0].name)
  const drafts = reactive<Record<string, Draft>>(startingDrafts())
  const name = ref('')
  const draft = computed(() => drafts[kind.value])
  /** One run, or a sweep of the same form with some fields varied. */
  const mode = ref<'single' | 'sweep'>('single')
  const sweeps = reactive<Record<string, SweepDraft>>(startingSweeps())
  const sweep = computed(() => sweeps[kind.value])

  /** Copies the fields `to` shares with `from`, when both kinds are of one family. */
  function carry(from: string, to: string): void {
    const [a, b] = [findKind(from), findKind(to)]
    if (!a || !b || a.form.family !== b.form.family || from === to) return
    for (const path of Object.keys(drafts[to])) {
      if (path !== 'kind' && path in drafts[from]) drafts[to][path] = drafts[from][path]
    }
  }

  function switchTo(next: ExperimentKind): void {
    carry(kind.value, next)
    kind.value = next
  }

  /** Starts from another run's configuration. */
  function prefill(config: ExperimentConfig): void {
    const k = findKind(config.kind)
    if (!k) return
    drafts[k.name] = { ...startingDraft(k as (typeof kinds)[number]), ...draftFromConfig(config) }
    for (const other of kinds) carry(k.name, other.name)
    kind.value = config.kind
  }

  /** Starts from a sweep: its base in the form, its swept fields, seeds and seed. */
  function prefillSweep(base: ExperimentConfig, sweep: Sweep): void {
    prefill(base)
    sweeps[base.kind] = {
      fields: sweep.fields.map((f) => ({
        ...newSweptField(base.kind, f.path),
        ...(f.values
          ? { mode: 'values' as const, values: [...f.values] as (string | number | boolean)[] }
          : { mode: 'range' as const, range: { ...f.range! } })
      })),
      seeds: sweep.seeds,
      seed: sweep.seed
    }
    mode.value = 'sweep'
  }

  function reset(): void {
    Object.assign(drafts, startingDrafts())
    Object.assign(sweeps, startingSweeps())
    name.value = ''
  }

  return { kind, drafts, draft, name, mode, sweeps, sweep, switchTo, prefill, prefillSweep, reset }
})
