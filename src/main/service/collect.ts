/**
 * Collecting a sharded sweep: the runs its shards computed (see shards.ts) stored in its slots,
 * idempotently. Each result must be the run of its slot: the sweep's content, the slot's seed and
 * config hash (config and data) are checked against the database's own sweep, and its bundle's
 * checksum and every value as any bundle import checks them. A slot that holds a done run is
 * skipped, so collecting twice adds nothing, and results of a task submitted again only fill what
 * is missing; a run that failed, was cancelled or was interrupted gives way to a done result.
 */
import { parseExperimentConfig, type ExperimentConfig } from '../../kinds/registry'
import type { RunStatus } from '../../shared/results'
import { sweepChildren } from '../../shared/sweep'
import type { RunStore } from '../store/store'
import { SweepNotFoundError, type AdoptedRun, type SweepRun } from '../store/sweeps'
import { checkResult, type SlotIdentity } from './shardResult'
import {
  configHash,
  readManifest,
  readResults,
  resultFile,
  shardOfSlot,
  ShardError,
  sweepKey,
  type ShardResult
} from './shards'

export interface SlotRef {
  point: number
  replicate: number
}

export interface CollectReport {
  sweepId: number
  dir: string
  /** Slots filled with a run of the shards: an empty slot, or one whose run had not finished. */
  added: (SlotRef & { runId: number; status: RunStatus; replaced: number | null })[]
  /** Results whose slot already holds a run that stays (a done run, or one computing here). */
  skipped: (SlotRef & { runId: number; reason: string })[]
  /** Results of runs that failed or were cancelled: the error and the shard that computed it. */
  failed: (SlotRef & { error: string; shard: number; of: number; slurmTaskId: number | null })[]
  /** Files that are not a run of this sweep's slots, and why. */
  refused: { file: string; reason: string }[]
  /** Slots with no run in the sweep and no result yet, with the shard that computes them. */
  missing: (SlotRef & { shard: number })[]
  /** Whether every slot of the sweep now holds a done run. */
  complete: boolean
}

const UNFINISHED: RunStatus[] = ['queued', 'running']
const key = (point: number, replicate: number) => `${point}/${replicate}`

interface ExpectedSlot extends SlotIdentity {
  k: number
  config: ExperimentConfig
}

/**
 * Merges the finished shards in `dir` into the sweep they belong to; returns what it added,
 * skipped, found failed, refused and still misses. Throws ShardError when the folder is not a
 * shard folder of a sweep of this database.
 */
export function collectShards(
  store: RunStore,
  dir: string,
  onChanged: (sweepId: number) => void = () => {}
): CollectReport {
  const manifest = readManifest(dir)
  const id = manifest.sweep.id
  let record
  try {
    record = store.sweeps.get(id)
  } catch (error) {
    if (!(error instanceof SweepNotFoundError)) throw error
    throw new ShardError(
      `the shards in ${dir} belong to sweep ${id} ("${manifest.sweep.name}"), which this database does not have (was it deleted, or is this another database?)`
    )
  }
  if (sweepKey(record.parsed) !== manifest.key || record.createdAt !== manifest.sweep.createdAt)
    throw new ShardError(
      `the shards in ${dir} belong to another sweep than sweep ${id} of this database ("${manifest.sweep.name}", created ${manifest.sweep.createdAt}; this database's sweep ${id} is "${record.name}", created ${record.createdAt})`
    )
  // Every slot as this database's sweep defines it, with the data it reads as admitted.
  const expected: ExpectedSlot[] = sweepChildren(record.parsed.base, record.parsed.sweep).map(
    (child, k) => {
      const config = parseExperimentConfig(child.config, { strict: false })
      const dataSha256 = manifest.slots[k]?.dataSha256 ?? null
      return { ...child, k, config, dataSha256, hash: configHash(config, dataSha256) }
    }
  )
  const bySlot = new Map(expected.map((s) => [key(s.point, s.replicate), s]))
  const report: CollectReport = {
    sweepId: id,
    dir,
    added: [],
    skipped: [],
    failed: [],
    refused: [],
    missing: [],
    complete: false
  }
  const candidates: (AdoptedRun & { status: ShardResult['status'] })[] = []
  for (const { file, result, error } of readResults(dir)) {
    if (!result) {
      report.refused.push({ file, reason: error! })
      continue
    }
    if (file !== resultFile(dir, result.point, result.replicate)) {
      const reason = `it is the result of point ${result.point}, replicate ${result.replicate}, in another slot's file`
      report.refused.push({ file, reason })
      continue
    }
    const slot = bySlot.get(key(result.point, result.replicate))
    const checked = checkResult(result, manifest.key, slot, manifest.datasets)
    if ('problem' in checked) {
      report.refused.push({ file, reason: checked.problem })
      continue
    }
    if (result.status !== 'done') {
      const { shard, of, slurmTaskId } = result.computedBy
      report.failed.push({
        point: result.point,
        replicate: result.replicate,
        error: result.error ?? `the run was ${result.status}`,
        shard,
        of,
        slurmTaskId
      })
    }
    if (checked.run)
      candidates.push({
        point: result.point,
        replicate: result.replicate,
        run: checked.run,
        datasets: checked.datasets,
        status: result.status
      })
  }

  const adopted = store.sweeps.adopt(id, (present) => {
    const held = new Map(present.map((r) => [key(r.point, r.replicate), r]))
    const remove: SweepRun[] = []
    const add: AdoptedRun[] = []
    for (const candidate of candidates) {
      const there = held.get(key(candidate.point, candidate.replicate))
      const skip = (reason: string) =>
        report.skipped.push({
          point: candidate.point,
          replicate: candidate.replicate,
          runId: there!.id,
          reason
        })
      if (!there) add.push(candidate)
      else if (there.status === 'done') skip(`run ${there.id} of this slot is done`)
      else if (UNFINISHED.includes(there.status))
        skip(`run ${there.id} of this slot is ${there.status} in this lab`)
      else if (candidate.status !== 'done')
        skip(`run ${there.id} of this slot is ${there.status} already`)
      else {
        remove.push(there)
        add.push(candidate)
      }
    }
    report.added = []
    const replaced = new Map(remove.map((r) => [key(r.point, r.replicate), r.id]))
    return {
      remove,
      add: add.map((a) => {
        report.added.push({
          point: a.point,
          replicate: a.replicate,
          runId: 0,
          status: a.run.status,
          replaced: replaced.get(key(a.point, a.replicate)) ?? null
        })
        return a
      })
    }
  })
  adopted.forEach((run, i) => (report.added[i].runId = run.id))
  if (adopted.length > 0) onChanged(id)

  const now = new Map(
    store.sweeps
      .runsOf([id])
      .get(id)!
      .map((r) => [key(r.point, r.replicate), r])
  )
  const failedSlots = new Set(report.failed.map((f) => key(f.point, f.replicate)))
  for (const slot of expected) {
    const k = key(slot.point, slot.replicate)
    if (!now.has(k) && !failedSlots.has(k))
      report.missing.push({
        point: slot.point,
        replicate: slot.replicate,
        shard: shardOfSlot(slot.k, manifest.shards)
      })
  }
  report.complete = expected.every((s) => now.get(key(s.point, s.replicate))?.status === 'done')
  return report
}
