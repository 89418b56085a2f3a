/**
 * What an experiment kind is to the rest of the lab. Each kind's folder exports one
 * KindDefinition (its `index.ts`), and `registry.ts` lists them: the form, the runs table and its
 * filters, Compare, export, captions, the CLI and the history all read the kind from there. The
 * definition is shared code (no Node, no DOM); the kind's computation (`run.ts`) is registered for
 * the main process in `main.ts`, its Vue parts for the renderer in `views.ts`.
 */
import type { z } from 'zod'
import type { ChartDefinition, ComparableSpec } from '../shared/chartEntry'
import type { ConfigRow, ConfigRowsContext } from '../shared/configRows'
import type { ClassDatasetSpec, DataFacts, DatasetSpec } from '../shared/datasets'
import type { FormLayout } from '../shared/form'
import type { MemoryEstimate } from '../shared/limits'
import type { FieldError } from '../shared/schema'
import type { KeyMetric, Outputs, RunDetail } from '../shared/results'

/** A run whose config is known to be of one kind. */
export type RunOf<C> = Omit<RunDetail, 'config'> & { config: C }

/** The data set a config names, and whether the kind needs two classes or keeps them all. */
export interface DataOfConfig {
  spec: DatasetSpec | ClassDatasetSpec
  task: 'binary' | 'classes'
}

// The schema's config type: every kind's config has its `kind` literal and a seed.
type ConfigOf<S extends z.ZodType> = z.output<S> & { kind: string; seed: number }

export interface KindDefinition<
  Name extends string = string,
  S extends z.ZodObject = z.ZodObject,
  C extends ConfigOf<S> = ConfigOf<S>
> {
  /** The `kind` of its configs and runs: `effectiveness`. */
  name: Name
  /** The full title: "Backdoor effectiveness (random ReLU)". */
  title: string
  /** The kind as a word inside a sentence: "only fine-tuning runs have …". */
  noun: string
  /** The shortest name, for the runs table's kind column. */
  compact: string
  /** One or two sentences for the form's kind picker. */
  summary: string
  /** Validates a config and fills in its defaults. */
  schema: S
  /** A complete config with every default (the form starts from it). */
  defaults: C
  /** The New experiment form: the config's fields in sections. */
  form: FormLayout
  /** What a run's progress counts, in the singular: "step", "epoch". */
  progressUnit: string
  /** The metrics and series its runs produce, by model. */
  outputs: Outputs
  /** The charts its runs have, in the order the run page shows them. */
  charts: readonly ChartDefinition[]
  /** Charts of other kinds its runs can be drawn on (Compare), by chart name. */
  comparableCharts?: Readonly<Record<string, ComparableSpec>>
  /**
   * The name under which a metric of its runs is compared with runs of `otherKinds`, when it is
   * the same quantity under another name (a fine-tuning run's `lambda50.before` is an
   * effectiveness run's `lambda50`), with a note saying which number is shown.
   */
  comparedMetric?: (
    name: string,
    otherKinds: ReadonlySet<string>
  ) => { name: string; note: string } | null
  /** The one number the runs table shows and sorts by; null until the run has measured it. */
  keyEstimate: (
    run: Pick<RunOf<C>, 'status' | 'config' | 'metrics' | 'series' | 'progress'>
  ) => KeyMetric | null
  /** A short name of the data a config runs on, for run names and captions. */
  describeData: (config: C) => string
  /** The config in one phrase for a caption: "a random-ReLU network (d=100, …; seed 1)". */
  describeConfig: (config: C) => string
  /** What a run's default name says after the kind's short title and the data. */
  nameDetails: (config: C) => string
  /** The data set a config names, when it names one (the lab checks it before saving the run). */
  data?: (config: C) => DataOfConfig | null
  /** What the config asks of its data that the schema cannot check alone (k ≤ d, target < L). */
  dataErrors?: (config: C, facts: DataFacts) => FieldError[]
  /** The bytes a run holds at its peak (its largest matrices), checked against the budget. */
  memory: (config: C, facts: DataFacts | null) => MemoryEstimate
  /** The Configuration card of its run page. */
  configRows: (run: Pick<RunOf<C>, 'config' | 'metrics'>, context: ConfigRowsContext) => ConfigRow[]
}
