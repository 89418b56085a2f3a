/**
 * A sweep config as a file or the form gives it: a base config of any kind with a `sweep` field
 * (`{ kind, ...fields, sweep: { fields: [{ path, values | range }], seeds, seed } }`). Parsing
 * checks the base as any config, that each swept path is a field of the kind that can vary, and
 * that every point makes a valid config, naming the swept value that does not. No Node, no DOM.
 */
import { describeField, fieldName } from '../shared/fields'
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
import { findKind, parseExperimentConfig, type ExperimentConfig } from './registry'

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
