/**
 * The fields of a run bundle and the ranges their values must lie in. A checksum proves that a
 * bundle is what was exported, not that what was exported makes sense: a bundle edited by hand
 * and signed again passes it, so every value is checked here after it (a rate lies in [0, 1],
 * an interval holds its estimate, a run finishes after it starts, text holds no control codes).
 */
import { z } from 'zod'
import { MAX_DATASET_BYTES, utf8Length } from '../../shared/api'
import { notesText, singleLineText, tagText } from '../../shared/apiFields'
import { csvDatasetId, experimentConfigSchema, type ExperimentConfig } from '../../kinds/registry'

/** The statuses a bundle may hold: a run that is still queued or running has no final numbers. */
export const bundleStatuses = ['done', 'failed', 'cancelled', 'interrupted'] as const

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' })
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a SHA-256 (64 hex digits)' })
const nullableNumber = z.number().nullable()
const estimate = {
  value: nullableNumber,
  lower: nullableNumber.optional(),
  upper: nullableNumber.optional()
}
const label = (field: string) =>
  singleLineText(field, 200).pipe(z.string().min(1, { error: `${field} must not be empty` }))

const metricSchema = z.strictObject({ model: label('model'), name: label('name'), ...estimate })

const seriesSchema = z.strictObject({
  model: label('model'),
  name: label('name'),
  points: z.array(z.strictObject({ x: z.number(), ...estimate }))
})

const environmentSchema = z.looseObject({
  backend: singleLineText('backend', 64),
  backendNote: z.string().max(2000).optional(),
  versions: z.record(z.string().max(200), z.string().max(200)),
  platform: singleLineText('platform', 200),
  cpus: z.number().int().nonnegative(),
  dataFile: z
    .strictObject({
      datasetId: z.number().int().positive(),
      name: z.string().max(200),
      sha256
    })
    .optional()
})

/** Whether a metric or series named so holds rates (attackSuccessRate, epoch.cleanAccuracy...). */
export function isRate(name: string): boolean {
  return name.split('.').some((part) => /(Rate|Accuracy)$/.test(part))
}

type Estimate = { value: number | null; lower?: number | null; upper?: number | null }

/** A rate lies in [0, 1]; an interval holds its estimate. */
function checkEstimate(
  name: string,
  e: Estimate,
  path: (string | number)[],
  issue: (path: (string | number)[], message: string) => void
): void {
  if (isRate(name)) {
    for (const key of ['value', 'lower', 'upper'] as const) {
      const v = e[key]
      if (v != null && (v < 0 || v > 1))
        issue([...path, key], `${name} is a rate: it must lie between 0 and 1 (got ${v})`)
    }
  }
  const { value, lower, upper } = e
  if (lower != null && upper != null && lower > upper)
    issue(
      [...path, 'lower'],
      `the interval of ${name} is upside down (lower ${lower} > upper ${upper})`
    )
  else if (value != null && lower != null && value < lower)
    issue([...path, 'value'], `${name} lies below its interval (${value} < lower ${lower})`)
  else if (value != null && upper != null && value > upper)
    issue([...path, 'value'], `${name} lies above its interval (${value} > upper ${upper})`)
}

/** A run as a bundle of `version` carries it (version 2 adds the SHA-256 of its data). */
export function bundledRunSchema(version: 1 | 2) {
  const fields = {
    sourceId: z.number().int().positive(),
    name: label('name'),
    status: z.enum(bundleStatuses, {
      error: (issue) =>
        `status ${JSON.stringify(issue.input)} cannot be imported: a bundle holds finished runs only (${bundleStatuses.join(', ')})`
    }),
    seed: z.number().int().nonnegative(),
    backend: singleLineText('backend', 64).nullable(),
    appVersion: singleLineText('appVersion', 64),
    createdAt: isoTime,
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    error: z.string().max(100_000).nullable(),
    notes: notesText,
    tags: z.array(tagText).max(50),
    config: experimentConfigSchema,
    environment: environmentSchema.nullable(),
    metrics: z.array(metricSchema),
    series: z.array(seriesSchema),
    rerunOf: z.number().int().positive().nullable()
  }
  const object =
    version === 2
      ? z.strictObject({ ...fields, dataSha256: sha256.nullable() })
      : z.strictObject(fields)
  return object.superRefine((run, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message })
    if (run.seed !== run.config.seed) issue(['seed'], 'seed must equal config.seed')
    if (!unique(run.metrics)) issue(['metrics'], 'a metric appears twice')
    if (!unique(run.series)) issue(['series'], 'a series appears twice')
    run.metrics.forEach((m, i) => checkEstimate(m.name, m, ['metrics', i], issue))
    run.series.forEach((s, i) =>
      s.points.forEach((p, j) => checkEstimate(s.name, p, ['series', i, 'points', j], issue))
    )
    const time = (t: string | null) => (t === null ? null : Date.parse(t))
    const [created, started, finished] = [run.createdAt, run.startedAt, run.finishedAt].map(time)
    if (started !== null && started < created!)
      issue(['startedAt'], `startedAt (${run.startedAt}) is before createdAt (${run.createdAt})`)
    if (finished !== null && finished < (started ?? created!))
      issue(
        ['finishedAt'],
        `finishedAt (${run.finishedAt}) is before the run began (${run.startedAt ?? run.createdAt})`
      )
    if (run.rerunOf === run.sourceId) issue(['rerunOf'], 'a run cannot be a re-run of itself')
    const csv = csvDatasetId(run.config as ExperimentConfig) != null
    if ('dataSha256' in run) {
      const sha = run.dataSha256 as string | null
      if (csv && !sha) issue(['dataSha256'], 'a run on an imported CSV file needs its SHA-256')
      if (!csv && sha) issue(['dataSha256'], 'only a run on an imported CSV file has one')
      const recorded = run.environment?.dataFile?.sha256
      if (sha && recorded && recorded !== sha)
        issue(['dataSha256'], 'differs from the SHA-256 its environment recorded')
    }
  })
}

/** Whether no two records share a model and a name (the database's key). */
function unique(records: { model: string; name: string }[]): boolean {
  return new Set(records.map((r) => JSON.stringify([r.model, r.name]))).size === records.length
}

/** A CSV file a bundle carries: its text, its name, the SHA-256 runs name it by. */
export const bundledDatasetSchema = z.strictObject({
  sha256,
  name: label('name'),
  content: z.string().refine((text) => utf8Length(text) <= MAX_DATASET_BYTES, {
    error: `must be a CSV file of at most ${MAX_DATASET_BYTES / (1024 * 1024)} MB`
  })
})
