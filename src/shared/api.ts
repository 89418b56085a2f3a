/**
 * The LabApi contract: every method, its channel name (`domain:action`) and the schema of its
 * parameters. The Electron main process, the headless HTTP host and the CLI all dispatch through
 * this one table; the preload checks channels against it. The fields the methods share are in
 * apiFields.ts, the export and sweep methods' schemas in apiExport.ts and apiSweep.ts. No Node,
 * no DOM.
 */
import { z } from 'zod'
import { apiChannels as channelTable, EVENTS_CHANNEL, type ChannelMethod } from './channels'
import {
  isoInstant,
  notesText,
  pageLimit,
  requiredName,
  grouped,
  runId,
  runsPerMode,
  singleLineText,
  sweepId,
  tagText
} from './apiFields'
import { exportSchemas } from './apiExport'
import { sweepSchemas } from './apiSweep'
import {
  MAX_COMPARED_RUNS,
  MAX_GROUPED_RUNS,
  runSortColumns,
  type HistoryResult,
  type RunQueryResult
} from './history'
import { kindNames } from '../kinds/registry'
import type { Environment, Progress, RunDetail, RunSummary } from './results'
import { runStatuses } from './results'
import type { SweepAggregate, SweepDetail, SweepSummary } from './sweepStatus'

const comparedRuns = z
  .array(runId)
  .min(2, { error: 'a comparison needs at least 2 runs' })
  .max(MAX_GROUPED_RUNS, {
    error: `a comparison takes at most ${MAX_GROUPED_RUNS} runs, grouped by seed`
  })
  .refine((ids) => new Set(ids).size === ids.length, { error: 'runIds must not repeat a run' })

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

/** What a query of the history takes: a filter, a sort and a page. */
const runQueryShape = {
  filter: z
    .object({
      kinds: z.array(z.enum(kindNames)).optional(),
      statuses: z.array(z.enum(runStatuses)).optional(),
      tags: z.array(tagText).max(50, { error: 'at most 50 tags' }).optional(),
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
  limit: pageLimit
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
    tags: z.array(tagText).max(50, { error: 'at most 50 tags' }).optional()
  }),
  deleteRuns: z.object({ ids: z.array(runId).min(1, { error: 'ids must name at least one run' }) }),
  // Export: charts, captions, bundles (apiExport.ts).
  ...exportSchemas,
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
  // Sweeps (apiSweep.ts).
  ...sweepSchemas
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
