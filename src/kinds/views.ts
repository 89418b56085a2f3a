/**
 * The Vue parts of every kind, for the renderer only: each kind's results (its run page below the
 * header). The compiler asks for a line here when a kind is added to the registry.
 */
import type { Component } from 'vue'
import DetectabilityResults from './detectability/Results.vue'
import EffectivenessResults from './effectiveness/Results.vue'
import FinetuneResults from './finetune/Results.vue'
import type { ExperimentKind } from './registry'
import UniversalityResults from './universality/Results.vue'

export interface KindViews {
  /** Shows a run of the kind: takes the prop `run` (RunDetail). */
  Results: Component
}

const views = {
  effectiveness: { Results: EffectivenessResults },
  finetune: { Results: FinetuneResults },
  universality: { Results: UniversalityResults },
  detectability: { Results: DetectabilityResults }
} satisfies Record<ExperimentKind, KindViews>

export function viewsOf(kind: string): KindViews | undefined {
  return (views as Record<string, KindViews>)[kind]
}
