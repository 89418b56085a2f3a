/**
 * A sweep in shards (SCIENCE.md section 12): its runs computed on other machines (the tasks of a
 * Slurm array job, or a few machines sharing a folder), each into a file of its own, never into
 * the database (SQLite's WAL does not work over network filesystems), and collected into the
 * sweep's slots afterwards. The folder of a sharded sweep:
 *
 *   sweep.json                         what every shard needs: the sweep, each slot's config,
 *                                      seed and config hash, and the CSV files they read
 *   results/point-P-replicate-R.json   one per slot computed: its run as a one-run bundle (with
 *                                      its checksum; every value is checked again on collect),
 *                                      the slot, its config hash and seed, and who computed it
 *   slurm.json, job-J.sh, tasks/       Slurm submissions, their scripts, task logs and exit files
 *
 * Slot k (in the sweep's order: points, then seeds) belongs to shard (k mod N) + 1 of N, for any
 * N: a slot has the same file however the sweep is sharded, so shards of another N, a task
 * submitted again and a second collect all meet in the same place.
 */
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { withCsvDataset, type ExperimentConfig } from '../../kinds/registry'
import type { SweepConfig } from '../../kinds/sweep'
import { canonicalJson, type BundledDataset } from '../export/bundle'

export const SHARDS_FORMAT = 'backdoor-lab-sweep-shards'
export const RESULT_FORMAT = 'backdoor-lab-sweep-result'
export const MANIFEST_FILE = 'sweep.json'

/** Bad shard folders or files: the message names the file and what is wrong. */
export class ShardError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ShardError'
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex')

/**
 * The identity of a run's computation: its config (the seed included) and the content of the CSV
 * file it reads, if any. A data set's id is only this lab's name for the file, so it is left out:
 * the same run computed in another lab (where the file has another id) has the same hash.
 */
export function configHash(config: ExperimentConfig, dataSha256: string | null): string {
  return sha256(canonicalJson({ config: withCsvDataset(config, 0), data: dataSha256 }))
}

/** The identity of a sweep's content (its base config and sweep, as parsed). */
export function sweepKey(parsed: SweepConfig): string {
  return sha256(canonicalJson(parsed))
}

const slotSchema = z.object({
  point: z.number().int().nonnegative(),
  replicate: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  dataSha256: z.string().nullable(),
  configHash: z.string()
})

const manifestSchema = z.object({
  format: z.literal(SHARDS_FORMAT),
  version: z.literal(1),
  appVersion: z.string(),
  createdAt: z.string(),
  sweep: z.object({
    id: z.number().int().positive(),
    name: z.string(),
    kind: z.string(),
    createdAt: z.string()
  }),
  key: z.string(),
  /** The shards a submission splits the sweep into (a shard by hand may take another N). */
  shards: z.number().int().positive(),
  slots: z.array(slotSchema).min(1),
  datasets: z.array(z.object({ sha256: z.string(), name: z.string(), content: z.string() }))
})

export type ShardSlot = Omit<z.infer<typeof slotSchema>, 'config'> & { config: ExperimentConfig }
export type ShardManifest = Omit<z.infer<typeof manifestSchema>, 'slots' | 'datasets'> & {
  slots: ShardSlot[]
  datasets: BundledDataset[]
}

const resultSchema = z.object({
  format: z.literal(RESULT_FORMAT),
  version: z.literal(1),
  key: z.string(),
  point: z.number().int().nonnegative(),
  replicate: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  configHash: z.string(),
  /** The SHA-256 of the CSV file the run read, as the shard checked it. */
  dataSha256: z.string().nullable(),
  status: z.enum(['done', 'failed', 'cancelled']),
  error: z.string().nullable(),
  computedBy: z.object({
    shard: z.number().int().positive(),
    of: z.number().int().positive(),
    host: z.string(),
    slurmJobId: z.string().nullable(),
    slurmTaskId: z.number().int().nullable(),
    finishedAt: z.string()
  }),
  /** The run as a one-run bundle; null when it could not even start. */
  bundle: z.unknown()
})

export type ShardResult = z.infer<typeof resultSchema>

/** Where a database's sharded sweeps live by default: a folder beside it. */
export function shardsRoot(dbPath: string): string {
  return `${dbPath}.shards`
}

export function sweepFolder(root: string, sweepId: number): string {
  return join(root, `sweep-${sweepId}`)
}

/** Shard `shard` of `of` (1-based), from text such as "2/4". */
export function parseShardSpec(text: string): { shard: number; of: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const shard = match ? Number(match[1]) : NaN
  const of = match ? Number(match[2]) : NaN
  if (!match || of < 1 || shard < 1 || shard > of)
    throw new ShardError(
      `--shard must be i/N with 1 ≤ i ≤ N, such as 1/4 (got '${text}'): shard i of N`
    )
  return { shard, of }
}

/** The shard (1-based) of `of` that computes slot number `k`. */
export function shardOfSlot(k: number, of: number): number {
  return (k % of) + 1
}

/** The slots shard `shard` of `of` computes. */
export function slotsOfShard<S>(slots: S[], shard: number, of: number): S[] {
  return slots.filter((_, k) => shardOfSlot(k, of) === shard)
}

function readJson(file: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ShardError(`cannot read ${what} ${file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ShardError(`${what} ${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/** Writes `value` as JSON so that a reader never sees half of it: a new file, then a rename. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(value, null, 1) + '\n')
  try {
    renameSync(temporary, file)
  } catch (error) {
    rmSync(temporary, { force: true })
    throw error
  }
}

/** Creates a sweep's shard folder; refuses one that already holds a sweep. */
export function writeManifest(dir: string, manifest: ShardManifest): void {
  mkdirSync(join(dir, 'results'), { recursive: true })
  mkdirSync(join(dir, 'tasks'), { recursive: true })
  const results = readdirSync(join(dir, 'results')).filter((f) => f.endsWith('.json'))
  if (existsSync(join(dir, MANIFEST_FILE)) || results.length > 0)
    throw new ShardError(
      `the shard folder ${dir} already holds a sweep (an earlier database's?): move it away, or choose another folder with --shard-dir`
    )
  writeJsonAtomic(join(dir, MANIFEST_FILE), manifest)
}

/** A sweep's shard folder: its manifest, checked. */
export function readManifest(dir: string): ShardManifest {
  const file = join(dir, MANIFEST_FILE)
  const parsed = manifestSchema.safeParse(readJson(file, 'the shard manifest'))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ShardError(
      `${file} is not a sweep's shard manifest: ${issue.path.join('.') || '(file)'}: ${issue.message}`
    )
  }
  return parsed.data as ShardManifest
}

export function resultFile(dir: string, point: number, replicate: number): string {
  return join(dir, 'results', `point-${point}-replicate-${replicate}.json`)
}

export function writeResult(dir: string, result: ShardResult): void {
  const file = resultFile(dir, result.point, result.replicate)
  try {
    writeJsonAtomic(file, result)
  } catch (error) {
    throw new ShardError(`cannot write the result ${file}: ${(error as Error).message}`)
  }
}

/** One result file, checked as a result (its bundle is checked on collect). */
export function readResult(file: string): ShardResult {
  const parsed = resultSchema.safeParse(readJson(file, 'the result'))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ShardError(
      `${file} is not a sweep result: ${issue.path.join('.') || '(file)'}: ${issue.message}`
    )
  }
  return parsed.data
}

/** Every result file of the folder: each read, or why it cannot be. */
export function readResults(dir: string): { file: string; result?: ShardResult; error?: string }[] {
  let names: string[]
  try {
    names = readdirSync(join(dir, 'results'))
  } catch {
    return []
  }
  return names
    .filter((name) => /^point-\d+-replicate-\d+\.json$/.test(name))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => {
      const file = join(dir, 'results', name)
      try {
        return { file, result: readResult(file) }
      } catch (error) {
        return { file, error: (error as Error).message }
      }
    })
}

/** What a shard folder holds now: per slot, the status of its result file, if any. */
export function resultStatuses(dir: string): Map<string, ShardResult['status'] | 'unreadable'> {
  const statuses = new Map<string, ShardResult['status'] | 'unreadable'>()
  for (const { file, result } of readResults(dir)) {
    const match = /point-(\d+)-replicate-(\d+)\.json$/.exec(file)!
    statuses.set(`${match[1]}/${match[2]}`, result?.status ?? 'unreadable')
  }
  return statuses
}
