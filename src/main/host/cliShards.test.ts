/**
 * A sweep sharded by hand (`lab sweep --shards N`, `lab sweep-shard --shard i/N`,
 * `lab sweep-collect`), as a user with a few machines and a shared folder runs it: `npm run lab`
 * (the built CLI), real workers, real SQLite files and shard files. The Slurm path is in
 * cliSlurm.test.ts.
 */
import {
  readFileSync,
  writeFileSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  rmSync
} from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sweepChildren } from '../../shared/sweep'
import { parseSweepConfig } from '../../kinds/sweep'
import { collectShards, type CollectReport } from '../service/collect'
import { MANIFEST_FILE, resultFile } from '../service/shards'
import { RunStore } from '../store/store'
import { openLab } from './lab'
import { workerEntry } from './paths'
import { runShard } from './shardRun'
import { lab, slotRuns, smallSweep, sweepNumbers } from '../testing/shardedSweeps'

const dir = mkdtempSync(join(os.tmpdir(), 'lab-shards-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const configFile = join(dir, 'sweep.json')
writeFileSync(configFile, JSON.stringify(smallSweep))
const localDb = join(dir, 'local.db')

/** What the test edits in a result file. */
interface EditableResult {
  seed: number
  bundle: { runs: { metrics: { value: number | null }[] }[] }
}

interface Collected {
  sweepId: number
  added: {
    point: number
    replicate: number
    runId: number
    status: string
    replaced: number | null
  }[]
  skipped: { point: number; replicate: number; runId: number; reason: string }[]
  failed: unknown[]
  refused: { file: string; reason: string }[]
  missing: { point: number; replicate: number; shard: number }[]
  complete: boolean
}

function prepare(
  db: string,
  shards: number,
  config = configFile
): { sweepId: number; dir: string; shards: number } {
  const result = lab([
    'sweep',
    '--config',
    config,
    '--db',
    db,
    '--shards',
    String(shards),
    '--json'
  ])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout)
}

function shard(folder: string, spec: string) {
  const result = lab(['sweep-shard', '--dir', folder, '--shard', spec, '--jobs', '2'])
  expect(result.code, result.stdout + result.stderr).toBe(0)
  return result.stdout
}

/** Shard `shard` of `of`, computed in this process as `lab sweep-shard` computes it. */
async function shardHere(folder: string, shard: number, of: number) {
  const outcomes = await runShard({ dir: folder, shard, of, jobs: 2 })
  return outcomes.map((o) => o.status)
}

/** A collect in this process, as `lab sweep-collect` makes it. */
function collectHere(db: string, folder: string): CollectReport {
  const store = RunStore.open(db)
  try {
    return collectShards(store, folder)
  } finally {
    store.close()
  }
}

function collect(db: string, expectCode = 0): Collected {
  const result = lab(['sweep-collect', '--db', db, '--json'])
  expect(result.code, result.stderr).toBe(expectCode)
  const reports = JSON.parse(result.stdout) as Collected[]
  expect(reports).toHaveLength(1)
  return reports[0]
}

beforeAll(() => {
  const result = lab(['sweep', '--config', configFile, '--db', localDb, '--jobs', '2', '--json'])
  expect(result.code, result.stderr).toBe(0)
})

describe('a sweep sharded by hand', () => {
  it('gives the same runs as the sweep computed here, sharded otherwise than prepared; a second collect adds nothing', async () => {
    const db = join(dir, 'hand.db')
    const prepared = prepare(db, 2)
    expect(prepared.dir).toBe(join(`${db}.shards`, 'sweep-1'))
    // Nothing computes until a shard does: the sweep holds no run yet.
    expect(slotRuns(db, prepared.sweepId).size).toBe(0)
    // Three shards where two were prepared: slot k goes to shard (k mod 3) + 1. One by the
    // command, the others as it computes them.
    expect(shard(prepared.dir, '1/3').match(/: done in /g)).toHaveLength(2)
    expect(await shardHere(prepared.dir, 2, 3)).toEqual(['done'])
    expect(await shardHere(prepared.dir, 3, 3)).toEqual(['done'])
    expect(readdirSync(join(prepared.dir, 'results')).sort()).toEqual([
      'point-0-replicate-0.json',
      'point-0-replicate-1.json',
      'point-1-replicate-0.json',
      'point-1-replicate-1.json'
    ])

    const first = collect(db)
    expect(first.added.map((a) => a.status)).toEqual(['done', 'done', 'done', 'done'])
    expect(first.skipped).toEqual([])
    expect(first.missing).toEqual([])
    expect(first.complete).toBe(true)
    expect(sweepNumbers(db, prepared.sweepId)).toEqual(sweepNumbers(localDb, 1))
    // Each slot's seed derives from the sweep seed and the point (SCIENCE.md section 12).
    const slots = sweepChildren(
      parseSweepConfig(smallSweep).base,
      parseSweepConfig(smallSweep).sweep
    )
    const runs = slotRuns(db, prepared.sweepId)
    for (const slot of slots)
      expect(runs.get(`${slot.point}/${slot.replicate}`)?.seed).toBe(slot.seed)

    const ids = [...runs.values()].map((r) => r.id)
    const second = collect(db)
    expect(second.added).toEqual([])
    expect(second.skipped.map((s) => s.runId).sort()).toEqual([...ids].sort())
    expect([...slotRuns(db, prepared.sweepId).values()].map((r) => r.id)).toEqual(ids)
    // The sweep is done, as a resume sees it: nothing to compute again.
    const here = openLab({ dbPath: db, host: 'cli', worker: workerEntry(__dirname) })
    const resumed = here.service.sweeps.resume(prepared.sweepId)
    here.close()
    expect(resumed.status).toBe('done')
    expect(resumed.children.map((c) => c.id)).toEqual(ids)
  })

  it('refuses results that are not their slot’s run, names why, and computes them again', async () => {
    const db = join(dir, 'tampered.db')
    const prepared = prepare(db, 1)
    expect(await shardHere(prepared.dir, 1, 1)).toEqual(['done', 'done', 'done', 'done'])
    const file = (point: number, replicate: number) => resultFile(prepared.dir, point, replicate)
    const edit = (path: string, change: (result: EditableResult) => void) => {
      const result = JSON.parse(readFileSync(path, 'utf8'))
      change(result)
      writeFileSync(path, JSON.stringify(result))
    }
    // Another seed written over a result's own; a metric changed inside a bundle; a result
    // copied into another slot's file.
    edit(file(0, 0), (r) => (r.seed += 1))
    edit(file(0, 1), (r) => (r.bundle.runs[0].metrics[0].value = 0.123))
    copyFileSync(file(1, 0), file(1, 1))

    const first = collectHere(db, prepared.dir)
    const reasons = new Map(first.refused.map((r) => [r.file, r.reason]))
    expect(reasons.get(file(0, 0))).toMatch(/its run is not this slot's: seed/)
    expect(reasons.get(file(0, 1))).toMatch(/checksum does not match/)
    expect(reasons.get(file(1, 1))).toMatch(
      /result of point 1, replicate 0, in another slot's file/
    )
    expect(first.added.map((a) => [a.point, a.replicate])).toEqual([[1, 0]])
    expect(first.missing.map((m) => [m.point, m.replicate])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1]
    ])
    expect(first.complete).toBe(false)

    // The shard computes again exactly the slots whose result would not be collected.
    const again = await shardHere(prepared.dir, 1, 1)
    expect(again.sort()).toEqual(['done', 'done', 'done', 'skipped'])
    const second = collectHere(db, prepared.dir)
    expect(second.refused).toEqual([])
    expect(second.added).toHaveLength(3)
    expect(second.skipped).toHaveLength(1)
    expect(sweepNumbers(db, prepared.sweepId)).toEqual(sweepNumbers(localDb, 1))
  })

  it('stores a done result in place of a run that did not finish, and refuses another database', async () => {
    const db = join(dir, 'cancelled.db')
    const prepared = prepare(db, 1)
    await shardHere(prepared.dir, 1, 1)
    // Meanwhile the same sweep was started here and cancelled: its slots hold cancelled runs.
    const here = openLab({ dbPath: db, host: 'cli', worker: workerEntry(__dirname) })
    here.service.sweeps.resume(prepared.sweepId)
    const cancelled = here.service.sweeps.cancel(prepared.sweepId)
    here.close()
    expect(cancelled.children.map((c) => c.status)).toEqual(Array(4).fill('cancelled'))

    const report = collectHere(db, prepared.dir)
    expect(report.added.map((a) => a.replaced).sort()).toEqual(
      cancelled.children.map((c) => c.id).sort()
    )
    expect(sweepNumbers(db, prepared.sweepId)).toEqual(sweepNumbers(localDb, 1))

    // The folder belongs to this database's sweep 1, not to another database's sweep 1.
    const other = lab(['sweep-collect', '--db', localDb, '--dir', prepared.dir, '--json'])
    expect(other.code).toBe(2)
    expect(other.stderr).toMatch(/belong to another sweep than sweep 1 of this database/)
  })

  it('carries the CSV file a sweep reads once, in its folder, and stores the runs on this lab’s copy of it', async () => {
    const db = join(dir, 'csv.db')
    // Two files, so that the one the sweep reads is data set 2 here and data set 1 in a shard.
    const csv = (name: string, rows: number, label: (i: number) => string) => {
      const lines = Array.from(
        { length: rows },
        (_, i) => `${(i % 7) - 3},${(i % 5) * 0.5},${(i * 3) % 11},${label(i)}`
      )
      const file = join(dir, name)
      writeFileSync(file, ['u,v,w,label', ...lines].join('\n') + '\n')
      return file
    }
    const imported = (file: string) => {
      const result = lab(['import-csv', '--in', file, '--db', db, '--json'])
      expect(result.code, result.stderr).toBe(0)
      return JSON.parse(result.stdout) as { id: number; sha256: string }
    }
    imported(csv('first.csv', 30, (i) => (i % 2 ? 'a' : 'b')))
    const data = imported(csv('read.csv', 120, (i) => ['x', 'y', 'z'][i % 3]))
    expect(data.id).toBe(2)
    const config = join(dir, 'csv-sweep.json')
    writeFileSync(
      config,
      JSON.stringify({
        kind: 'universality',
        dataset: { kind: 'csv', datasetId: data.id, labelColumn: 'label' },
        n: 60,
        nTest: 30,
        m: 40,
        k: 2,
        theta: 2,
        lambda: 4,
        target: 0,
        probes: 2,
        randomHeads: 10,
        head: { epochs: 10 },
        sweep: { fields: [{ path: 'theta', values: [2, 3] }], seeds: 1, seed: 3 }
      })
    )
    const prepared = prepare(db, 1, config)
    const manifest = JSON.parse(readFileSync(join(prepared.dir, MANIFEST_FILE), 'utf8'))
    expect(manifest.datasets.map((d: { sha256: string }) => d.sha256)).toEqual([data.sha256])
    // The sweep's data set goes away here before the collect: the runs bring it back.
    const store = RunStore.open(db)
    expect(store.datasets.delete(data.id)).toBe(1)
    store.close()

    expect(await shardHere(prepared.dir, 1, 1)).toEqual(['done', 'done'])
    for (const file of [0, 1].map((point) => resultFile(prepared.dir, point, 0))) {
      const result = JSON.parse(readFileSync(file, 'utf8'))
      // The file is named by its SHA-256; its content is in the manifest only.
      expect(result.bundle.datasets).toEqual([{ sha256: data.sha256, name: 'read.csv' }])
      expect(result.bundle.runs[0].dataSha256).toBe(data.sha256)
    }

    const report = collectHere(db, prepared.dir)
    expect(report.refused).toEqual([])
    expect(report.added.map((a) => a.status)).toEqual(['done', 'done'])
    const after = RunStore.open(db)
    try {
      const copy = after.datasets.bySha(data.sha256)!
      expect(copy.id).toBe(3)
      expect(copy.content).toBe(manifest.datasets[0].content)
      for (const added of report.added) {
        const run = after.runs.get(added.runId)
        expect(run.config).toMatchObject({ dataset: { kind: 'csv', datasetId: copy.id } })
        expect(after.runs.dataSha(run.id)).toBe(data.sha256)
      }
    } finally {
      after.close()
    }
    expect(collectHere(db, prepared.dir).added).toEqual([])
  })
})
