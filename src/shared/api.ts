/**
 * The LabApi contract: every method, its channel name (`domain:action`) and the schema of its
 * parameters. The Electron main process, the headless HTTP host and the CLI all dispatch through
 * this one table; the preload checks channels against it. No Node, no DOM.
 */
import { z } from 'zod'
import { apiChannels as channelTable, EVENTS_CHANNEL, type ChannelMethod } from './channels'
import {
  MAX_COMPARED_RUNS,
  MAX_GROUPED_RUNS,
  MAX_QUERY_LIMIT,
  runSortColumns,
  type HistoryResult,
  type RunQueryResult
} from './history'
import { kindNames } from '../kinds/registry'
import type { Environment, Progress, RunDetail, RunSummary } from './results'
import { runStatuses } from './results'
import type { SweepAggregate, SweepDetail, SweepSummary } from './sweepStatus'

const runId = z
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
const tag = tagText

/** Whether YYYY-MM-DD names a day of the calendar (2024-02-30 does not). */
function realDay(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number)
  const day = new Date(Date.UTC(y, m - 1, d))
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d
}

const isoInstant = (field: string) =>
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

const comparedRuns = z
  .array(runId)
  .min(2, { error: 'a comparison needs at least 2 runs' })
  .max(MAX_GROUPED_RUNS, {
    error: `a comparison takes at most ${MAX_GROUPED_RUNS} runs, grouped by seed`
  })
  .refine((ids) => new Set(ids).size === ids.length, { error: 'runIds must not repeat a run' })

/** The runs a chart shows: one (its run page) or several overlaid (Compare), in order. */
const chartRuns = z
  .array(runId, { error: 'runIds must be a list of run ids' })
  .min(1, { error: 'runIds must name at least one run' })
  .max(MAX_GROUPED_RUNS, {
    error: `runIds may name at most ${MAX_GROUPED_RUNS} runs, grouped by seed`
  })
  .refine((ids) => new Set(ids).size === ids.length, { error: 'runIds must not repeat a run' })

/** Each seed group of the runs as one column: its mean with the t-interval over its seeds. */
const grouped = z.boolean({ error: 'grouped must be true or false' }).default(false)

/**
 * Run by run, at most MAX_COMPARED_RUNS runs; grouped by seed, up to MAX_GROUPED_RUNS (the seed
 * groups they make are counted where the runs are read).
 */
function runsPerMode(
  value: { runIds: number[]; grouped: boolean },
  ctx: z.RefinementCtx,
  message: string
): void {
  if (!value.grouped && value.runIds.length > MAX_COMPARED_RUNS)
    ctx.addIssue({ code: 'custom', path: ['runIds'], message })
}

/** A saved comparison: a name and the runs it compares, in order (deleted runs stay listed). */
export interface Comparison {
  id: number
  name: string
  runIds: number[]
  /** Whether it compares seed groups (each group's mean) rather than runs. */
  grouped: boolean
  createdAt: string
}

/** The largest CSV file the lab imports, in bytes of UTF-8 text (20 MB). */
export const MAX_DATASET_BYTES = 20 * 1024 * 1024

/**
 * The largest run bundle the lab imports, in bytes (50 MB): room for a CSV file at the size
 * limit, escaped as JSON, beside its runs.
 */
export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024

/** A size for people: "812 kB", "20.0 MB" (1 MB = 1024 x 1024 bytes, as the file picker counts). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} kB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

export function tooLargeMessage(bytes: number, limit = MAX_DATASET_BYTES): string {
  // Just over the limit, both round to the same size: then say the bytes.
  const [size, most] =
    formatBytes(bytes) === formatBytes(limit)
      ? [`${bytes.toLocaleString('en-US')} bytes`, `${limit.toLocaleString('en-US')} bytes`]
      : [formatBytes(bytes), formatBytes(limit)]
  return `the file is ${size}; the lab imports CSV files of at most ${most}`
}

/** Bytes of `text` encoded as UTF-8, without encoding it (no Node, no DOM). */
export function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) bytes += 1
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2 // a surrogate pair: 2 code units, 4 bytes
        i++
      } else bytes += 2
    } else bytes += 2
  }
  return bytes
}

const sweepId = z
  .number({ error: 'id must be a number' })
  .int({ error: 'id must be a whole number' })
  .positive({ error: 'id must be positive' })

const requiredName = z
  .string({ error: 'name is required' })
  .pipe(singleLineText('name', 200))
  .pipe(z.string().min(1, { error: 'name must not be empty' }))

/**
 * The widths a figure can be exported at, in inches. Narrower than 1.5 in, the y axis (its tick
 * labels and a title in two lines) no longer fits beside a plot: chart.js gives it at most half
 * the width, and its title would run over the tick labels.
 */
export const FIGURE_WIDTH = { min: 1.5, max: 20 } as const

/** A metric of a kind's runs, by model and name (a sweep aggregates one). */
const metricRef = z.object(
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

/** What a query of the history takes: a filter, a sort and a page. */
const runQueryShape = {
  filter: z
    .object({
      kinds: z.array(z.enum(kindNames)).optional(),
      statuses: z.array(z.enum(runStatuses)).optional(),
      tags: z.array(tag).max(50, { error: 'at most 50 tags' }).optional(),
      text: z.string().max(200, { error: 'text must be at most 200 characters' }).optional(),
      createdFrom: isoInstant('createdFrom').optional(),
      createdTo: isoInstant('createdTo').optional(),
      sweepId: sweepId.optional(),
      inSweep: z.boolean({ error: 'inSweep must be true or false' }).optional(),
      seedGroup: z
        .string({ error: 'seedGroup must be text' })
        .regex(/^[0-9a-f]{32}$/, { error: 'seedGroup must be a seed group id: 32 hex digits' })
        .optional()
    })
    .optional(),
  sort: z
    .object({
      column: z.enum(runSortColumns, {
        error: `sort.column must be one of: ${runSortColumns.join(', ')}`
      }),
      direction: z.enum(['asc', 'desc'], { error: "sort.direction must be 'asc' or 'desc'" })
    })
    .optional(),
  offset: z
    .number()
    .int({ error: 'offset must be a whole number' })
    .min(0, { error: 'offset must be at least 0' })
    .default(0),
  limit: z
    .number()
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(MAX_QUERY_LIMIT, { error: `limit must be at most ${MAX_QUERY_LIMIT}` })
    .default(100)
}

export const apiSchemas = {
  startRun: z.object({
    // The config is validated by parseExperimentConfig so that errors name each field.
    config: z.unknown().refine((v) => v !== undefined, { error: 'config is required' }),
    name: singleLineText('name', 200).optional()
  }),
  cancelRun: z.object({ id: runId }),
  listRuns: z.object({}).optional(),
  getRun: z.object({ id: runId }),
  updateRun: z.object({
    id: runId,
    name: singleLineText('name', 200)
      .pipe(z.string().min(1, { error: 'name must not be empty' }))
      .optional(),
    notes: notesText.optional(),
    tags: z.array(tag).max(50, { error: 'at most 50 tags' }).optional()
  }),
  deleteRuns: z.object({ ids: z.array(runId).min(1, { error: 'ids must name at least one run' }) }),
  // Export: a chart as a figure or its numbers, a caption, runs as a bundle and back. A chart of
  // runs names them (runIds; grouped: each seed group as one column); a chart of a sweep names the
  // sweep, its metric and the swept field on the x axis (0 or 1).
  exportChart: z
    .object({
      runIds: chartRuns.optional(),
      grouped,
      sweepId: sweepId.optional(),
      metric: metricRef.optional(),
      x: z.union([z.literal(0), z.literal(1)], { error: 'x must be 0 or 1' }).optional(),
      chart: z.string({ error: 'chart is required' }).trim().min(1, { error: 'chart is required' }),
      format: z.enum(['png', 'svg', 'pdf', 'tex', 'csv', 'json'], {
        error: 'format must be one of: png, svg, pdf, tex, csv, json'
      }),
      widthInches: z
        .number({ error: 'widthInches must be a number' })
        .min(FIGURE_WIDTH.min, { error: `widthInches must be at least ${FIGURE_WIDTH.min}` })
        .max(FIGURE_WIDTH.max, { error: `widthInches must be at most ${FIGURE_WIDTH.max}` })
        .default(3.25),
      dpi: z
        .union([z.literal(300), z.literal(600)], { error: 'dpi must be 300 or 600' })
        .default(300)
    })
    .superRefine((p, ctx) => {
      if (p.runIds && p.sweepId !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sweepId'],
          message: "give runIds (a run's chart) or sweepId (a sweep's chart), not both"
        })
      } else if (!p.runIds && p.sweepId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['runIds'],
          message:
            "runIds must name at least one run (or give sweepId and metric for a sweep's chart)"
        })
      } else if (p.sweepId !== undefined && !p.metric) {
        ctx.addIssue({
          code: 'custom',
          path: ['metric'],
          message: "metric is required for a sweep's chart: { model, name }"
        })
      } else if (p.runIds) {
        runsPerMode(
          { runIds: p.runIds, grouped: p.grouped },
          ctx,
          `runIds may name at most ${MAX_COMPARED_RUNS} runs unless grouped`
        )
      }
    }),
  chartCaption: z
    .object({
      runIds: chartRuns,
      grouped,
      chart: z.string({ error: 'chart is required' }).trim().min(1, { error: 'chart is required' })
    })
    .superRefine((v, ctx) =>
      runsPerMode(v, ctx, `runIds may name at most ${MAX_COMPARED_RUNS} runs unless grouped`)
    ),
  exportBundle: z.object({
    ids: z
      .array(runId)
      .min(1, { error: 'ids must name at least one run' })
      .refine((ids) => new Set(ids).size === ids.length, { error: 'ids must not repeat a run' })
  }),
  importBundle: z.object({ json: z.string({ error: 'json must be the text of a bundle' }) }),
  appInfo: z.object({}).optional(),
  importDataset: z.object({
    name: requiredName,
    // Characters first (cheap, and a UTF-8 file has at least as many bytes as characters),
    // then the exact UTF-8 size.
    content: z
      .string({ error: 'content must be the text of a CSV file' })
      .refine((text) => text.length <= MAX_DATASET_BYTES && utf8Length(text) <= MAX_DATASET_BYTES, {
        error: (issue) => tooLargeMessage(utf8Length(issue.input as string))
      })
  }),
  listDatasets: z.object({}).optional(),
  deleteDataset: z.object({ id: runId }),
  queryRuns: z.object(runQueryShape).default({ offset: 0, limit: 100 }),
  // The Runs table's entries: runs, sweeps and, with groupSeeds, seed groups, paged together.
  queryHistory: z
    .object({
      ...runQueryShape,
      groupSeeds: z.boolean({ error: 'groupSeeds must be true or false' }).default(false)
    })
    .default({ offset: 0, limit: 100, groupSeeds: false }),
  rerunRun: z.object({ id: runId }),
  getRuns: z.object({
    ids: z
      .array(runId)
      .min(1, { error: 'ids must name at least one run' })
      .max(50, { error: 'ids may name at most 50 runs' })
  }),
  saveComparison: z
    .object({
      name: requiredName,
      runIds: comparedRuns,
      grouped
    })
    .superRefine((v, ctx) =>
      runsPerMode(v, ctx, `a comparison takes at most ${MAX_COMPARED_RUNS} runs unless grouped`)
    ),
  listComparisons: z.object({}).optional(),
  deleteComparison: z.object({ id: runId }),
  // Sweeps (SCIENCE.md section 12): a base config, one or two swept fields, r seeds per point.
  startSweep: z.object({
    // The sweep config is validated by parseSweepConfig so that errors name each field.
    config: z.unknown().refine((v) => v !== undefined, { error: 'config is required' }),
    name: singleLineText('name', 200).optional()
  }),
  getSweep: z.object({ id: sweepId }),
  listSweeps: z
    .object({
      ids: z
        .array(sweepId)
        .max(MAX_QUERY_LIMIT, { error: `ids may name at most ${MAX_QUERY_LIMIT} sweeps` })
        .optional(),
      limit: z
        .number()
        .int({ error: 'limit must be a whole number' })
        .min(1, { error: 'limit must be at least 1' })
        .max(MAX_QUERY_LIMIT, { error: `limit must be at most ${MAX_QUERY_LIMIT}` })
        .default(100)
    })
    .default({ limit: 100 }),
  cancelSweep: z.object({ id: sweepId }),
  resumeSweep: z.object({ id: sweepId }),
  deleteSweep: z.object({ id: sweepId }),
  sweepAggregate: z.object({ id: sweepId, metric: metricRef })
} as const

export type ApiMethod = keyof typeof apiSchemas
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>
/** Parameters after validation (defaults filled in). */
export type ApiInput<M extends ApiMethod> = NonNullable<z.output<(typeof apiSchemas)[M]>>

// The channel table lives in a file without zod, for the sandboxed preload. The compiler checks
// both ways round: every method has a channel (this line), every channel a method (the next).
export const apiChannels: Record<ApiMethod, string> = channelTable
const _noChannelWithoutMethod: Record<ChannelMethod, unknown> = apiSchemas
export const apiMethods = Object.keys(apiChannels) as ApiMethod[]
export { EVENTS_CHANNEL }

export interface AppInfo {
  appVersion: string
  host: 'electron' | 'headless' | 'cli'
  /** Why this host is not the desktop window, when it is not. */
  hostNote?: string
  databasePath: string
  parallelRuns: number
  /** The bytes one run may hold (its estimate is checked before the run is saved). */
  memoryBudget: number
  /** The backend a run starts on here, probed once in a worker; null until the probe answers. */
  environment: Environment | null
}

/** A column that can serve as the label of an imported CSV file, with its values. */
export interface LabelCandidate {
  column: string
  /** Whether every value is a number (then "1" and "1.0" are the same class). */
  numeric: boolean
  /** Each distinct value and how many rows hold it, most frequent first. */
  values: { value: string; count: number }[]
}

/** What the lab keeps of an imported CSV file, without its text (that stays in the database). */
export interface DatasetSummary {
  id: number
  name: string
  /** Header names, in file order. */
  columns: string[]
  /** Data rows (the header and blank lines not counted). */
  rows: number
  /** Size of the text in UTF-8. */
  bytes: number
  /** SHA-256 of the UTF-8 text, hex: identifies the exact data a run used. */
  sha256: string
  createdAt: string
  /**
   * The columns that can be the label (every other column numeric, 2 to 100 distinct values),
   * each with its values and counts.
   */
  labelCandidates: LabelCandidate[]
}

export interface ApiResults {
  startRun: RunSummary
  cancelRun: RunSummary
  listRuns: RunSummary[]
  getRun: RunDetail
  updateRun: RunSummary
  deleteRuns: { deleted: number }
  /** The file, base64-encoded (PNG and PDF are binary). */
  exportChart: { fileName: string; mimeType: string; base64: string }
  chartCaption: { caption: string }
  exportBundle: { fileName: string; json: string }
  importBundle: { imported: RunSummary[] }
  appInfo: AppInfo
  importDataset: DatasetSummary
  listDatasets: DatasetSummary[]
  deleteDataset: { deleted: number }
  queryRuns: RunQueryResult
  queryHistory: HistoryResult
  rerunRun: RunSummary
  getRuns: RunDetail[]
  saveComparison: Comparison
  listComparisons: Comparison[]
  deleteComparison: { deleted: number }
  startSweep: SweepDetail
  getSweep: SweepDetail
  listSweeps: SweepSummary[]
  cancelSweep: SweepDetail
  resumeSweep: SweepDetail
  /** `runs`: how many runs went with the sweep. */
  deleteSweep: { deleted: number; runs: number }
  sweepAggregate: SweepAggregate
}

export type LabEvent =
  | { type: 'run'; run: RunSummary }
  | { type: 'progress'; runId: number; progress: Progress }
  | { type: 'deleted'; ids: number[] }
  | { type: 'data'; runId: number }
  /** A sweep whose runs changed status (or were created, deleted or replaced). */
  | { type: 'sweep'; sweep: SweepSummary }
  | { type: 'sweepDeleted'; id: number }

/** What the renderer talks to, whichever host it runs in. */
export interface LabClient {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]>
  subscribe(listener: (event: LabEvent) => void): () => void
}

/** An error that crosses a host boundary: a message for the user and, for bad input, fields. */
export interface ApiErrorBody {
  error: string
  fields?: { field: string; message: string }[]
}

/** An error from the lab, as a client sees it: the message and, for bad input, each field. */
export class LabApiError extends Error {
  constructor(
    message: string,
    readonly fields: { field: string; message: string }[] = [],
    readonly status = 500
  ) {
    super(message)
    this.name = 'LabApiError'
  }
}

/** What crosses Electron's IPC: a result, or an error as plain data (contextBridge drops error fields). */
export type BridgeReply<T> =
  | { ok: true; result: T }
  | { ok: false; error: string; fields?: { field: string; message: string }[]; status?: number }

/** What the preload exposes as `window.labBridge`. */
export interface LabBridge {
  invoke(method: ApiMethod, params: unknown): Promise<BridgeReply<unknown>>
  subscribe(listener: (event: LabEvent) => void): () => void
}

/** The LabClient over the preload's bridge: errors become LabApiErrors again on this side. */
export function clientFromBridge(bridge: LabBridge): LabClient {
  return {
    async call(method, params) {
      const reply = await bridge.invoke(method, params)
      if (reply.ok) return reply.result as never
      throw new LabApiError(reply.error, reply.fields ?? [], reply.status ?? 500)
    },
    subscribe: (listener) => bridge.subscribe(listener)
  }
}
