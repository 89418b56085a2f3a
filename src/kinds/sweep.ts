/**
 * A sweep config as a file or the form gives it: a base config of any kind with a `sweep` field
 * (`{ kind, ...fields, sweep: { fields: [{ path, values | range }], seeds, seed } }`). Parsing
 * checks the base as any config, that each swept path is a field of the kind that can vary, and
 * that every point makes a valid config, naming the swept value that does not. No Node, no DOM.
 */
import { describeField, fieldName } from '../shared/fields'
import { metricWords, modelWords } from '../shared/metricWords'
import type { Outputs } from '../shared/results'
import { ConfigError, fieldErrors, type FieldError } from '../shared/schema'
import {
  fieldValues,
  MAX_SWEEP_RUNS,
  sweepChildren,
  sweepRunCount,
  sweepSchema,
  setPath,
  type Sweep,
  type SweepChild
} from '../shared/sweep'
import { effectivenessOutputs } from './effectiveness/outputs'
import { finetuneOutputs } from './finetune/outputs'
import { findKind, parseExperimentConfig, type ExperimentConfig } from './registry'
import { universalityOutputs } from './universality/outputs'

export interface SweepConfig {
  base: ExperimentConfig
  sweep: Sweep
}

/** Fields a sweep may not vary: the kind, and the seed (the sweep seeds its runs). */
const FIXED = new Set(['kind', 'seed'])

/** The config paths of a kind a sweep can vary: its numbers, choices and flags. */
export function sweepableFields(kindName: string): { path: string; label: string }[] {
  const kind = findKind(kindName)
  if (!kind) return []
  const paths: string[] = []
  const visit = (schema: unknown, prefix: string) => {
    const shape = (schema as { shape?: Record<string, unknown> }).shape
    if (!shape) return
    for (const key of Object.keys(shape)) {
      const path = prefix ? `${prefix}.${key}` : key
      const field = describeField(kind.schema, path)
      if (!field) continue
      if (field.type === 'other') visit(field.schema, path)
      else if (field.type !== 'choices' && !FIXED.has(path)) paths.push(path)
    }
  }
  visit(kind.schema, '')
  return paths.map((path) => ({ path, label: fieldName(describeField(kind.schema, path)!.meta) }))
}

function refuse(errors: FieldError[]): never {
  throw new ConfigError(errors)
}

/**
 * Validates a sweep config: the base (strict, as a new config), the sweep itself, each swept
 * path, the run count, and the config of every point. Throws ConfigError naming each field.
 */
export function parseSweepConfig(input: unknown): SweepConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    refuse([{ field: '', message: 'a sweep config must be an object with a sweep field' }])
  }
  const { sweep: rawSweep, ...rawBase } = input as Record<string, unknown>
  if (rawSweep === undefined) refuse([{ field: 'sweep', message: 'sweep is required' }])
  const parsedSweep = sweepSchema.safeParse(rawSweep)
  const baseErrors: FieldError[] = []
  let base: ExperimentConfig | null = null
  try {
    base = parseExperimentConfig(rawBase)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    baseErrors.push(...error.errors)
  }
  const sweepErrors = parsedSweep.success
    ? []
    : fieldErrors(parsedSweep.error).map((e) => ({
        field: e.field ? `sweep.${e.field}` : 'sweep',
        message: e.message
      }))
  if (baseErrors.length + sweepErrors.length > 0 || !base || !parsedSweep.success) {
    refuse([...baseErrors, ...sweepErrors])
  }
  const sweep = parsedSweep.data
  const sweepable = new Set(sweepableFields(base.kind).map((f) => f.path))
  const pathErrors = sweep.fields.flatMap((f, i) =>
    sweepable.has(f.path)
      ? []
      : [
          {
            field: `sweep.fields.${i}.path`,
            message: `${f.path} is not a field ${/^[aeiou]/.test(base.kind) ? 'an' : 'a'} ${base.kind} sweep can vary; it can vary: ${[...sweepable].join(', ')}`
          }
        ]
  )
  if (pathErrors.length > 0) refuse(pathErrors)
  const runs = sweepRunCount(sweep)
  if (runs > MAX_SWEEP_RUNS) {
    refuse([
      {
        field: 'sweep.seeds',
        message: `this sweep has ${runs} runs (points × seeds); a sweep may hold at most ${MAX_SWEEP_RUNS}: fewer values or seeds`
      }
    ])
  }
  // Each swept value must make a valid config on its own.
  const valueErrors: FieldError[] = []
  sweep.fields.forEach((f, i) => {
    fieldValues(f).forEach((value, j) => {
      try {
        parseExperimentConfig(setPath(base, f.path, value))
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        const at = f.values ? `sweep.fields.${i}.values.${j}` : `sweep.fields.${i}.range`
        for (const e of error.errors)
          valueErrors.push({ field: at, message: `${f.path} = ${String(value)}: ${e.message}` })
      }
    })
  })
  if (valueErrors.length > 0) refuse(valueErrors.slice(0, 10))
  return { base, sweep }
}

/** Every child run's config, each parsed as any config (points of two fields are checked here). */
export function childConfigs(config: SweepConfig): SweepChild<ExperimentConfig>[] {
  return sweepChildren(config.base, config.sweep).map((child) => {
    try {
      return { ...child, config: parseExperimentConfig(child.config) }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      const values = config.sweep.fields
        .map((f) => `${f.path} = ${String(getPath(child.config, f.path))}`)
        .join(', ')
      throw new ConfigError(
        error.errors.map((e) => ({ field: 'sweep.fields', message: `at ${values}: ${e.message}` }))
      )
    }
  })
}

function getPath(config: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, part) =>
        node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined,
      config
    )
}

/** A metric of a kind's runs, by model and name, with its name in words. */
export interface SweepMetric {
  model: string
  name: string
  label: string
}

/**
 * Names that describe a run's data or choices rather than measure something: a sweep shows
 * them per point, never averaged over seeds.
 */
const DESCRIPTIVE = new Set([
  'L',
  'd',
  'n',
  'nTest',
  'witnessIndex',
  'witnessChoice',
  'witnessLabel',
  'witnessTarget',
  'witnessConstruction',
  'nullDirections',
  // the detectability panel's θ of the weights, and the frontier's grid and thresholds
  'theta',
  'nullDraws',
  'drawsPerTheta',
  'thetasDone',
  'bbpThreshold',
  'mpEdge',
  'finiteSizeEdge'
])

function sweepMetric(model: string, name: string): SweepMetric {
  const words = modelWords(model)
  return { model, name, label: words ? `${metricWords(name)}, ${words}` : metricWords(name) }
}

/**
 * The metrics a sweep of this kind can aggregate over seeds: every scalar its runs report (its
 * typed `outputs.ts`), but the descriptive ones, in the kind's order, with their words.
 */
export function sweepMetrics(kindName: string): SweepMetric[] {
  const kind = findKind(kindName)
  if (!kind) return []
  return Object.entries(kind.outputs.metrics).flatMap(([model, names]) =>
    // the data's facts, and the null of the detectability panel (the same for every θ)
    model === 'data' || model === 'detect.null'
      ? []
      : names.filter((name) => !DESCRIPTIVE.has(name)).map((name) => sweepMetric(model, name))
  )
}

type MetricOf<O extends Outputs> = {
  [M in keyof O['metrics'] & string]: readonly [M, O['metrics'][M][number]]
}[keyof O['metrics'] & string]

/** Each kind's headline metrics: what a sweep's summary (the CLI's, say) aggregates first. */
const keyMetrics: Record<string, readonly (readonly [string, string])[]> = {
  effectiveness: [
    ['run', 'lambda50Ratio'],
    ['backdoored', 'lambda50'],
    ['clean', 'lambda50'],
    ['backdoored', 'cleanAccuracy']
  ] satisfies MetricOf<typeof effectivenessOutputs>[],
  finetune: [
    ['run', 'advantage.before'],
    ['run', 'advantage.after'],
    ['backdoored', 'cleanAccuracy.after'],
    ['backdoored', 'spikeEnergy.after']
  ] satisfies MetricOf<typeof finetuneOutputs>[],
  universality: [
    ['run', 'universalityGap'],
    ['attacker', 'attackSuccessRate'],
    ['probe', 'attackSuccessRate.mean'],
    ['random', 'attackSuccessRate.mean']
  ] satisfies MetricOf<typeof universalityOutputs>[]
}

/** A kind's headline metrics for a sweep (the first four it reports, for a kind not listed). */
export function sweepKeyMetrics(kindName: string): SweepMetric[] {
  const listed = keyMetrics[kindName]
  if (!listed) return sweepMetrics(kindName).slice(0, 4)
  return listed.map(([model, name]) => sweepMetric(model, name))
}
