/**
 * The building blocks of every kind's config schema: numeric fields with their range, the λ grid,
 * and the errors a refused config gives, one per field. No Node, no DOM.
 */
import { z } from 'zod'
import { isMathSymbol, withMeta, type FieldMeta } from './fields'

export const MAX_SEED = 2 ** 32 - 1

/** zod's message for a missing or non-numeric value. */
const numberError = (field: string) => (issue: { input?: unknown }) =>
  issue.input === undefined || issue.input === null
    ? `${field} is required`
    : `${field} must be a number`

/** What a person reads about a field besides its bounds. */
export type FieldWords = Omit<FieldMeta, 'min' | 'max' | 'step'>

/**
 * How an error names a field: in the form's words ("Hidden width m", "Learning rate η"), or by
 * its key where it has none.
 */
export function subjectOf(field: string, words?: Pick<FieldMeta, 'label' | 'symbol'>): string {
  if (!words?.label) return field
  return words.symbol && isMathSymbol(words.symbol) && words.symbol !== words.label
    ? `${words.label} ${words.symbol}`
    : words.label
}

/** A whole number in [min, max]; `words` say what it is (see fields.ts). */
export const int = (field: string, min: number, max: number, words?: FieldWords) => {
  const subject = subjectOf(field, words)
  return withMeta(
    z
      .number({ error: numberError(subject) })
      .int({ error: `${subject} must be a whole number` })
      .min(min, { error: `${subject} must be at least ${min}` })
      .max(max, { error: `${subject} must be at most ${max}` }),
    { ...words, step: '1', min, max }
  )
}

/** A finite number in [min, max]. */
export const real = (field: string, min: number, max: number, words?: FieldWords) => {
  const subject = subjectOf(field, words)
  return withMeta(
    z
      .number({ error: numberError(subject) })
      .refine(Number.isFinite, { error: `${subject} must be a finite number` })
      .refine((v) => v >= min, { error: `${subject} must be at least ${min}` })
      .refine((v) => v <= max, { error: `${subject} must be at most ${max}` }),
    { ...words, step: 'any', min, max }
  )
}

export const seedField = (help = 'Every draw comes from it: same seed, same numbers.') =>
  int('seed', 0, MAX_SEED, { label: 'Seed', symbol: 'seed', help })

/** A grid's three fields in the form's words, and what its values are. */
export interface GridWords {
  /** What the values are, as the order error says: "the largest trigger scale λ₁". */
  quantity: string
  from: FieldWords & { symbol: string }
  to: FieldWords & { symbol: string }
  steps: FieldWords
}

/**
 * A grid of the config field `field` ("lambdas"): `steps` values from `from` to `to`, both
 * included, each end in [min, max], at most `maxSteps` of them, and rising; every error in
 * `words`. How the values are spaced is the caller's.
 */
export function gridSchema(
  field: string,
  bounds: { min: number; max: number; maxSteps: number },
  words: GridWords
) {
  return z
    .object({
      from: real(`${field}.from`, bounds.min, bounds.max, words.from),
      to: real(`${field}.to`, bounds.min, bounds.max, words.to),
      steps: int(`${field}.steps`, 2, bounds.maxSteps, words.steps)
    })
    .refine((g) => g.to > g.from, {
      error: `The largest ${words.quantity} ${words.to.symbol} must be greater than the smallest ${words.from.symbol}`,
      path: ['to']
    })
}

/** A lambda grid: `steps` evenly spaced values from `from` to `to`, both included. */
export const lambdaGridSchema = gridSchema(
  'lambdas',
  { min: 0, max: 1e6, maxSteps: 401 },
  {
    quantity: 'trigger scale',
    from: { label: 'From', symbol: 'λ₀', help: 'Smallest trigger scale.' },
    to: { label: 'To', symbol: 'λ₁', help: 'Largest trigger scale, included.' },
    steps: { label: 'Steps', symbol: '#λ', help: 'Evenly spaced values, both ends included.' }
  }
)
export type LambdaGrid = z.infer<typeof lambdaGridSchema>

export function lambdaValues(grid: LambdaGrid): number[] {
  const step = (grid.to - grid.from) / (grid.steps - 1)
  return Array.from({ length: grid.steps }, (_, i) =>
    i === grid.steps - 1 ? grid.to : grid.from + i * step
  )
}

/** The secret's k coordinates must fit in the input (SCIENCE.md section 2). */
export const kNotAboveD = {
  error: (issue: { input: unknown }) => {
    const c = issue.input as { k: number; d: number }
    return `k must be at most d (got k=${c.k}, d=${c.d})`
  },
  path: ['k']
}

/** The most floats one score matrix (samples x hidden width) may hold. */
export const MAX_SCORE_CELLS = 64_000_000

/** Memory guard: the score matrix of one model is n x m floats, built once per lambda. */
export const memoryGuard = {
  error: `m times the larger of n and nTest must be at most ${MAX_SCORE_CELLS.toLocaleString('en-US')} (memory per score matrix)`,
  path: ['m']
}

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
