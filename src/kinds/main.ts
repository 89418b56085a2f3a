/**
 * The computation of every kind, for the main bundle only (the run's worker process): each
 * kind's `run.ts` registered under its name. The compiler asks for a line here when a kind is
 * added to the registry.
 */
import { detectabilityRunner } from './detectability/run'
import { effectivenessRunner } from './effectiveness/run'
import { finetuneRunner } from './finetune/run'
import type { ExperimentConfig, ExperimentKind } from './registry'
import type { KindRunner, RunOptions } from './runner'
import { universalityRunner } from './universality/run'
import type { Reporter } from '../main/lab/reporter'

const runners = {
  effectiveness: effectivenessRunner,
  finetune: finetuneRunner,
  universality: universalityRunner,
  detectability: detectabilityRunner
} satisfies { [K in ExperimentKind]: KindRunner<Extract<ExperimentConfig, { kind: K }>> }

/** Runs one experiment of any kind. Pure in (config, data, seed streams, backend); output goes to `report`. */
export function runExperiment(
  config: ExperimentConfig,
  report: Reporter,
  options: Partial<RunOptions> = {}
): Promise<void> {
  const runner = runners[config.kind] as KindRunner<ExperimentConfig>
  return runner.run(config, report, { csv: null, ...options })
}

/** Computes the part of a run of `kind` that its first process handed over (KindRunner.help). */
export function helpExperiment(
  kind: ExperimentKind,
  input: unknown,
  say: (message: unknown) => void
): Promise<void> {
  const runner = runners[kind] as KindRunner<ExperimentConfig>
  if (!runner.help) return Promise.reject(new Error(`a ${kind} run hands no part over`))
  return runner.help(input, say)
}

/** The kinds whose runs may hand a part to a second worker (their runner has `help`). */
export function kindsWithHelp(): ExperimentKind[] {
  return (Object.keys(runners) as ExperimentKind[]).filter((kind) => 'help' in runners[kind])
}
