/**
 * Run bundles: finished runs as one JSON file (config, environment, metrics, series, notes), to
 * move them to another lab or keep them beside a paper, and their import. A bundle carries the
 * SHA-256 of the canonical JSON of its runs; an import checks the envelope, then the checksum,
 * then every field (each config through the experiment config schema), before anything is stored.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { experimentConfigSchema } from '../../kinds/registry'
import type { RunDetail } from '../../shared/results'
import type { ImportedRun } from '../store/store'

export const BUNDLE_FORMAT = 'backdoor-lab-bundle'
export const BUNDLE_VERSION = 1

/** The statuses a bundle may hold: a run that is still queued or running has no final numbers. */
export const bundleStatuses = ['done', 'failed', 'cancelled', 'interrupted'] as const

/** A run as a bundle carries it: what the store imports, with its re-run link always present. */
export interface BundledRun extends ImportedRun {
  /** The sourceId of the run this one re-ran (the history's re-run link), or null. */
  rerunOf: number | null
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT
  version: typeof BUNDLE_VERSION
  exportedAt: string
  appVersion: string
  runs: BundledRun[]
  checksum: string
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BundleError'
  }
}

/**
 * JSON with object keys sorted at every depth and no whitespace: the same value always gives the
 * same text, whatever order its keys were written in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null'
    return JSON.stringify(value) ?? 'null'
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function runsChecksum(runs: unknown): string {
  return createHash('sha256').update(canonicalJson(runs), 'utf8').digest('hex')
}

/** A run as a bundle carries it; queued and running runs are refused by name. */
export function bundledRun(run: RunDetail): BundledRun {
  if (!(bundleStatuses as readonly string[]).includes(run.status)) {
    throw new BundleError(
      `run ${run.id} is ${run.status}: only finished runs (${bundleStatuses.join(', ')}) can be exported; wait for it or cancel it`
    )
  }
  return {
    sourceId: run.id,
    name: run.name,
    status: run.status as BundledRun['status'],
    seed: run.seed,
    backend: run.backend,
    appVersion: run.appVersion,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    notes: run.notes,
    tags: [...run.tags],
    config: run.config,
    environment: run.environment,
    metrics: run.metrics,
    series: run.series,
    rerunOf: run.rerunOf ?? null
  }
}

export function createBundle(
  runs: RunDetail[],
  appVersion: string,
  exportedAt = new Date()
): Bundle {
  if (runs.length === 0) throw new BundleError('a bundle needs at least one run')
  const bundled = runs.map(bundledRun)
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: exportedAt.toISOString(),
    appVersion,
    runs: bundled,
    checksum: runsChecksum(bundled)
  }
}

export function bundleJson(bundle: Bundle): string {
  return JSON.stringify(bundle, null, 2) + '\n'
}

export function bundleFileName(runs: Pick<RunDetail, 'id'>[]): string {
  const ids = runs.map((r) => r.id)
  return ids.length === 1
    ? `run-${ids[0]}.lab.json`
    : ids.length <= 4
      ? `runs-${ids.join('-')}.lab.json`
      : `runs-${ids[0]}-and-${ids.length - 1}-more.lab.json`
}

// ---- import -------------------------------------------------------------------------------

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' })
const nullableNumber = z.number().nullable()
const estimate = {
  value: nullableNumber,
  lower: nullableNumber.optional(),
  upper: nullableNumber.optional()
}

const metricSchema = z.strictObject({
  model: z.string().min(1),
  name: z.string().min(1),
  ...estimate
})

const seriesSchema = z.strictObject({
  model: z.string().min(1),
  name: z.string().min(1),
  points: z.array(z.strictObject({ x: z.number(), ...estimate }))
})

const environmentSchema = z.looseObject({
  backend: z.string(),
  backendNote: z.string().optional(),
  versions: z.record(z.string(), z.string()),
  platform: z.string(),
  cpus: z.number().int().nonnegative(),
  dataFile: z
    .strictObject({
      datasetId: z.number().int().positive(),
      name: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/)
    })
    .optional()
})

const bundledRunSchema = z
  .strictObject({
    sourceId: z.number().int().positive(),
    name: z.string().trim().min(1).max(200),
    status: z.enum(bundleStatuses, {
      error: (issue) =>
        `status ${JSON.stringify(issue.input)} cannot be imported: a bundle holds finished runs only (${bundleStatuses.join(', ')})`
    }),
    seed: z.number().int().nonnegative(),
    backend: z.string().nullable(),
    appVersion: z.string(),
    createdAt: isoTime,
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    error: z.string().nullable(),
    notes: z.string().max(100_000),
    tags: z.array(z.string().trim().min(1).max(64)).max(50),
    config: experimentConfigSchema,
    environment: environmentSchema.nullable(),
    metrics: z.array(metricSchema),
    series: z.array(seriesSchema),
    rerunOf: z.number().int().positive().nullable()
  })
  .refine((r) => r.seed === r.config.seed, {
    error: 'seed must equal config.seed',
    path: ['seed']
  })
  .refine((r) => unique(r.metrics), { error: 'a metric appears twice', path: ['metrics'] })
  .refine((r) => unique(r.series), { error: 'a series appears twice', path: ['series'] })

/** Whether no two records share a model and a name (the database's key). */
function unique(records: { model: string; name: string }[]): boolean {
  return new Set(records.map((r) => JSON.stringify([r.model, r.name]))).size === records.length
}

const envelopeSchema = z.object({
  format: z.string(),
  version: z.unknown(),
  runs: z.array(z.unknown()),
  checksum: z.string()
})

const bundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  exportedAt: isoTime,
  appVersion: z.string(),
  runs: z
    .array(bundledRunSchema)
    .min(1, { error: 'a bundle holds at least one run' })
    .refine((runs) => new Set(runs.map((r) => r.sourceId)).size === runs.length, {
      error: 'two runs of the bundle have the same sourceId'
    }),
  checksum: z.string()
})

/**
 * Reads a bundle: valid JSON, then its format and version, then the checksum of its runs, then
 * every field. Throws BundleError with a message for people; returns the runs, configs parsed.
 */
export function parseBundle(json: string): BundledRun[] {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new BundleError(
      `this is not a Backdoor Lab bundle: it is not valid JSON (${(error as Error).message})`
    )
  }
  const envelope = envelopeSchema.safeParse(value)
  if (!envelope.success) {
    throw new BundleError(
      `this is not a Backdoor Lab bundle: it needs the fields format, version, runs and checksum`
    )
  }
  const { format, version, runs, checksum } = envelope.data
  if (format !== BUNDLE_FORMAT) {
    throw new BundleError(
      `this is not a Backdoor Lab bundle: its format is ${JSON.stringify(format)}, not '${BUNDLE_FORMAT}'`
    )
  }
  if (version !== BUNDLE_VERSION) {
    throw new BundleError(
      `this bundle has version ${JSON.stringify(version)}; this lab reads version ${BUNDLE_VERSION}` +
        (typeof version === 'number' && version > BUNDLE_VERSION
          ? ' (it was written by a newer Backdoor Lab: update this one)'
          : '')
    )
  }
  if (runsChecksum(runs) !== checksum) {
    throw new BundleError(
      "the bundle's checksum does not match its content: it was changed after export"
    )
  }
  const parsed = bundleSchema.safeParse(value)
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || '(bundle)'}: ${i.message}`
    )
    throw new BundleError(`the bundle is not valid: ${problems.slice(0, 5).join('; ')}`)
  }
  return parsed.data.runs as BundledRun[]
}
