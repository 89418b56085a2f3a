/** The experiment kinds as the views name them, from the one registry (src/kinds/registry.ts). */
import { findKind, kinds, shortTitle, type ExperimentKind } from '@kinds/registry'

export interface KindInfo {
  kind: ExperimentKind
  title: string
  summary: string
}

/** Every kind, in the registry's order: the form's kind picker and the runs table's filter. */
export const kindOptions: KindInfo[] = kinds.map((k) => ({
  kind: k.name,
  title: k.title,
  summary: k.summary
}))

/** The full title, e.g. "Backdoor effectiveness (random ReLU)". */
export function kindTitle(kind: string): string {
  return findKind(kind)?.title ?? kind
}

/** The kind as a word inside a sentence: "only fine-tuning runs have …". */
export function kindNoun(kind: string): string {
  return findKind(kind)?.noun ?? kind
}

/** The title without its parenthesis, for tables: "Backdoor effectiveness". */
export function shortKindTitle(kind: string): string {
  const found = findKind(kind)
  return found ? shortTitle(found) : kind
}

/** One word per kind, so the runs table keeps its width. */
export function compactKind(kind: string): string {
  return findKind(kind)?.compact ?? kind
}

/** What a run's progress counts: "step", "epoch". */
export function progressUnit(kind: string): string {
  return findKind(kind)?.progressUnit ?? 'step'
}
