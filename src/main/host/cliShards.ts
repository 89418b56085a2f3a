/**
 * The commands of a sharded sweep (see service/shards.ts): `lab sweep-shard` computes one shard
 * on the machine it runs on (a Slurm task, or any machine that sees the shard folder),
 * `lab sweep-collect` merges the finished shards into the database, idempotently, and
 * `lab sweep-cancel` cancels a sweep's Slurm job.
 */
import { existsSync, readdirSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import {
  MANIFEST_FILE,
  parseShardSpec,
  ShardError,
  shardsRoot,
  sweepFolder
} from '../service/shards'
import { integer, openCliLab, UsageError } from './cliCommon'
import { collectFolder, printCollect, waitForTasks } from './shardReport'
import { runShard, type ShardOutcome } from './shardRun'
import { cancelJobs, readSubmissions } from './slurm'
import { databasePath } from './paths'
import { printJson, say } from './terminal'

function shardSpec(value: string) {
  try {
    return parseShardSpec(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

function outcomeLine(shard: string, outcome: ShardOutcome): string {
  const { slot, status, error, seconds } = outcome
  const what = `${shard}: ${slot.name}`
  if (status === 'skipped') return `${what}: done before, skipped`
  const time = seconds === null ? '' : ` in ${seconds.toFixed(1)} s`
  return `${what}: ${status}${time}${error ? `: ${error}` : ''}`
}

async function shardCommand(opts: {
  dir: string
  shard: { shard: number; of: number }
  jobs?: number
}): Promise<void> {
  const { shard, of } = opts.shard
  const fromSlurm = Number(process.env.SLURM_CPUS_PER_TASK)
  const jobs =
    opts.jobs ?? (Number.isInteger(fromSlurm) && fromSlurm > 0 ? fromSlurm : os.cpus().length)
  const label = `shard ${shard}/${of}`
  const dir = resolve(opts.dir)
  if (!existsSync(join(dir, MANIFEST_FILE)))
    throw new UsageError(
      `--dir ${opts.dir} is not a sweep's shard folder (it has no ${MANIFEST_FILE})`
    )
  const outcomes = await runShard({
    dir,
    shard,
    of,
    jobs,
    onOutcome: (outcome) => say(outcomeLine(label, outcome))
  })
  const count = (status: ShardOutcome['status']) =>
    outcomes.filter((o) => o.status === status).length
  const failed = count('failed') + count('cancelled')
  say(`${label}: ${count('done')} done, ${failed} failed, ${count('skipped')} done before`)
  process.exitCode = failed > 0 ? 1 : 0
}

/** The shard folders to collect: one named, or every sweep's beside the database. */
function shardFolders(db: string, opts: { sweep?: number; shardDir?: string; dir?: string }) {
  if (opts.dir) return [resolve(opts.dir)]
  const root = resolve(opts.shardDir ?? shardsRoot(db))
  if (opts.sweep !== undefined) return [sweepFolder(root, opts.sweep)]
  let names: string[] = []
  try {
    names = readdirSync(root)
  } catch {
    // No folder: no sharded sweeps.
  }
  const folders = names
    .filter((name) => /^sweep-\d+$/.test(name) && existsSync(join(root, name, MANIFEST_FILE)))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name) => join(root, name))
  if (folders.length === 0) throw new UsageError(`there are no sharded sweeps in ${root}`)
  return folders
}

async function collectCommand(opts: {
  db?: string
  sweep?: number
  shardDir?: string
  dir?: string
  wait?: boolean
  json?: boolean
}): Promise<void> {
  const db = databasePath(opts.db)
  const folders = shardFolders(db, opts)
  if (opts.wait)
    for (const dir of folders) if (readSubmissions(dir).length > 0) await waitForTasks(dir)
  const lab = openCliLab(db)
  try {
    const reports = folders.map((dir) => collectFolder(lab, dir))
    if (opts.json) printJson(reports)
    else reports.forEach(printCollect)
    const ok = reports.every((r) => r.complete && r.tasks.every((t) => t.state === 'done'))
    process.exitCode = ok ? 0 : 1
  } finally {
    lab.close()
  }
}

function cancelCommand(id: number, opts: { db?: string; shardDir?: string }): void {
  const db = databasePath(opts.db)
  const dir = sweepFolder(resolve(opts.shardDir ?? shardsRoot(db)), id)
  if (!existsSync(join(dir, MANIFEST_FILE)))
    throw new UsageError(`sweep ${id} has no shard folder at ${dir}`)
  if (readSubmissions(dir).length === 0)
    throw new UsageError(`sweep ${id} was not submitted to Slurm (its shards run by hand)`)
  const jobs = cancelJobs(dir)
  say(
    jobs.length === 0
      ? `sweep ${id}: no task of its Slurm jobs is pending or running`
      : `sweep ${id}: cancelled Slurm job ${jobs.join(', ')}; what finished stays in ${dir}: collect it with sweep-collect`
  )
}

/** Wraps an action so that a bad shard folder is the user's to fix (exit 2). */
function shardErrors<A extends unknown[]>(action: (...args: A) => Promise<void> | void) {
  return async (...args: A) => {
    try {
      await action(...args)
    } catch (error) {
      if (error instanceof ShardError) throw new UsageError(error.message)
      throw error
    }
  }
}

export function addShardCommands(program: Command): void {
  program
    .command('sweep-shard')
    .description(
      'compute shard i of N of a sharded sweep into its folder (what each Slurm task runs; by hand on a few machines that share the folder)'
    )
    .requiredOption(
      '--dir <folder>',
      "the sweep's shard folder (lab sweep --shards or --slurm prints it)"
    )
    .requiredOption(
      '--shard <i/N>',
      'which shard: i of N (slot k goes to shard (k mod N) + 1)',
      shardSpec
    )
    .option(
      '--jobs <n>',
      'how many runs compute at once (default: SLURM_CPUS_PER_TASK, else one per core)',
      integer('--jobs', 1, 64)
    )
    // A shard that cannot compute or write its runs fails (exit 1), naming the file.
    .action(shardCommand)

  program
    .command('sweep-collect')
    .description(
      'merge the finished shards of sharded sweeps into the database; a run already there is skipped, so collecting again is safe'
    )
    .option('--db <file>', 'SQLite database file')
    .option('--sweep <id>', 'only this sweep', integer('--sweep', 1))
    .option(
      '--shard-dir <folder>',
      'where the shard folders are (default: DB.shards beside the database)'
    )
    .option('--dir <folder>', "one sweep's shard folder")
    .option('--wait', 'wait for the Slurm tasks still pending or running first')
    .option(
      '--json',
      'print what was collected, skipped, failed, refused and is missing, and the Slurm tasks'
    )
    .action(shardErrors(collectCommand))

  program
    .command('sweep-cancel')
    .description(
      "cancel a sharded sweep's Slurm job (scancel); its finished runs can still be collected"
    )
    .argument('<id>', 'sweep id', integer('id', 1))
    .option('--db <file>', 'SQLite database file')
    .option(
      '--shard-dir <folder>',
      'where the shard folders are (default: DB.shards beside the database)'
    )
    .action(shardErrors(cancelCommand))
}
