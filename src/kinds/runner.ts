/**
 * What a kind's computation is to the main process (`run.ts` of each kind, gathered in
 * `main.ts`): it loads what the run needs besides its config and reports what it measures.
 * Main bundle only (tfjs); the renderer never imports it.
 */
import type { CsvSource } from '../main/lab/datasets/index'
import type { NullCache } from '../main/lab/nullCache'
import type { Reporter } from '../main/lab/reporter'
import type { ModelElsewhere } from './finetune/run'

export interface RunOptions {
  /** The text of the imported CSV file the config names, when it names one. */
  csv: CsvSource | null
  /** Where a fine-tuning run's second model may train (another worker of the pool). */
  elsewhere?: ModelElsewhere
  /** Monte Carlo nulls of the detection statistics already drawn (the database), and where to keep new ones. */
  nulls?: NullCache | null
}

export interface KindRunner<C> {
  /** Runs one experiment: pure in (config, data, seed streams, backend); output goes to `report`. */
  run(config: C, report: Reporter, options: RunOptions): Promise<void>
}
