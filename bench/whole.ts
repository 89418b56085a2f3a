/**
 * `npm run bench:whole [-- --pairs N]`: every default experiment as a whole process, the lab's CLI
 * (`node scripts/lab.mjs run`, what `npm run lab` runs, with a fresh database) against a numpy
 * float64 script of the same config (bench/numpy), run alternately after a warm-up; then the
 * pool's speed-up on a sweep, memory over 20 runs in one host, and, in a running headless host,
 * the latency of a cheap API call while runs compute, the time from "Run" to "done" and the
 * error of the ETA. On every backend that loads here (wasm; tensorflow where tfjs-node loads).
 * `--only process,pool,host` runs some of the sections; BENCH_TIMELINE=1 prints each host run's
 * progress updates with their estimates.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { ensureMainBuilt } from '../scripts/build-main.mjs'
import { hostChecks, printHostChecks } from './host'
import {
  KINDS,
  backends,
  configFile,
  defaultConfig,
  describe,
  freshDatabase,
  mb,
  measure,
  median,
  numpyEnv,
  root,
  s,
  scratch,
  table,
  withBackend,
  type Cost,
  type Kind
} from './lib'
import { memoryRuns, poolSpeedup, printPoolChecks } from './pool'

const argv = process.argv.slice(2)
/** The value after `--name`, if given. */
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined)
const pairs = Math.max(1, Math.floor(Number(option('--pairs') ?? 3)) || 3)
const only = option('--only')?.split(',') ?? null
const wanted = (section: string) => only === null || only.includes(section)

interface KindResult {
  kind: Kind
  lab: Cost[]
  numpy: Cost[]
  labPeak: Cost
  numpyPeak: Cost
}

function wholeProcess(kind: Kind, backend: string): KindResult {
  const config = configFile(kind, defaultConfig(kind))
  const env = withBackend(backend)
  const lab = (sampleRss = false) =>
    measure(
      [
        process.execPath,
        join(root, 'scripts', 'lab.mjs'),
        'run',
        '--config',
        config,
        '--db',
        freshDatabase()
      ],
      { env, sampleRss }
    )
  const numpy = (sampleRss = false) =>
    measure(['python3', join(root, 'bench', 'numpy', `${kind}.py`), config], {
      env: numpyEnv(),
      sampleRss
    })
  lab() // warm-up: file caches, the build check
  numpy()
  const result: KindResult = {
    kind,
    lab: [],
    numpy: [],
    labPeak: lab(true),
    numpyPeak: numpy(true)
  }
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so that neither always follows the other.
    if (i % 2 === 0) {
      result.lab.push(lab())
      result.numpy.push(numpy())
    } else {
      result.numpy.push(numpy())
      result.lab.push(lab())
    }
    process.stderr.write(`  ${kind}: pair ${i + 1}/${pairs}\n`)
  }
  return result
}

function printWholeProcess(results: KindResult[], backend: string): void {
  console.log(
    `\nWhole process, ${backend} backend: medians of ${pairs} alternating pairs after a warm-up`
  )
  table(
    [
      'default config',
      'lab CLI wall',
      'numpy wall',
      'ratio',
      'lab CPU',
      'numpy CPU',
      'CPU ratio',
      'lab peak RSS',
      'numpy peak RSS'
    ],
    results.map((r) => {
      const [labWall, numpyWall] = [
        median(r.lab.map((c) => c.wall)),
        median(r.numpy.map((c) => c.wall))
      ]
      const [labCpu, numpyCpu] = [
        median(r.lab.map((c) => c.cpu)),
        median(r.numpy.map((c) => c.cpu))
      ]
      return [
        `${r.kind} (${describe(r.kind)})`,
        s(labWall),
        s(numpyWall),
        `${(labWall / numpyWall).toFixed(2)}x`,
        s(labCpu),
        s(numpyCpu),
        `${(labCpu / numpyCpu).toFixed(2)}x`,
        mb(r.labPeak.peakRss),
        mb(r.numpyPeak.peakRss)
      ]
    })
  )
  console.log(
    'Peak RSS: the largest sum over the process tree (CLI, its database and its workers), sampled every 10 ms in a separate run.'
  )
}

async function main(): Promise<void> {
  await ensureMainBuilt()
  try {
    for (const backend of backends()) {
      if (backend.note) {
        console.log(`\n${backend.name} backend: skipped (${backend.note})`)
        continue
      }
      if (wanted('process')) {
        const results = KINDS.map((kind) => wholeProcess(kind, backend.name))
        printWholeProcess(results, backend.name)
      }
      if (wanted('pool')) {
        const speedup = await poolSpeedup(backend.name)
        const memory = await memoryRuns(backend.name)
        printPoolChecks(backend.name, speedup, memory)
      }
      if (wanted('host')) printHostChecks(backend.name, await hostChecks(backend.name))
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
