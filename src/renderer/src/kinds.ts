/**
 * The experiment kinds the form offers and the lists name: the shared `experimentKinds`, plus the
 * entries the renderer already has screens for but the shared list may not carry yet. An entry
 * in `experimentKinds` always wins, so the shared list stays the one place to word them.
 */
import { experimentKinds, type ExperimentKind } from '@shared/config'

export interface KindInfo {
  kind: ExperimentKind
  title: string
  summary: string
}

const rendererKinds: KindInfo[] = [
  {
    kind: 'finetune',
    title: 'Fine-tuning robustness',
    summary:
      'Fine-tune the backdoored network and its clean twin the same way and watch, epoch by epoch, whether the backdoor advantage survives as the weights move.'
  }
]

export const kindOptions: KindInfo[] = [
  ...experimentKinds,
  ...rendererKinds.filter((r) => !experimentKinds.some((k) => k.kind === r.kind))
]

export function kindInfo(kind: string | undefined): KindInfo | undefined {
  return kindOptions.find((k) => k.kind === kind)
}

/** The full title, e.g. "Backdoor effectiveness (random ReLU)". */
export function kindTitle(kind: string): string {
  return kindInfo(kind)?.title ?? kind
}

/** The kind as a word inside a sentence: "only fine-tuning runs have …". */
export function kindNoun(kind: string): string {
  const nouns: Record<string, string> = {
    effectiveness: 'effectiveness',
    finetune: 'fine-tuning',
    universality: 'universality'
  }
  return nouns[kind] ?? kind
}

/** The title without its parenthesis, for tables: "Backdoor effectiveness". */
export function shortKindTitle(kind: string): string {
  return kindTitle(kind).replace(/ \(.*\)$/, '')
}
