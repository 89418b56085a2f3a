/**
 * What a kind's computation is to the main process (`run.ts` of each kind, gathered in
 * `main.ts`): it loads what the run needs besides its config and reports what it measures.
 * Main bundle only (tfjs); the renderer never imports it.
 */
import type { CsvSource } from '../main/lab/datasets/index'
import type { NullCache } from '../main/lab/nullCache'
import type { Reporter } from '../main/lab/reporter'

export interface RunOptions {
  /** The text of the imported CSV file the config names, when it names one. */
  csv: CsvSource | null
  /**
   * A second process of the pool for part of the run (fine-tuning's second model, universality's
   * clean-encoder twin), when one is free.
   */
  elsewhere?: Elsewhere
  /** Monte Carlo nulls of the detection statistics already drawn (the database), and where to keep new ones. */
  nulls?: NullCache | null
}

export interface KindRunner<C> {
  /** Runs one experiment: pure in (config, data, seed streams, backend); output goes to `report`. */
  run(config: C, report: Reporter, options: RunOptions): Promise<void>
  /**
   * Computes in a second process the part a run of this kind handed over (`Elsewhere.handOver`),
   * saying what it finds with `say`: the run in the first process hears it, in order.
   */
  help?(input: unknown, say: (message: unknown) => void): Promise<void>
}

/**
 * A second process that may compute part of a run: the part is handed over with its inputs, the
 * second process runs the kind's `help` on them, and its messages come back to `onMessage`. The
 * numbers are the same wherever the part is computed.
 */
export interface Elsewhere {
  /** Called first thing, so that the other process can get ready while the inputs are computed. */
  reserve(): void
  /**
   * Hands a part over. Resolves once the other process has its input, with `finished`, which
   * settles when it is done (its messages arrive through `onMessage` before), or with null when
   * no process could take it: then the run computes it itself. (`finished` is wrapped: a promise
   * resolved with a promise would wait for it.)
   */
  handOver(
    input: unknown,
    onMessage: (message: unknown) => void
  ): Promise<{ finished: Promise<void> } | null>
}
