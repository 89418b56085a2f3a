/**
 * Computing one shard of a sweep (see service/shards.ts) on the machine it runs on: its slots'
 * runs compute through the lab's service on a database of its own in a local temporary folder
 * (never on the shared filesystem), and each finished run is written to the shard folder as a
 * one-run bundle, as soon as it finishes. A slot whose done result is already there is skipped,
 * so a task submitted again computes only what it misses.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseExperimentConfig, withCsvDataset } from '../../kinds/registry'
import type { RunSummary } from '../../shared/results'
import { createBundle } from '../export/bundle'
import {
  configHash,
  readManifest,
  readResult,
  resultFile,
  RESULT_FORMAT,
  ShardError,
  slotsOfShard,
  writeResult,
  type ShardManifest,
  type ShardResult,
  type ShardSlot
} from '../service/shards'
import { checkResult, packBundle } from '../service/shardResult'
import { openLab } from './lab'
import { APP_VERSION, workerEntry } from './paths'

export interface ShardOutcome {
  slot: ShardSlot
  status: ShardResult['status'] | 'skipped'
  error: string | null
  seconds: number | null
}

export interface ShardRunOptions {
  dir: string
  shard: number
  of: number
  /** How many runs compute at once. */
  jobs: number
  /** Told as each slot is skipped or finishes. */
  onOutcome?: (outcome: ShardOutcome) => void
}

/** The shard's identity for its results: this machine, and the Slurm task it is, if any. */
function computedBy(shard: number, of: number): ShardResult['computedBy'] {
  const task = process.env.SLURM_ARRAY_TASK_ID
  return {
    shard,
    of,
    host: os.hostname(),
    slurmJobId: process.env.SLURM_ARRAY_JOB_ID ?? process.env.SLURM_JOB_ID ?? null,
    slurmTaskId: task && /^\d+$/.test(task) ? Number(task) : null,
    finishedAt: new Date().toISOString()
  }
}

/** Whether a slot's result is there, done, and would be collected (then the slot is skipped). */
function alreadyDone(dir: string, manifest: ShardManifest, slot: ShardSlot): boolean {
  try {
    const result = readResult(resultFile(dir, slot.point, slot.replicate))
    const identity = { ...slot, hash: slot.configHash }
    const checked = checkResult(result, manifest.key, identity, manifest.datasets)
    return result.status === 'done' && 'run' in checked && checked.run !== null
  } catch {
    return false
  }
}

/**
 * Computes the slots of shard `shard` of `of` that have no done result yet; resolves with each
 * slot's outcome. Throws ShardError when the folder is not a shard folder or a result cannot be
 * written (then the runs computing are stopped).
 */
export async function runShard(options: ShardRunOptions): Promise<ShardOutcome[]> {
  const { dir, shard, of } = options
  const manifest = readManifest(dir)
  const mine = slotsOfShard(manifest.slots, shard, of)
  const outcomes: ShardOutcome[] = []
  const tell = (outcome: ShardOutcome) => {
    outcomes.push(outcome)
    options.onOutcome?.(outcome)
  }
  const toRun = mine.filter((slot) => {
    if (!alreadyDone(dir, manifest, slot)) return true
    tell({ slot, status: 'skipped', error: null, seconds: null })
    return false
  })
  if (toRun.length === 0) return outcomes

  const local = mkdtempSync(join(os.tmpdir(), `lab-shard-${manifest.sweep.id}-${shard}-`))
  const lab = openLab({
    dbPath: join(local, 'shard.db'),
    host: 'cli',
    worker: workerEntry(__dirname),
    parallelRuns: options.jobs
  })
  const stop = () => {
    lab.close()
    rmSync(local, { recursive: true, force: true })
  }
  try {
    // The CSV files the sweep reads, under this database's ids, checked by their SHA-256.
    const localIds = new Map<string, number>()
    for (const dataset of manifest.datasets) {
      const summary = lab.service.importDataset(dataset.name, dataset.content)
      if (summary.sha256 !== dataset.sha256)
        throw new ShardError(
          `the CSV file ${JSON.stringify(dataset.name)} in ${dir} does not match its SHA-256: the shard folder was changed`
        )
      localIds.set(dataset.sha256, summary.id)
    }
    let writeFailure: Error | null = null
    const started: number[] = []
    const finished = toRun.map(async (slot) => {
      const startedAt = Date.now()
      let run: RunSummary
      const result: Omit<ShardResult, 'status' | 'error' | 'bundle' | 'computedBy'> = {
        format: RESULT_FORMAT,
        version: 1,
        key: manifest.key,
        point: slot.point,
        replicate: slot.replicate,
        seed: slot.seed,
        configHash: slot.configHash,
        dataSha256: slot.dataSha256
      }
      const write = (status: ShardResult['status'], error: string | null, bundle: unknown) => {
        try {
          writeResult(dir, { ...result, status, error, bundle, computedBy: computedBy(shard, of) })
        } catch (failure) {
          writeFailure ??= failure as Error
          return
        }
        tell({ slot, status, error, seconds: (Date.now() - startedAt) / 1000 })
      }
      try {
        const config = parseExperimentConfig(slot.config, { strict: false })
        if (configHash(config, slot.dataSha256) !== slot.configHash)
          throw new ShardError(
            `the config of point ${slot.point}, replicate ${slot.replicate} does not match its config hash: this lab reads it otherwise (is it another version of the lab?)`
          )
        const localId = slot.dataSha256 ? localIds.get(slot.dataSha256) : undefined
        const here = localId === undefined ? config : withCsvDataset(config, localId)
        run = lab.service.startRun(here, slot.name)
        started.push(run.id)
      } catch (error) {
        write('failed', error instanceof Error ? error.message : String(error), null)
        return
      }
      const done = await lab.service.waitForRun(run.id)
      if (writeFailure) return
      const status =
        done.status === 'done' ? 'done' : done.status === 'cancelled' ? 'cancelled' : 'failed'
      // A bundle as an export writes it, with the CSV file the run read (see shardResult.ts).
      const bundle = createBundle(lab.store.bundles.snapshot([run.id]), APP_VERSION, {
        data: (detail) => {
          const sha256 = lab.store.runs.dataSha(detail.id)
          const dataset = sha256 ? lab.store.datasets.bySha(sha256) : null
          return sha256
            ? {
                sha256,
                dataset: dataset && { sha256, name: dataset.name, content: dataset.content }
              }
            : null
        }
      })
      write(status, done.error, packBundle(bundle))
      // Stop at the first result that cannot be written: the others could not be either.
      if (writeFailure) for (const id of started) lab.service.cancelRun(id)
    })
    await Promise.all(finished)
    if (writeFailure) throw new ShardError((writeFailure as Error).message)
    return outcomes
  } finally {
    stop()
  }
}
