/**
 * A sharded sweep as a Slurm array job: the job script (task i computes shard i of N with
 * `npm run lab -- sweep-shard` from the project folder, its output in a log of its own, its exit
 * code in a file of its own), its submission with sbatch, its tasks' states from squeue, scontrol
 * and the exit files, and scancel. No scheduler of the lab's own: Slurm schedules.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { ShardError, writeJsonAtomic } from '../service/shards'
import { projectDir } from './paths'

export interface SlurmOptions {
  partition?: string
  /** sbatch's --time: minutes, MM:SS, HH:MM:SS or D-HH:MM:SS. */
  time?: string
  cpusPerTask: number
}

const submissionSchema = z.object({
  jobId: z.string(),
  script: z.string(),
  tasks: z.array(z.number().int().positive()),
  shards: z.number().int().positive(),
  submittedAt: z.string(),
  command: z.array(z.string())
})
export type Submission = z.infer<typeof submissionSchema>
const SUBMISSIONS_FILE = 'slurm.json'

/** The project folder the lab runs from (the job runs `npm run lab` there). */
export function labProject(): string {
  const dir = projectDir(__dirname)
  if (!dir)
    throw new ShardError(
      "a Slurm job runs the lab from its project folder (npm run lab), which this lab's files are not in"
    )
  return dir
}

/**
 * Builds the CLI in the project folder if a source is newer than it (as `npm run lab` does at
 * start), before the job is submitted: its tasks then find it up to date, and never build it at
 * once on several nodes of a shared filesystem.
 */
export function buildCli(project: string): void {
  const result = spawnSync(process.execPath, [join(project, 'scripts', 'build-main.mjs')], {
    cwd: project,
    encoding: 'utf8'
  })
  if (result.error || result.status !== 0)
    throw new ShardError(
      `could not build the CLI the Slurm tasks run: ${result.error?.message ?? result.stderr.trim()}`
    )
}

/** "1-3,5,7-8" for [1, 2, 3, 5, 7, 8]: sbatch's --array. */
export function arraySpec(tasks: number[]): string {
  const sorted = [...new Set(tasks)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(',')
}

/** A word for the shell, quoted so that nothing in it is read as syntax. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

export function logFile(dir: string, jobId: string, task: number): string {
  return join(dir, 'tasks', `job-${jobId}-task-${task}.log`)
}

export function exitFile(dir: string, jobId: string, task: number): string {
  return join(dir, 'tasks', `job-${jobId}-task-${task}.exit`)
}

/**
 * The batch script of a sharded sweep: run on each node from the project folder with this Node
 * on PATH; task i computes shard i of `shards` with `npm run lab` (the built CLI, built again
 * first if a source is newer) and writes its exit code (also when Slurm stops it) to
 * tasks/job-J-task-i.exit.
 */
export function jobScript(options: {
  dir: string
  shards: number
  sweepId: number
  sweepName: string
  db: string
  /** The project folder (default: this lab's). */
  project?: string
}): string {
  const q = shellWord
  const { dir, shards } = options
  const project = options.project ?? labProject()
  const nodeDir = dirname(process.execPath)
  return `#!/bin/bash
# Sweep ${options.sweepId} (${options.sweepName.replace(/[\r\n]/g, ' ')}) of Backdoor Lab as a Slurm
# array job: task i computes shard i of ${shards} into ${dir}/results.
# When its tasks have finished: npm run lab -- sweep-collect --db ${options.db}
task=$SLURM_ARRAY_TASK_ID
exit_file=${q(join(dir, 'tasks'))}/job-$SLURM_ARRAY_JOB_ID-task-$task.exit
finish() {
  printf '{"task":%s,"exitCode":%s,"host":"%s","finishedAt":"%s"}\\n' \\
    "$task" "$1" "$(hostname)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$exit_file.tmp" &&
    mv "$exit_file.tmp" "$exit_file"
  exit "$1"
}
trap 'finish 143' TERM
export PATH=${q(nodeDir)}:$PATH
cd ${q(project)} || finish 1
echo "task $task of job $SLURM_ARRAY_JOB_ID on $(hostname): shard $task/${shards}"
npm run -s lab -- sweep-shard --dir ${q(dir)} --shard "$task/${shards}" --jobs "\${SLURM_CPUS_PER_TASK:-1}" &
wait $!
finish $?
`
}

function slurmTool(tool: string, args: string[]) {
  const result = spawnSync(tool, args, { encoding: 'utf8' })
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new ShardError(
      missing
        ? `${tool} is not found: run this on a machine of a Slurm cluster (a login node), or shard by hand with --shards N`
        : `${tool} failed: ${result.error.message}`
    )
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() }
}

/** Whether sbatch can be run here. */
export function slurmAvailable(): boolean {
  return !spawnSync('sbatch', ['--version'], { encoding: 'utf8' }).error
}

export function readSubmissions(dir: string): Submission[] {
  const file = join(dir, SUBMISSIONS_FILE)
  if (!existsSync(file)) return []
  const parsed = z.array(submissionSchema).safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw new ShardError(`${file} is not a list of Slurm submissions`)
  return parsed.data
}

/**
 * Writes the job script and submits tasks `tasks` of it (shard i of `shards` for each i); records
 * the submission in slurm.json. Throws ShardError with sbatch's own words when it refuses.
 */
export function submit(
  dir: string,
  script: string,
  tasks: number[],
  shards: number,
  options: SlurmOptions
): Submission {
  const previous = readSubmissions(dir)
  buildCli(labProject())
  const scriptFile = join(dir, `job-${previous.length + 1}.sh`)
  writeFileSync(scriptFile, script, { mode: 0o755 })
  const command = [
    '--parsable',
    `--job-name=lab-sweep`,
    `--array=${arraySpec(tasks)}`,
    `--cpus-per-task=${options.cpusPerTask}`,
    `--output=${join(dir, 'tasks', 'job-%A-task-%a.log')}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    scriptFile
  ]
  const result = slurmTool('sbatch', command)
  const jobId = result.stdout.trim().split(';')[0]
  if (result.code !== 0 || !/^\d+$/.test(jobId))
    throw new ShardError(`sbatch refused the job: ${result.stderr || result.stdout.trim()}`)
  const submission: Submission = {
    jobId,
    script: scriptFile,
    tasks: [...tasks].sort((a, b) => a - b),
    shards,
    submittedAt: new Date().toISOString(),
    command: ['sbatch', ...command]
  }
  writeJsonAtomic(join(dir, SUBMISSIONS_FILE), [...previous, submission])
  return submission
}

/** The tasks of a job still pending or running, with Slurm's state. */
export function activeTasks(jobId: string): Map<number, string> {
  const result = slurmTool('squeue', ['-h', '-r', '-j', jobId, '-o', '%K %T'])
  const tasks = new Map<number, string>()
  // A job Slurm no longer knows has no task active ("Invalid job id specified").
  if (result.code !== 0) return tasks
  for (const line of result.stdout.split('\n')) {
    const [task, state] = line.trim().split(/\s+/)
    if (/^\d+$/.test(task ?? '')) tasks.set(Number(task), state)
  }
  return tasks
}

/** The task ids of Slurm's --array text: "1-3,5" (a "%N" limit after them is not one). */
export function taskIds(text: string): number[] {
  const ids: number[] = []
  for (const part of text.split('%')[0].split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!range) continue
    const from = Number(range[1])
    const to = Number(range[2] ?? range[1])
    for (let id = from; id <= to && ids.length < 100_000; id++) ids.push(id)
  }
  return ids
}

/** Slurm's final state and exit code of a job's finished tasks, while it still knows them. */
function finishedTasks(jobId: string): Map<number, { state: string; exitCode: number | null }> {
  const result = slurmTool('scontrol', ['-o', 'show', 'job', jobId])
  const tasks = new Map<number, { state: string; exitCode: number | null }>()
  if (result.code !== 0) return tasks
  for (const line of result.stdout.split('\n')) {
    const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1]
    const state = field('JobState')
    if (!state) continue
    const code = field('ExitCode')?.split(':')[0]
    // One record per task once it ran; tasks that never ran share one ("1-3,5%2").
    for (const task of taskIds(field('ArrayTaskId') ?? ''))
      tasks.set(task, { state, exitCode: code && /^\d+$/.test(code) ? Number(code) : null })
  }
  return tasks
}

export interface TaskReport {
  jobId: string
  /** The array task id: the shard it computes. */
  task: number
  state: 'pending' | 'running' | 'done' | 'failed'
  /** Slurm's word for it (PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT...), when Slurm says. */
  slurmState: string | null
  exitCode: number | null
  log: string
  /** Why it failed, in short: Slurm's state, or the log's last line. */
  reason: string | null
}

function lastLine(file: string): string | null {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    return lines.at(-1)?.trim() || null
  } catch {
    return null
  }
}

/** Every task of the folder's submissions, each as its latest submission left it. */
export function taskReports(dir: string): TaskReport[] {
  const latest = new Map<number, Submission>()
  for (const submission of readSubmissions(dir))
    for (const task of submission.tasks) latest.set(task, submission)
  const jobs = new Set([...latest.values()].map((s) => s.jobId))
  const active = new Map([...jobs].map((job) => [job, activeTasks(job)]))
  const finished = new Map<string, ReturnType<typeof finishedTasks>>()
  return [...latest.entries()]
    .sort(([a], [b]) => a - b)
    .map(([task, { jobId }]) => {
      const log = logFile(dir, jobId, task)
      const base = { jobId, task, log, exitCode: null, reason: null }
      const now = active.get(jobId)!.get(task)
      if (now) return { ...base, state: now === 'PENDING' ? 'pending' : 'running', slurmState: now }
      if (!finished.has(jobId)) finished.set(jobId, finishedTasks(jobId))
      const slurm = finished.get(jobId)!.get(task)
      let exitCode: number | null = null
      try {
        exitCode = Number(JSON.parse(readFileSync(exitFile(dir, jobId, task), 'utf8')).exitCode)
      } catch {
        exitCode = slurm?.exitCode ?? null
      }
      const ok = exitCode === 0 && (!slurm || slurm.state === 'COMPLETED')
      const reason = ok
        ? null
        : exitCode === null
          ? `it ended without an exit code${slurm ? ` (${slurm.state})` : ''}: stopped, timed out or its node failed`
          : `exit code ${exitCode}${slurm && slurm.state !== 'FAILED' ? ` (${slurm.state})` : ''}${lastLine(log) ? `: ${lastLine(log)}` : ''}`
      return {
        ...base,
        state: ok ? 'done' : 'failed',
        slurmState: slurm?.state ?? null,
        exitCode,
        reason
      }
    })
}

/** Cancels the tasks still pending or running of the folder's submissions; returns the jobs. */
export function cancelJobs(dir: string): string[] {
  const jobs = [...new Set(readSubmissions(dir).map((s) => s.jobId))].filter(
    (job) => activeTasks(job).size > 0
  )
  if (jobs.length === 0) return []
  const result = slurmTool('scancel', jobs)
  if (result.code !== 0) throw new ShardError(`scancel refused: ${result.stderr}`)
  return jobs
}
