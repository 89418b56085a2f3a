/**
 * `lab sweep --slurm` against a real Slurm: a one-node cluster of its own on this machine
 * (scripts/slurm-local.sh: Debian's slurm-wlm with munge, as root), started before these tests
 * and stopped after them. Where it cannot run (not root, no slurm-wlm) they skip and say why,
 * except on CI, where .ci/run installs slurm-wlm and a cluster that cannot start fails them.
 */
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  rmdirSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readResults, resultFile } from '../service/shards'
import {
  lab,
  labAsync,
  projectRoot,
  slotRuns,
  smallSweep,
  sweepNumbers
} from '../testing/shardedSweeps'

const script = join(projectRoot, 'scripts', 'slurm-local.sh')
const check = spawnSync('bash', [script, 'check'], { encoding: 'utf8' })
const cannot =
  check.status === 0
    ? null
    : check.stderr.trim() || `slurm-local.sh check exited with ${check.status}`
// On CI, .ci/run installs slurm-wlm: a cluster that cannot run there fails the tests.
const skip = cannot !== null && !process.env.CI
if (skip) console.warn(`The Slurm tests are skipped: ${cannot}`)

const dir = mkdtempSync(join(os.tmpdir(), 'lab-slurm-'))
// munged runs as the munge user, who must reach the cluster's folder inside this one.
chmodSync(dir, 0o755)
const cluster = join(dir, 'cluster')
const env = { SLURM_CONF: join(cluster, 'slurm.conf') }
const configFile = join(dir, 'sweep.json')
const localDb = join(dir, 'local.db')

function slurm(tool: string, ...args: string[]) {
  const result = spawnSync(tool, args, { encoding: 'utf8', env: { ...process.env, ...env } })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

/** Holds the cluster's jobs pending (its partition down) while `during` runs. */
async function partitionDown<T>(during: () => Promise<T> | T): Promise<T> {
  slurm('scontrol', 'update', 'PartitionName=debug', 'State=DOWN')
  try {
    return await during()
  } finally {
    slurm('scontrol', 'update', 'PartitionName=debug', 'State=UP')
  }
}

interface TaskJson {
  jobId: string
  task: number
  state: string
  slurmState: string | null
  exitCode: number | null
  log: string
  reason: string | null
}

interface CollectJson {
  sweepId: number
  added: { point: number; replicate: number; runId: number; status: string }[]
  skipped: { runId: number }[]
  missing: { point: number; replicate: number; shard: number }[]
  complete: boolean
  tasks: TaskJson[]
}

function submissions(folder: string): { jobId: string; tasks: number[]; command: string[] }[] {
  return JSON.parse(readFileSync(join(folder, 'slurm.json'), 'utf8'))
}

describe.skipIf(skip)(
  `lab sweep --slurm on a one-node Slurm cluster${cannot ? ` (${cannot})` : ''}`,
  () => {
    beforeAll(() => {
      mkdirSync(cluster)
      const started = spawnSync('bash', [script, 'start', cluster], { encoding: 'utf8' })
      expect(started.status, started.stderr).toBe(0)
      expect(slurm('sinfo', '-h', '-o', '%T').trim()).toBe('idle')
      writeFileSync(configFile, JSON.stringify(smallSweep))
      const local = lab(['sweep', '--config', configFile, '--db', localDb, '--jobs', '2', '--json'])
      expect(local.code, local.stderr).toBe(0)
    })

    afterAll(() => {
      spawnSync('bash', [script, 'stop', cluster], { encoding: 'utf8' })
      rmSync(dir, { recursive: true, force: true })
    })

    const db = join(dir, 'slurm.db')

    it('runs the sweep as an array job, one task per shard, with the same child runs as the sweep computed here', () => {
      const result = lab(
        ['sweep', '--config', configFile, '--db', db, '--slurm', '--shards', '3', '--json'],
        env
      )
      expect(result.code, result.stderr).toBe(0)
      const out = JSON.parse(result.stdout) as {
        sweep: { id: number; status: string }
        collect: CollectJson
      }
      expect(out.sweep.status).toBe('done')
      expect(out.collect.added).toHaveLength(4)
      expect(out.collect.tasks.map((t) => [t.task, t.state, t.exitCode, t.slurmState])).toEqual([
        [1, 'done', 0, 'COMPLETED'],
        [2, 'done', 0, 'COMPLETED'],
        [3, 'done', 0, 'COMPLETED']
      ])
      expect(sweepNumbers(db, out.sweep.id)).toEqual(sweepNumbers(localDb, 1))

      // Each run was computed by the Slurm task of its shard: slot k by task (k mod 3) + 1.
      const folder = join(`${db}.shards`, `sweep-${out.sweep.id}`)
      const [submission] = submissions(folder)
      expect(submission.command).toContain('--array=1-3')
      const computedBy = readResults(folder).map(({ result }) => [
        result!.point * 2 + result!.replicate,
        result!.computedBy.slurmJobId,
        result!.computedBy.slurmTaskId
      ])
      expect(computedBy.sort()).toEqual([
        [0, submission.jobId, 1],
        [1, submission.jobId, 2],
        [2, submission.jobId, 3],
        [3, submission.jobId, 1]
      ])
      for (const task of out.collect.tasks)
        expect(readFileSync(task.log, 'utf8')).toContain(`shard ${task.task}/3`)
    })

    it('adds nothing when collecting twice', () => {
      const ids = [...slotRuns(db, 1).values()].map((r) => r.id).sort()
      const result = lab(['sweep-collect', '--db', db, '--json'], env)
      expect(result.code, result.stderr).toBe(0)
      const [report] = JSON.parse(result.stdout) as CollectJson[]
      expect(report.added).toEqual([])
      expect(report.skipped.map((s) => s.runId).sort()).toEqual(ids)
      expect([...slotRuns(db, 1).values()].map((r) => r.id).sort()).toEqual(ids)
    })

    it('reports a shard that fails by its task id, and submits only that task again', async () => {
      const failDb = join(dir, 'fail.db')
      // Slot 1 (point 0, replicate 1) belongs to task 2: a folder where its result goes makes that
      // task fail for real, unable to write it. Laid while the tasks are held pending.
      const submitted = await partitionDown(() => {
        const result = lab(
          [
            'sweep',
            '--config',
            configFile,
            '--db',
            failDb,
            '--slurm',
            '--shards',
            '3',
            '--no-wait',
            '--json'
          ],
          env
        )
        expect(result.code, result.stderr).toBe(0)
        const out = JSON.parse(result.stdout) as { sweepId: number; dir: string; jobId: string }
        mkdirSync(resultFile(out.dir, 0, 1))
        return out
      })
      const waited = await labAsync(['sweep-collect', '--db', failDb, '--wait', '--json'], env)
      expect(waited.code, waited.stderr).toBe(1)
      const [report] = JSON.parse(waited.stdout) as CollectJson[]
      expect(report.tasks.map((t) => [t.task, t.state, t.exitCode])).toEqual([
        [1, 'done', 0],
        [2, 'failed', 1],
        [3, 'done', 0]
      ])
      const failed = report.tasks[1]
      expect(failed.jobId).toBe(submitted.jobId)
      expect(failed.reason).toContain(`cannot write the result ${resultFile(submitted.dir, 0, 1)}`)
      expect(waited.stderr).toMatch(/^sweep \d+ on Slurm: .*1 failed$/m)
      expect(report.added).toHaveLength(3)
      expect(report.missing).toEqual([{ point: 0, replicate: 1, shard: 2 }])

      rmdirSync(resultFile(submitted.dir, 0, 1))
      const again = await labAsync(
        ['sweep', '--resume', String(submitted.sweepId), '--slurm', '--db', failDb, '--json'],
        env
      )
      expect(again.code, again.stderr).toBe(0)
      const second = submissions(submitted.dir)[1]
      expect(second.tasks).toEqual([2])
      expect(second.command).toContain('--array=2')
      const out = JSON.parse(again.stdout) as { collect: CollectJson }
      expect(out.collect.added.map((a) => [a.point, a.replicate])).toEqual([[0, 1]])
      expect(out.collect.complete).toBe(true)
      expect(sweepNumbers(failDb, submitted.sweepId)).toEqual(sweepNumbers(localDb, 1))
    })

    it('cancels a sweep with scancel; its tasks are reported as cancelled', async () => {
      const cancelDb = join(dir, 'cancel.db')
      const submitted = await partitionDown(() => {
        const result = lab(
          [
            'sweep',
            '--config',
            configFile,
            '--db',
            cancelDb,
            '--slurm',
            '--shards',
            '2',
            '--no-wait',
            '--json'
          ],
          env
        )
        expect(result.code, result.stderr).toBe(0)
        const out = JSON.parse(result.stdout) as { sweepId: number; jobId: string }
        const cancel = lab(['sweep-cancel', String(out.sweepId), '--db', cancelDb], env)
        expect(cancel.code, cancel.stderr).toBe(0)
        expect(cancel.stdout).toContain(`cancelled Slurm job ${out.jobId}`)
        return out
      })
      expect(slurm('squeue', '-h', '-j', submitted.jobId).trim()).toBe('')
      const result = lab(['sweep-collect', '--db', cancelDb, '--json'], env)
      expect(result.code).toBe(1)
      const [report] = JSON.parse(result.stdout) as CollectJson[]
      expect(report.tasks.map((t) => [t.task, t.state, t.slurmState])).toEqual([
        [1, 'failed', 'CANCELLED'],
        [2, 'failed', 'CANCELLED']
      ])
      expect(report.missing).toHaveLength(4)
      expect(report.added).toEqual([])
    })

    it('stops the daemons it started, by their process ids', () => {
      const pids = ['slurmd.pid', 'slurmctld.pid', join('munge', 'run', 'munged.pid')].map((f) =>
        Number(readFileSync(join(cluster, f), 'utf8'))
      )
      for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(true)
      const stopped = spawnSync('bash', [script, 'stop', cluster], { encoding: 'utf8' })
      expect(stopped.status, stopped.stderr).toBe(0)
      for (const pid of pids) expect(existsSync(`/proc/${pid}`)).toBe(false)
    })
  }
)
