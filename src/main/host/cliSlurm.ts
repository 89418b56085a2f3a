/**
 * `lab sweep --slurm` and `lab sweep --shards N`: a sweep that outgrows this machine. The sweep is
 * checked and saved as `lab sweep` saves it, but its runs compute elsewhere, shard by shard, into
 * a folder of files (see service/shards.ts): submitted as one Slurm array job (one task per
 * shard), waited for with its progress read from the shards' files, and collected into the
 * database; or prepared for `lab sweep-shard` by hand on a few machines that share the folder.
 * `lab sweep --resume ID --slurm` submits again the tasks whose shards miss runs.
 */
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { parseSweepConfig } from '../../kinds/sweep'
import { ConfigError } from '../../shared/schema'
import { sweepRunCount } from '../../shared/sweep'
import {
  configHash,
  readManifest,
  SHARDS_FORMAT,
  ShardError,
  shardOfSlot,
  shardsRoot,
  sweepFolder,
  sweepKey,
  writeManifest,
  type ShardManifest
} from '../service/shards'
import { integer, openCliLab, readConfig, UsageError } from './cliCommon'
import { collectFolder, printCollect, waitForTasks } from './shardReport'
import { keyAggregates, printSweep, sweepReport } from './cliSweep'
import { APP_VERSION, databasePath } from './paths'
import {
  cancelJobs,
  jobScript,
  slurmAvailable,
  submit,
  taskReports,
  type SlurmOptions
} from './slurm'
import { printJson, say } from './terminal'

export interface ShardedSweepOptions {
  config?: string
  resume?: number
  db?: string
  name?: string
  jobs?: number
  json?: boolean
  slurm?: boolean
  shards?: number
  shardDir?: string
  partition?: string
  time?: string
  cpusPerTask?: number
  wait: boolean
}

/** The shards of a sweep unless --shards says: one per run, at most 16. */
const DEFAULT_SHARDS = 16
function slurmWord(name: string, pattern: RegExp, example: string) {
  return (value: string) => {
    if (!pattern.test(value))
      throw new InvalidArgumentError(`${name} must look like ${example} (got '${value}')`)
    return value
  }
}

/** The options `lab sweep` takes for shards and Slurm. */
export function addShardedSweepOptions(command: Command): Command {
  return command
    .option(
      '--slurm',
      'compute the runs as a Slurm array job, one task per shard, and collect them'
    )
    .option(
      '--shards <n>',
      `split the runs into N shards (default with --slurm: one per run, at most ${DEFAULT_SHARDS}); without --slurm, prepare them for sweep-shard by hand`,
      integer('--shards', 1, 500)
    )
    .option(
      '--shard-dir <folder>',
      'where shard folders go (default: DB.shards beside the database; on the shared filesystem)'
    )
    .option(
      '--partition <name>',
      'Slurm partition',
      slurmWord('--partition', /^[\w.,-]+$/, 'cpu or short,long')
    )
    .option(
      '--time <limit>',
      "each task's Slurm time limit",
      slurmWord('--time', /^(\d+-)?\d+(:\d+){0,2}$/, '30, 2:00:00 or 1-12:00:00')
    )
    .option(
      '--cpus-per-task <n>',
      'CPUs of each Slurm task: its runs compute that many at once (default 1)',
      integer('--cpus-per-task', 1, 256)
    )
    .option('--no-wait', 'submit and return at once; collect later with sweep-collect')
}

function shardOptions(opts: ShardedSweepOptions): SlurmOptions {
  return { partition: opts.partition, time: opts.time, cpusPerTask: opts.cpusPerTask ?? 1 }
}

/** Checks and saves the sweep with no runs, and writes its shard folder. */
function prepare(opts: ShardedSweepOptions, db: string, root: string) {
  const config = readConfig(opts.config!)
  let runs: number
  try {
    runs = sweepRunCount(parseSweepConfig(config).sweep)
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${opts.config}: ${error.message}`)
    throw error
  }
  if (opts.shards !== undefined && opts.shards > runs)
    throw new UsageError(`--shards ${opts.shards} is more than the sweep's ${runs} runs`)
  const shards = opts.shards ?? Math.min(runs, DEFAULT_SHARDS)
  const lab = openCliLab(db)
  try {
    let created
    try {
      created = lab.service.sweeps.createElsewhere(config, opts.name)
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`${opts.config}: ${error.message}`)
      throw error
    }
    const { sweep, runs: slots } = created
    const shas = [...new Set(slots.map((s) => s.dataSha256).filter((s): s is string => !!s))]
    const manifest: ShardManifest = {
      format: SHARDS_FORMAT,
      version: 1,
      appVersion: APP_VERSION,
      createdAt: new Date().toISOString(),
      sweep: { id: sweep.id, name: sweep.name, kind: sweep.kind, createdAt: sweep.createdAt },
      key: sweepKey({ base: sweep.base, sweep: sweep.sweep }),
      shards,
      slots: slots.map((s) => ({
        point: s.point,
        replicate: s.replicate,
        seed: s.config.seed,
        name: s.name,
        config: s.config,
        dataSha256: s.dataSha256 ?? null,
        configHash: configHash(s.config, s.dataSha256 ?? null)
      })),
      datasets: shas.map((sha) => {
        const dataset = lab.store.datasets.bySha(sha)!
        return { sha256: sha, name: dataset.name, content: dataset.content }
      })
    }
    const dir = sweepFolder(root, sweep.id)
    try {
      writeManifest(dir, manifest)
    } catch (error) {
      lab.service.sweeps.delete(sweep.id)
      throw new UsageError((error as Error).message)
    }
    return { sweep, manifest, dir, shards }
  } finally {
    lab.close()
  }
}

/** Collects the folder and prints the sweep as `lab sweep` does, with what was collected. */
async function finish(db: string, dir: string, sweepId: number, json?: boolean): Promise<boolean> {
  const lab = openCliLab(db)
  try {
    const report = collectFolder(lab, dir)
    const detail = await lab.service.dispatch('getSweep', { id: sweepId })
    const aggregates = keyAggregates(lab.service, detail)
    if (json) printJson({ ...sweepReport(detail, aggregates), collect: report })
    else {
      printSweep(detail, aggregates)
      printCollect(report)
    }
    return report.complete && report.tasks.every((t) => t.state === 'done')
  } finally {
    lab.close()
  }
}

/** Waits for the folder's Slurm tasks (Ctrl+C cancels them), then collects. */
async function waitAndFinish(db: string, dir: string, sweepId: number, json?: boolean) {
  let cancelled = false
  const stop = () => {
    cancelled = true
    const jobs = cancelJobs(dir)
    console.error(`\ncancelled Slurm job ${jobs.join(', ')}; collecting what finished`)
  }
  process.once('SIGINT', stop)
  try {
    await waitForTasks(dir)
  } finally {
    process.removeListener('SIGINT', stop)
  }
  const complete = await finish(db, dir, sweepId, json)
  process.exitCode = cancelled ? 130 : complete ? 0 : 1
}

/** The shard numbers whose slots do not all hold a done run in the database. */
function shardsMissingRuns(db: string, manifest: ShardManifest): number[] {
  const lab = openCliLab(db)
  try {
    const runs = lab.store.sweeps.runsOf([manifest.sweep.id]).get(manifest.sweep.id)!
    const done = new Set(
      runs.filter((r) => r.status === 'done').map((r) => `${r.point}/${r.replicate}`)
    )
    const shards = new Set<number>()
    manifest.slots.forEach((slot, k) => {
      if (!done.has(`${slot.point}/${slot.replicate}`)) shards.add(shardOfSlot(k, manifest.shards))
    })
    return [...shards].sort((a, b) => a - b)
  } finally {
    lab.close()
  }
}

/** `lab sweep --resume ID --slurm`: collect, then submit the tasks of the shards that miss runs. */
async function resubmit(opts: ShardedSweepOptions, db: string, root: string): Promise<void> {
  const id = opts.resume!
  const dir = sweepFolder(root, id)
  const manifest = readManifest(dir)
  const busy = taskReports(dir).filter((t) => t.state === 'pending' || t.state === 'running')
  if (busy.length > 0)
    throw new UsageError(
      `sweep ${id} still has Slurm tasks pending or running (${busy.map((t) => `${t.jobId}_${t.task}`).join(', ')}): wait for them (sweep-collect --wait) or cancel them (sweep-cancel ${id})`
    )
  const lab = openCliLab(db)
  try {
    collectFolder(lab, dir)
  } finally {
    lab.close()
  }
  const tasks = shardsMissingRuns(db, manifest)
  if (tasks.length === 0) {
    say(`sweep ${id}: every run is done; nothing to submit`)
    process.exitCode = (await finish(db, dir, id, opts.json)) ? 0 : 1
    return
  }
  const script = jobScript({
    dir,
    shards: manifest.shards,
    sweepId: id,
    sweepName: manifest.sweep.name,
    db
  })
  const submission = submit(dir, script, tasks, manifest.shards, shardOptions(opts))
  console.error(
    `sweep ${id}: submitted Slurm job ${submission.jobId} again for the ${tasks.length === 1 ? 'task' : 'tasks'} whose shards miss runs: ${tasks.join(', ')} of ${manifest.shards}`
  )
  if (!opts.wait) {
    if (opts.json)
      printJson({ sweepId: id, dir, jobId: submission.jobId, tasks, shards: manifest.shards })
    return
  }
  await waitAndFinish(db, dir, id, opts.json)
}

/** `lab sweep --slurm` and `lab sweep --shards N`. */
export async function runShardedSweep(opts: ShardedSweepOptions): Promise<void> {
  if (opts.jobs !== undefined)
    throw new UsageError(
      '--jobs is for runs computed here; a Slurm task computes --cpus-per-task runs at once'
    )
  if (!opts.slurm && (opts.partition || opts.time || opts.cpusPerTask || !opts.wait))
    throw new UsageError('--partition, --time, --cpus-per-task and --no-wait go with --slurm')
  if (opts.slurm && !slurmAvailable())
    throw new UsageError(
      'sbatch is not found: run this on a machine of a Slurm cluster, or shard by hand with --shards N'
    )
  const db = databasePath(opts.db)
  const root = resolve(opts.shardDir ?? shardsRoot(db))
  try {
    if (opts.resume !== undefined) {
      if (!opts.slurm)
        throw new UsageError(
          `--resume with --shards: run sweep-shard again for the shards that miss runs (sweep-collect names them), or lab sweep --resume ${opts.resume} to compute them here`
        )
      return await resubmit(opts, db, root)
    }
    const { sweep, dir, shards } = prepare(opts, db, root)
    if (!opts.slurm) {
      const commands = Array.from(
        { length: shards },
        (_, i) => `npm run lab -- sweep-shard --dir ${dir} --shard ${i + 1}/${shards}`
      )
      if (opts.json) printJson({ sweepId: sweep.id, dir, shards, commands })
      else {
        say(`sweep ${sweep.id}: ${sweep.total} runs in ${shards} shards, in ${dir}`)
        say('compute each shard on a machine that sees that folder, from the project folder:')
        for (const command of commands) say(`  ${command}`)
        say(`then collect them: npm run lab -- sweep-collect --db ${db}`)
      }
      return
    }
    const tasks = Array.from({ length: shards }, (_, i) => i + 1)
    const script = jobScript({ dir, shards, sweepId: sweep.id, sweepName: sweep.name, db })
    let jobId: string
    try {
      jobId = submit(dir, script, tasks, shards, shardOptions(opts)).jobId
    } catch (error) {
      // Nothing ran: the sweep this command saved goes, so that a corrected command starts clean.
      const lab = openCliLab(db)
      try {
        lab.service.sweeps.delete(sweep.id)
      } finally {
        lab.close()
      }
      rmSync(dir, { recursive: true, force: true })
      throw error
    }
    console.error(
      `sweep ${sweep.id}: submitted Slurm job ${jobId}, ${shards} ${shards === 1 ? 'task' : 'tasks'} (one per shard); shard folder ${dir}`
    )
    if (!opts.wait) {
      if (opts.json) printJson({ sweepId: sweep.id, dir, jobId, tasks, shards })
      else
        say(
          `collect it when it has finished: npm run lab -- sweep-collect --db ${db} --sweep ${sweep.id} [--wait]`
        )
      return
    }
    await waitAndFinish(db, dir, sweep.id, opts.json)
  } catch (error) {
    if (error instanceof ShardError) throw new UsageError(error.message)
    throw error
  }
}
