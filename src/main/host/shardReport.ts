/**
 * What the CLI shows of a sharded sweep: its progress while its Slurm tasks compute (read from
 * the shards' files and squeue), and what a collect added, skipped, found failed and misses,
 * with the Slurm tasks that failed named by their array task id.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { collectShards, type CollectReport } from '../service/collect'
import { readManifest, resultStatuses, type ShardManifest } from '../service/shards'
import type { openCliLab } from './cliCommon'
import { readSubmissions, taskReports, type TaskReport } from './slurm'
import { printable, say } from './terminal'

/** How often the files and squeue are read while waiting. */
const POLL_MS = 2000

/** "sweep 3 on Slurm: 5/8 runs computed, 1 failed; tasks: 1 running, 1 pending, 2 done, 0 failed" */
function progressLine(manifest: ShardManifest, dir: string, tasks: TaskReport[]): string {
  const results = [...resultStatuses(dir).values()]
  const done = results.filter((s) => s === 'done').length
  const failed = results.filter((s) => s === 'failed' || s === 'cancelled').length
  const count = (state: TaskReport['state']) => tasks.filter((t) => t.state === state).length
  return `sweep ${manifest.sweep.id} on Slurm: ${done}/${manifest.slots.length} runs computed, ${failed} failed; tasks: ${count('running')} running, ${count('pending')} pending, ${count('done')} done, ${count('failed')} failed`
}

/**
 * Waits until no task of the folder's Slurm jobs is pending or running, with one progress line
 * (read from the shards' files and squeue) per change; resolves with the tasks' last states.
 */
export async function waitForTasks(dir: string): Promise<TaskReport[]> {
  const manifest = readManifest(dir)
  const tty = process.stderr.isTTY
  let last = ''
  for (;;) {
    const tasks = taskReports(dir)
    const line = progressLine(manifest, dir, tasks)
    if (line !== last) process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
    last = line
    if (!tasks.some((t) => t.state === 'pending' || t.state === 'running')) {
      if (tty) process.stderr.write('\n')
      return tasks
    }
    await sleep(POLL_MS)
  }
}

export type CollectOutput = CollectReport & { tasks: TaskReport[] }

/** What a collect added, skipped and misses, and the Slurm tasks that failed, by task id. */
export function printCollect(report: CollectOutput): void {
  const { added, skipped, failed, refused, missing } = report
  const done = added.filter((a) => a.status === 'done').length
  say(
    `sweep ${report.sweepId}: collected ${added.length} ${added.length === 1 ? 'run' : 'runs'} (${done} done), skipped ${skipped.length} already there, ${failed.length} failed, ${refused.length} refused, ${missing.length} missing${report.complete ? '; complete' : ''}`
  )
  for (const f of failed)
    console.error(
      printable(
        `  point ${f.point}, replicate ${f.replicate} failed in shard ${f.shard}/${f.of}${f.slurmTaskId === null ? '' : ` (Slurm task ${f.slurmTaskId})`}: ${f.error}`
      )
    )
  for (const r of refused) console.error(printable(`  refused ${r.file}: ${r.reason}`))
  const byShard = new Map<number, number>()
  for (const m of missing) byShard.set(m.shard, (byShard.get(m.shard) ?? 0) + 1)
  for (const [shard, n] of byShard)
    say(`  shard ${shard}: ${n} ${n === 1 ? 'run' : 'runs'} missing`)
  for (const task of report.tasks.filter((t) => t.state === 'failed'))
    console.error(
      printable(
        `  Slurm task ${task.task} of job ${task.jobId} failed: ${task.reason}; log: ${task.log}`
      )
    )
}

/** Collects one shard folder into the open database, with its Slurm tasks' states. */
export function collectFolder(lab: ReturnType<typeof openCliLab>, dir: string): CollectOutput {
  const report = collectShards(lab.store, dir, (id) => lab.service.sweeps.changed([id]))
  const tasks = readSubmissions(dir).length > 0 ? taskReports(dir) : []
  return { ...report, tasks }
}
