/**
 * Run bundles: finished runs as one JSON file (config, environment, metrics, series, notes) and
 * the CSV files they read, to move them to another lab or keep them beside a paper, and their
 * import. A bundle carries the SHA-256 of the canonical JSON of its runs and data sets; an
 * import checks its size and depth, the envelope, the checksum, then every field and value
 * (each config through the experiment config schema, each CSV file as an import checks it),
 * before anything is stored.
 *
 * Version 2 carries the data sets; version 1 (runs only, each naming its CSV file by id and
 * SHA-256) still imports.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { formatBytes, utf8Length } from '../../shared/api'
import { MAX_BUNDLE_BYTES } from '../../shared/apiExport'
import type { RunDetail } from '../../shared/results'
import { DatasetError } from '../lab/datasets/errors'
import { inspectCsv } from '../lab/datasets/csv'
import type { ImportedDataset, ImportedRun } from '../store/bundles'
import { bundledDatasetSchema, bundledRunSchema, bundleStatuses } from './bundleSchema'

export { bundleStatuses }

export const BUNDLE_FORMAT = 'backdoor-lab-bundle'
export const BUNDLE_VERSION = 2
/** The versions this lab imports. */
export const READABLE_BUNDLE_VERSIONS = [1, 2] as const
/** Deeper than any bundle nests (a series point sits at depth 6); checked before parsing. */
export const MAX_BUNDLE_DEPTH = 64

/** A run as a bundle carries it: what the store imports, with its links always present. */
export interface BundledRun extends ImportedRun {
  /** The sourceId of the run this one re-ran (the history's re-run link), or null. */
  rerunOf: number | null
  /** SHA-256 of the CSV file (among the bundle's data sets) the run read, or null. */
  dataSha256: string | null
}

/** A CSV file a bundle carries: runs name it by its SHA-256. */
export interface BundledDataset {
  sha256: string
  name: string
  content: string
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT
  version: typeof BUNDLE_VERSION
  exportedAt: string
  appVersion: string
  runs: BundledRun[]
  datasets: BundledDataset[]
  checksum: string
}

/** What an import stores: the runs, and the data sets checked as an import checks a CSV file. */
export interface ParsedBundle {
  version: (typeof READABLE_BUNDLE_VERSIONS)[number]
  runs: BundledRun[]
  datasets: ImportedDataset[]
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

/** The checksum a bundle carries: of its runs (version 1), of its runs and data sets (2). */
export function bundleChecksum(bundle: {
  version: unknown
  runs: unknown
  datasets?: unknown
}): string {
  return bundle.version === 1
    ? runsChecksum(bundle.runs)
    : runsChecksum({ datasets: bundle.datasets, runs: bundle.runs })
}

/** A run as a bundle carries it; queued and running runs are refused by name. */
export function bundledRun(run: RunDetail, dataSha256: string | null = null): BundledRun {
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
    rerunOf: run.rerunOf ?? null,
    dataSha256
  }
}

/**
 * A bundle of `runs` and the CSV files they read: `data` gives, for a run on an imported CSV
 * file, its SHA-256 and its data set (null when the lab no longer has it: then the bundle is
 * refused, since it would name data it does not carry).
 */
export function createBundle(
  runs: RunDetail[],
  appVersion: string,
  options: {
    data?: (run: RunDetail) => { sha256: string; dataset: BundledDataset | null } | null
    exportedAt?: Date
  } = {}
): Bundle {
  if (runs.length === 0) throw new BundleError('a bundle needs at least one run')
  const datasets = new Map<string, BundledDataset>()
  const bundled = runs.map((run) => {
    const data = options.data?.(run) ?? null
    if (data && !data.dataset) {
      const file = run.environment?.dataFile?.name
      throw new BundleError(
        `run ${run.id} read the imported CSV file ${file ? JSON.stringify(file) : ''} (SHA-256 ${data.sha256.slice(0, 12)}…), which is no longer in this lab; a bundle carries the data its runs read, so this run cannot be exported. Import that file again (it is found by its content), then export`
      )
    }
    if (data?.dataset) datasets.set(data.sha256, data.dataset)
    return bundledRun(run, data?.sha256 ?? null)
  })
  const content = { runs: bundled, datasets: [...datasets.values()] }
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: (options.exportedAt ?? new Date()).toISOString(),
    appVersion,
    ...content,
    checksum: bundleChecksum({ version: BUNDLE_VERSION, ...content })
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

const envelopeSchema = z.object({
  format: z.string(),
  version: z.unknown(),
  runs: z.array(z.unknown()),
  datasets: z.array(z.unknown()).optional(),
  checksum: z.string()
})

function bundleSchema(version: 1 | 2) {
  const runs = z
    .array(bundledRunSchema(version))
    .min(1, { error: 'a bundle holds at least one run' })
    .refine((runs) => new Set(runs.map((r) => r.sourceId)).size === runs.length, {
      error: 'two runs of the bundle have the same sourceId'
    })
  const fields = {
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(version),
    exportedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }),
    appVersion: z.string().max(64),
    runs,
    checksum: z.string()
  }
  if (version === 1) return z.strictObject(fields)
  return z
    .strictObject({
      ...fields,
      datasets: z
        .array(bundledDatasetSchema)
        .refine((sets) => new Set(sets.map((d) => d.sha256)).size === sets.length, {
          error: 'two data sets have the same sha256'
        })
    })
    .superRefine((bundle, ctx) => {
      const carried = new Set(bundle.datasets.map((d) => d.sha256))
      bundle.runs.forEach((run, i) => {
        const sha = (run as { dataSha256?: string | null }).dataSha256
        if (sha && !carried.has(sha))
          ctx.addIssue({
            code: 'custom',
            path: ['runs', i, 'dataSha256'],
            message: 'the bundle does not carry the data set this run read'
          })
      })
    })
}

/**
 * How deep `json` nests arrays and objects, read from the text (strings skipped), stopping
 * once it passes `limit`: checked before anything recursive walks the value.
 */
export function nestingDepth(json: string, limit = Infinity): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

/** Issues as people read them: "runs.0.metrics.2.value: attackSuccessRate is a rate: ...". */
function problems(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(bundle)'}: ${i.message}`)
    .join('; ')
}

/**
 * Reads a bundle: its size and nesting depth, valid JSON, then its format and version, then the
 * checksum, then every field and value, and each data set as a CSV import checks it. Throws
 * BundleError with a message for people; returns the runs (configs parsed) and the data sets.
 */
export function parseBundle(text: string): ParsedBundle {
  const json = text.replace(/^\uFEFF/, '')
  const bytes = json.length > MAX_BUNDLE_BYTES ? json.length : utf8Length(json)
  if (bytes > MAX_BUNDLE_BYTES) {
    throw new BundleError(
      `the bundle is ${formatBytes(bytes)}; the lab imports bundles of at most ${formatBytes(MAX_BUNDLE_BYTES)}`
    )
  }
  if (nestingDepth(json, MAX_BUNDLE_DEPTH) > MAX_BUNDLE_DEPTH) {
    throw new BundleError(
      `this is not a Backdoor Lab bundle: it nests more than ${MAX_BUNDLE_DEPTH} levels deep (a bundle needs fewer than 10)`
    )
  }
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
  const { format, version, checksum } = envelope.data
  if (format !== BUNDLE_FORMAT) {
    throw new BundleError(
      `this is not a Backdoor Lab bundle: its format is ${JSON.stringify(format)}, not '${BUNDLE_FORMAT}'`
    )
  }
  if (version !== 1 && version !== 2) {
    throw new BundleError(
      `this bundle has version ${JSON.stringify(version)}; this lab reads versions ${READABLE_BUNDLE_VERSIONS.join(' and ')}` +
        (typeof version === 'number' && version > BUNDLE_VERSION
          ? ' (it was written by a newer Backdoor Lab: update this one)'
          : '')
    )
  }
  if (bundleChecksum(envelope.data) !== checksum) {
    throw new BundleError(
      "the bundle's checksum does not match its content: it was changed after export"
    )
  }
  const parsed = bundleSchema(version).safeParse(value)
  if (!parsed.success) {
    throw new BundleError(`the bundle is not valid: ${problems(parsed.error.issues)}`)
  }
  const datasets = (parsed.data as { datasets?: BundledDataset[] }).datasets ?? []
  return {
    version,
    runs: parsed.data.runs.map((run) => ({
      ...run,
      dataSha256: (run as { dataSha256?: string | null }).dataSha256 ?? null
    })) as BundledRun[],
    datasets: datasets.map((d, i) => checkedDataset(d, i))
  }
}

/** A carried CSV file, checked as an import checks one: its SHA-256, then its cells. */
function checkedDataset(dataset: BundledDataset, index: number): ImportedDataset {
  const at = `datasets.${index}`
  const actual = createHash('sha256').update(dataset.content, 'utf8').digest('hex')
  if (actual !== dataset.sha256) {
    throw new BundleError(
      `the bundle is not valid: ${at}.content: its SHA-256 is ${actual.slice(0, 12)}…, not the sha256 it is listed under (${dataset.sha256.slice(0, 12)}…)`
    )
  }
  try {
    const profile = inspectCsv(dataset.content)
    return { ...dataset, ...profile }
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error
    throw new BundleError(
      `the bundle is not valid: ${at}.content: ${error.message} (in the file ${JSON.stringify(dataset.name)})`
    )
  }
}
