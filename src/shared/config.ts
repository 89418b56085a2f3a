/**
 * Experiment configurations: one zod schema per experiment kind, with the defaults of
 * SCIENCE.md and the issue that introduced it. The main side validates every request with these
 * schemas; the renderer reuses them for the form errors. No Node, no DOM.
 */
import { z } from 'zod'

export const MAX_SEED = 2 ** 32 - 1

/** zod's message for a missing or non-numeric value. */
const numberError = (field: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null
    ? `${field} is required`
    : `${field} must be a number`

const int = (field: string, min: number, max: number) =>
  z
    .number({ error: numberError(field) })
    .int({ error: `${field} must be a whole number` })
    .min(min, { error: `${field} must be at least ${min}` })
    .max(max, { error: `${field} must be at most ${max}` })

const real = (field: string, min: number, max: number) =>
  z
    .number({ error: numberError(field) })
    .refine(Number.isFinite, { error: `${field} must be a finite number` })
    .refine((v) => v >= min, { error: `${field} must be at least ${min}` })
    .refine((v) => v <= max, { error: `${field} must be at most ${max}` })

/** A lambda grid: `steps` evenly spaced values from `from` to `to`, both included. */
export const lambdaGridSchema = z
  .object({
    from: real('lambdas.from', 0, 1e6),
    to: real('lambdas.to', 0, 1e6),
    steps: int('lambdas.steps', 2, 401)
  })
  .refine((g) => g.to > g.from, {
    error: 'lambdas.to must be greater than lambdas.from',
    path: ['to']
  })
export type LambdaGrid = z.infer<typeof lambdaGridSchema>

export function lambdaValues(grid: LambdaGrid): number[] {
  const step = (grid.to - grid.from) / (grid.steps - 1)
  return Array.from({ length: grid.steps }, (_, i) =>
    i === grid.steps - 1 ? grid.to : grid.from + i * step
  )
}

export const effectivenessDefaults = {
  kind: 'effectiveness' as const,
  d: 100,
  m: 2000,
  k: 10,
  theta: 4,
  lambdas: { from: 0, to: 8, steps: 17 },
  n: 2000,
  nTest: 2000,
  seed: 1,
  target: 1 as 1 | -1,
  tauRule: 'trainingError' as 'trainingError' | 'median',
  labels: 'norm' as 'norm' | 'teacher'
}

/** SCIENCE.md sections 3-5 and 9: the random-ReLU backdoor's effectiveness over a lambda grid. */
export const effectivenessConfigSchema = z
  .object({
    kind: z.literal('effectiveness'),
    d: int('d', 2, 4096).default(effectivenessDefaults.d),
    m: int('m', 1, 100_000).default(effectivenessDefaults.m),
    k: int('k', 1, 4096).default(effectivenessDefaults.k),
    theta: real('theta', 0, 10_000).default(effectivenessDefaults.theta),
    lambdas: lambdaGridSchema.default(effectivenessDefaults.lambdas),
    n: int('n', 10, 200_000).default(effectivenessDefaults.n),
    nTest: int('nTest', 10, 200_000).default(effectivenessDefaults.nTest),
    seed: int('seed', 0, MAX_SEED).default(effectivenessDefaults.seed),
    target: z
      .union([z.literal(1), z.literal(-1)], { error: 'target must be 1 or -1' })
      .default(effectivenessDefaults.target),
    tauRule: z
      .enum(['trainingError', 'median'], {
        error: "tauRule must be 'trainingError' or 'median'"
      })
      .default(effectivenessDefaults.tauRule),
    labels: z
      .enum(['norm', 'teacher'], { error: "labels must be 'norm' or 'teacher'" })
      .default(effectivenessDefaults.labels)
  })
  .refine((c) => c.k <= c.d, {
    error: (issue) => {
      const c = issue.input as { k: number; d: number }
      return `k must be at most d (got k=${c.k}, d=${c.d})`
    },
    path: ['k']
  })
  // Memory guard: the score matrix of one model is n x m floats, built once per lambda.
  .refine((c) => Math.max(c.n, c.nTest) * c.m <= 64_000_000, {
    error: 'm times the larger of n and nTest must be at most 64,000,000 (memory per score matrix)',
    path: ['m']
  })
export type EffectivenessConfig = z.infer<typeof effectivenessConfigSchema>

export const experimentConfigSchema = z.discriminatedUnion('kind', [effectivenessConfigSchema], {
  error: "kind must be one of: 'effectiveness'"
})
export type ExperimentConfig = z.infer<typeof experimentConfigSchema>
export type ExperimentKind = ExperimentConfig['kind']

export const experimentKinds: { kind: ExperimentKind; title: string; summary: string }[] = [
  {
    kind: 'effectiveness',
    title: 'Backdoor effectiveness (random ReLU)',
    summary:
      'GKVZ22 sparse-PCA backdoor in a random ReLU network: attack success rate over a trigger-scale grid, against a clean twin and the large-width theory.'
  }
]

export interface FieldError {
  /** Dotted path of the field, e.g. `lambdas.to`; empty for the whole config. */
  field: string
  message: string
}

/** Turns zod issues into one message per field: "field: rule". */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: issue.message
  }))
}

export class ConfigError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(
      'Invalid configuration: ' +
        errors
          .map((e) => (e.message.startsWith(e.field) ? e.message : `${e.field}: ${e.message}`))
          .join('; ')
    )
    this.name = 'ConfigError'
  }
}

/** Validates an experiment config and fills in defaults; throws ConfigError naming each field. */
export function parseExperimentConfig(input: unknown): ExperimentConfig {
  const result = experimentConfigSchema.safeParse(input)
  if (!result.success) throw new ConfigError(fieldErrors(result.error))
  return result.data
}
