/**
 * The one list of experiment kinds. Everything that lists, validates, names, describes or sorts
 * runs of every kind derives from it: adding a kind is its folder and one line here (plus its
 * computation in `main.ts` and its Vue parts in `views.ts`, which the compiler asks for). No Node,
 * no DOM.
 */
import { z } from 'zod'
import type { ConfigRow, ConfigRowsContext } from '../shared/configRows'
import type { KeyMetric, RunDetail } from '../shared/results'
import { unknownFields } from '../shared/fields'
import { ConfigError, fieldErrors } from '../shared/schema'
import { detectability } from './detectability/index'
import { effectiveness } from './effectiveness/index'
import { finetune } from './finetune/index'
import type { DataOfConfig, KindDefinition } from './types'
import { universality } from './universality/index'

export const kinds = [effectiveness, finetune, universality, detectability] as const

type AnyKind = (typeof kinds)[number]
export type ExperimentKind = AnyKind['name']
export type ExperimentConfig = z.output<AnyKind['schema']>

export const kindNames = kinds.map((k) => k.name) as [ExperimentKind, ...ExperimentKind[]]

/** A kind's definition, with its functions open to any config (the registry picks by `kind`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Kind = KindDefinition<string, z.ZodObject, any>

export function findKind(name: string | undefined): Kind | undefined {
  return kinds.find((k) => k.name === name) as Kind | undefined
}

export function kindOf(name: string): Kind {
  const kind = findKind(name)
  if (!kind)
    throw new Error(`unknown experiment kind '${name}'; the kinds are: ${kindNames.join(', ')}`)
  return kind
}

export const experimentConfigSchema = z.discriminatedUnion(
  'kind',
  kinds.map((k) => k.schema) as unknown as [AnyKind['schema'], ...AnyKind['schema'][]],
  { error: `kind must be one of: ${kindNames.map((k) => `'${k}'`).join(', ')}` }
)

/**
 * Validates an experiment config and fills in defaults; throws ConfigError naming each field.
 * A new config is strict: a field the kind does not know is refused by name, with the closest
 * known field suggested (a typo must not run silently with a default). `strict: false` reads a
 * config this lab saved or a bundle carries: fields a newer version removed are dropped.
 */
export function parseExperimentConfig(
  input: unknown,
  options: { strict?: boolean } = {}
): ExperimentConfig {
  const result = experimentConfigSchema.safeParse(input)
  const errors = result.success ? [] : fieldErrors(result.error)
  if (options.strict !== false) {
    const kind = findKind((input as { kind?: string } | null)?.kind)
    if (kind) errors.push(...unknownFields(kind.schema, input))
  }
  if (errors.length > 0 || !result.success) throw new ConfigError(errors)
  return result.data as ExperimentConfig
}

/** The one number the runs table shows and sorts by; null while the run has not measured it. */
export function keyEstimate(
  run: Pick<RunDetail, 'status' | 'config' | 'metrics' | 'series' | 'progress'>
): KeyMetric | null {
  return findKind(run.config.kind)?.keyEstimate(run) ?? null
}

/** A short name of the data a config runs on, for run names and captions. */
export function describeData(config: ExperimentConfig): string {
  return kindOf(config.kind).describeData(config)
}

/** The config of a run in one phrase, for captions. */
export function describeRunConfig(config: ExperimentConfig): string {
  return kindOf(config.kind).describeConfig(config)
}

/** The title without its parenthesis: "Backdoor effectiveness". */
export function shortTitle(kind: Pick<Kind, 'title'>): string {
  return kind.title.replace(/ \(.*\)$/, '')
}

/** The name a run gets when its form leaves the name empty. */
export function defaultRunName(config: ExperimentConfig): string {
  const kind = kindOf(config.kind)
  return `${shortTitle(kind)}: ${kind.describeData(config)}, ${kind.nameDetails(config)}`
}

/** The data set a config names, if any. */
export function dataOfConfig(config: ExperimentConfig): DataOfConfig | null {
  return kindOf(config.kind).data?.(config) ?? null
}

/** The id of the imported CSV file a config reads, if it reads one. */
export function csvDatasetId(config: ExperimentConfig): number | null {
  const spec = dataOfConfig(config)?.spec
  return spec?.kind === 'csv' ? spec.datasetId : null
}

/** The same config reading imported data set `id` (a kind's data set is its `dataset` field). */
export function withCsvDataset<C extends ExperimentConfig>(config: C, id: number): C {
  const spec = dataOfConfig(config)?.spec
  if (spec?.kind !== 'csv') return config
  return { ...config, dataset: { ...spec, datasetId: id } }
}

/** The Configuration card's rows of a run. */
export function configRows(
  run: Pick<RunDetail, 'config' | 'metrics'>,
  context: ConfigRowsContext = {}
): ConfigRow[] {
  return findKind(run.config.kind)?.configRows(run, context) ?? []
}
