/**
 * The fields the LabApi's parameters share, whichever method takes them: ids, one-line names,
 * notes and tags, dates, a metric, and the seed-grouping switch of a chart or a comparison. Each
 * error names the field and its rule. No Node, no DOM.
 */
import { z } from 'zod'
import { MAX_COMPARED_RUNS, MAX_QUERY_LIMIT } from './history'

/** A run's id (a data set's and a comparison's too): a positive whole number. */
export const runId = z
  .number({ error: 'id must be a number' })
  .int({ error: 'id must be a whole number' })
  .positive({ error: 'id must be positive' })

/** A sweep's id. */
export const sweepId = z
  .number({ error: 'id must be a number' })
  .int({ error: 'id must be a whole number' })
  .positive({ error: 'id must be positive' })

/** C0 and C1 control characters (escape codes, NUL, bell, ...): never part of a name. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/
/** The same, but tabs and line breaks, which multi-line text may hold. */
const CONTROL_CHARACTERS_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

/** One line of text for people (a name, a tag): no control characters, at most `max`. */
export const singleLineText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be text` })
    .trim()
    .max(max, { error: `${field} must be at most ${max} characters` })
    .refine((v) => !CONTROL_CHARACTERS.test(v), {
      error: `${field} must not contain control characters (tabs, line breaks, escape codes)`
    })

/** Notes: any text with tabs and line breaks, no other control characters. */
export const notesText = z
  .string({ error: 'notes must be text' })
  .max(100_000, { error: 'notes must be at most 100,000 characters' })
  .refine((v) => !CONTROL_CHARACTERS_BUT_LINES.test(v), {
    error: 'notes must not contain control characters other than tabs and line breaks'
  })

/** A tag: one non-empty line of at most 64 characters. */
export const tagText = z
  .string({ error: 'tags must be text' })
  .trim()
  .min(1, { error: 'tags must not be empty' })
  .max(64, { error: 'a tag must be at most 64 characters' })
  .refine((v) => !CONTROL_CHARACTERS.test(v), {
    error: 'tags must not contain control characters (tabs, line breaks, escape codes)'
  })

/** Whether YYYY-MM-DD names a day of the calendar (2024-02-30 does not). */
function realDay(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number)
  const day = new Date(Date.UTC(y, m - 1, d))
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d
}

export const isoInstant = (field: string) =>
  z
    .string({ error: `${field} must be an ISO date (YYYY-MM-DD) or date-time` })
    .refine(
      (v) =>
        /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) &&
        !Number.isNaN(Date.parse(v)),
      { error: `${field} must be an ISO date (YYYY-MM-DD) or date-time`, abort: true }
    )
    .refine(realDay, {
      error: (issue) =>
        `${field} must be a real day: ${String(issue.input).slice(0, 10)} does not exist`
    })

/** A required one-line name: at most 200 characters, not empty. */
export const requiredName = z
  .string({ error: 'name is required' })
  .pipe(singleLineText('name', 200))
  .pipe(z.string().min(1, { error: 'name must not be empty' }))

/** A metric of a kind's runs, by model and name (a sweep aggregates one). */
export const metricRef = z.object(
  {
    model: z
      .string({ error: 'metric.model is required' })
      .min(1, { error: 'metric.model is required' }),
    name: z
      .string({ error: 'metric.name is required' })
      .min(1, { error: 'metric.name is required' })
  },
  { error: 'metric must be { model, name }' }
)

/** Each seed group of the runs as one column: its mean with the t-interval over its seeds. */
export const grouped = z.boolean({ error: 'grouped must be true or false' }).default(false)

/**
 * Run by run, at most MAX_COMPARED_RUNS runs; grouped by seed, up to MAX_GROUPED_RUNS (the seed
 * groups they make are counted where the runs are read).
 */
export function runsPerMode(
  value: { runIds: number[]; grouped: boolean },
  ctx: z.RefinementCtx,
  message: string
): void {
  if (!value.grouped && value.runIds.length > MAX_COMPARED_RUNS)
    ctx.addIssue({ code: 'custom', path: ['runIds'], message })
}

/** How many rows a query returns at most: 1 to MAX_QUERY_LIMIT, 100 unless said. */
export const pageLimit = z
  .number()
  .int({ error: 'limit must be a whole number' })
  .min(1, { error: 'limit must be at least 1' })
  .max(MAX_QUERY_LIMIT, { error: `limit must be at most ${MAX_QUERY_LIMIT}` })
  .default(100)
