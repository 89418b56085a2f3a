/**
 * The New experiment form's drafts: what the researcher typed for each kind, kept between visits
 * to the view. Kinds of one family (the random-ReLU kinds) share the fields they have in common:
 * switching between them carries those over.
 */
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { findKind, kinds, type ExperimentConfig, type ExperimentKind } from '@kinds/registry'
import { draftFromConfig, initialDraft, type Draft } from '@shared/form'

function startingDraft(kind: (typeof kinds)[number]): Draft {
  return initialDraft(kind.schema, kind.defaults, kind.form)
}

function startingDrafts(): Record<string, Draft> {
  return Object.fromEntries(kinds.map((k) => [k.name, startingDraft(k)]))
}

export const useDraftStore = defineStore('draft', () => {
  const kind = ref<ExperimentKind>(kinds[0].name)
  const drafts = reactive<Record<string, Draft>>(startingDrafts())
  const name = ref('')
  const draft = computed(() => drafts[kind.value])

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

  function reset(): void {
    Object.assign(drafts, startingDrafts())
    name.value = ''
  }

  return { kind, drafts, draft, name, switchTo, prefill, reset }
})
