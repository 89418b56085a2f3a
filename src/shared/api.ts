/**
 * The LabApi contract: every method, its channel name (`domain:action`) and the schema of its
 * parameters. The Electron main process, the headless HTTP host and the CLI all dispatch through
 * this one table; the preload checks channels against it. No Node, no DOM.
 */
import { z } from 'zod'
import type { Environment, Progress, RunDetail, RunSummary } from './results'

const runId = z
  .number({ error: 'id must be a number' })
  .int({ error: 'id must be a whole number' })
  .positive({ error: 'id must be positive' })

const tag = z
  .string()
  .trim()
  .min(1, { error: 'tags must not be empty' })
  .max(64, { error: 'a tag must be at most 64 characters' })

export const apiSchemas = {
  startRun: z.object({
    // The config is validated by parseExperimentConfig so that errors name each field.
    config: z.unknown(),
    name: z.string().trim().max(200, { error: 'name must be at most 200 characters' }).optional()
  }),
  cancelRun: z.object({ id: runId }),
  listRuns: z.object({}).optional(),
  getRun: z.object({ id: runId }),
  updateRun: z.object({
    id: runId,
    name: z
      .string()
      .trim()
      .min(1, { error: 'name must not be empty' })
      .max(200, { error: 'name must be at most 200 characters' })
      .optional(),
    notes: z
      .string()
      .max(100_000, { error: 'notes must be at most 100,000 characters' })
      .optional(),
    tags: z.array(tag).max(50, { error: 'at most 50 tags' }).optional()
  }),
  deleteRuns: z.object({ ids: z.array(runId).min(1, { error: 'ids must name at least one run' }) }),
  appInfo: z.object({}).optional()
} as const

export type ApiMethod = keyof typeof apiSchemas
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>
/** Parameters after validation (defaults filled in). */
export type ApiInput<M extends ApiMethod> = NonNullable<z.output<(typeof apiSchemas)[M]>>

export const apiChannels: Record<ApiMethod, string> = {
  startRun: 'runs:start',
  cancelRun: 'runs:cancel',
  listRuns: 'runs:list',
  getRun: 'runs:get',
  updateRun: 'runs:update',
  deleteRuns: 'runs:delete',
  appInfo: 'app:info'
}
export const apiMethods = Object.keys(apiChannels) as ApiMethod[]
export const EVENTS_CHANNEL = 'runs:event'

export interface AppInfo {
  appVersion: string
  host: 'electron' | 'headless' | 'cli'
  /** Why this host is not the desktop window, when it is not. */
  hostNote?: string
  databasePath: string
  parallelRuns: number
  /** The backend a run starts on here, probed once in a worker; null until the probe answers. */
  environment: Environment | null
}

export interface ApiResults {
  startRun: RunSummary
  cancelRun: RunSummary
  listRuns: RunSummary[]
  getRun: RunDetail
  updateRun: RunSummary
  deleteRuns: { deleted: number }
  appInfo: AppInfo
}

export type LabEvent =
  | { type: 'run'; run: RunSummary }
  | { type: 'progress'; runId: number; progress: Progress }
  | { type: 'deleted'; ids: number[] }
  | { type: 'data'; runId: number }

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
