/**
 * A running headless host (out/main/host.js, its workers already started), driven over HTTP as
 * the browser drives it: the time from "Run" to "done" of each default run against its compute
 * time, the ETA's error once 20% of a run has passed, and the latency of a cheap API call
 * (listRuns) made every 20 ms while the runs compute.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LabEvent } from '../src/shared/api'
import { durationSeconds, type Progress, type RunDetail } from '../src/shared/results'
import {
  KINDS,
  defaultConfig,
  freshDatabase,
  median,
  quantile,
  root,
  s,
  table,
  withBackend,
  type Kind
} from './lib'

/** CPU seconds used so far by the processes below `root` (Linux /proc; null elsewhere). */
function descendantsCpu(root: number): number | null {
  if (process.platform !== 'linux') return null
  const children = new Map<number, number[]>()
  const cpu = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')
      const ppid = Number(fields[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
      cpu.set(Number(name), Number(fields[11]) + Number(fields[12])) // utime + stime, in ticks
    } catch {
      // the process ended meanwhile
    }
  }
  let ticks = 0
  const todo = [...(children.get(root) ?? [])]
  while (todo.length) {
    const pid = todo.pop()!
    ticks += cpu.get(pid) ?? 0
    todo.push(...(children.get(pid) ?? []))
  }
  return ticks / CLOCK_TICKS
}
const CLOCK_TICKS = 100 // USER_HZ on Linux

interface RunTiming {
  kind: Kind
  /** From the startRun request to the done event, seconds. */
  runToDone: number
  /** startedAt to finishedAt as the run records them: its time in the worker. */
  compute: number
  /** |ETA - time left| / time left at each progress event after 20% of the run. */
  etaErrors: { error: number; left: number }[]
  /** Fine-tuning: seconds from "Run" to the first epoch, and the median epoch after it. */
  firstEpoch?: number
  epoch?: number
  /** Fine-tuning: CPU seconds of the workers over wall seconds, from the first epoch to the last. */
  cpuPerWall?: number | null
}

export interface HostChecks {
  runs: RunTiming[]
  latencies: number[]
}

function ensureRenderer(): void {
  if (existsSync(join(root, 'out', 'renderer', 'index.html'))) return
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  )
  if (build.status !== 0) throw new Error('electron-vite build failed')
}

export async function hostChecks(backend: string): Promise<HostChecks> {
  ensureRenderer()
  const host = spawn(
    process.execPath,
    [join(root, 'out', 'main', 'host.js'), '--port', '0', '--db', freshDatabase()],
    {
      cwd: root,
      env: withBackend(backend),
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  const exited = new Promise((done) => host.once('exit', done))
  try {
    const address = await new Promise<URL>((resolve, reject) => {
      let out = ''
      host.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const found = /running at (\S+)/.exec(out)
        if (found) resolve(new URL(found[1]))
      })
      host.once('exit', (code) => reject(new Error(`the host exited with code ${code}: ${out}`)))
    })
    const token = address.searchParams.get('token')!
    const base = address.origin
    const api = async <T>(method: string, params: unknown = {}): Promise<T> => {
      const response = await fetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lab-token': token },
        body: JSON.stringify(params)
      })
      if (!response.ok) throw new Error(`${method}: ${response.status} ${await response.text()}`)
      return (await response.json()) as T
    }

    // Events with the time they arrived.
    const listeners = new Set<(event: LabEvent, at: number) => void>()
    const events = new AbortController()
    const stream = await fetch(`${base}/api/events`, {
      headers: { 'x-lab-token': token },
      signal: events.signal
    })
    void (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true })
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = block.split('\n').find((l) => l.startsWith('data: '))
            if (!data || data.length <= 6) continue
            const at = performance.now()
            for (const listener of listeners) listener(JSON.parse(data.slice(6)) as LabEvent, at)
          }
        }
      } catch {
        // aborted at the end
      }
    })()

    const run = async (kind: Kind): Promise<RunTiming> => {
      const progress: { at: number; progress: Progress; cpu: number | null }[] = []
      let id = -1
      let doneAt = 0
      const finished = new Promise<void>((resolve) => {
        const listener = (event: LabEvent, at: number) => {
          if (event.type === 'progress' && event.runId === id) {
            const epoch = event.progress.phase === 'fine-tuning'
            progress.push({
              at,
              progress: event.progress,
              cpu: epoch ? descendantsCpu(host.pid!) : null
            })
          }
          if (
            event.type === 'run' &&
            event.run.id === id &&
            !['queued', 'running'].includes(event.run.status)
          ) {
            doneAt = at
            listeners.delete(listener)
            resolve()
          }
        }
        listeners.add(listener)
      })
      const start = performance.now()
      id = (await api<{ id: number }>('startRun', { config: defaultConfig(kind) })).id
      await finished
      const detail = await api<RunDetail>('getRun', { id })
      if (detail.status !== 'done') throw new Error(`run ${id} ${detail.status}: ${detail.error}`)
      const total = doneAt - start
      if (process.env.BENCH_TIMELINE) {
        for (const p of progress) {
          const { phase, step, total: steps, etaSeconds } = p.progress
          const left = (doneAt - p.at) / 1000
          console.error(
            `${kind} ${((p.at - start) / 1000).toFixed(3)} ${phase} ${step}/${steps} eta ${etaSeconds?.toFixed(2)} left ${left.toFixed(2)}`
          )
        }
      }
      const etaErrors = progress
        .filter((p) => p.at - start >= 0.2 * total && p.progress.step < p.progress.total)
        .map((p) => {
          const left = (doneAt - p.at) / 1000
          return { error: Math.abs((p.progress.etaSeconds ?? Infinity) - left) / left, left }
        })
      const timing: RunTiming = {
        kind,
        runToDone: total / 1000,
        compute: durationSeconds(detail) ?? NaN,
        etaErrors
      }
      const epochs = progress.filter((p) => p.progress.phase === 'fine-tuning')
      if (epochs.length >= 2) {
        const [first, last] = [epochs[0], epochs[epochs.length - 1]]
        timing.firstEpoch = (first.at - start) / 1000
        timing.epoch = median(epochs.slice(1).map((p, i) => (p.at - epochs[i].at) / 1000))
        timing.cpuPerWall =
          first.cpu === null || last.cpu === null
            ? null
            : (last.cpu - first.cpu) / ((last.at - first.at) / 1000)
      }
      return timing
    }

    await api('appInfo') // the pool has started
    await run('effectiveness') // warm-up
    await run('effectiveness')

    const latencies: number[] = []
    let polling = true
    const poller = (async () => {
      while (polling) {
        const start = performance.now()
        await api('listRuns')
        latencies.push(performance.now() - start)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    const runs: RunTiming[] = []
    try {
      for (const kind of KINDS) {
        for (let i = 0; i < (kind === 'effectiveness' ? 3 : 1); i++) runs.push(await run(kind))
      }
    } finally {
      polling = false
      await poller
      events.abort()
    }
    return { runs, latencies }
  } finally {
    host.kill('SIGTERM')
    await exited
  }
}

export function printHostChecks(backend: string, checks: HostChecks): void {
  console.log(`\nRunning headless host, ${backend} backend (workers started with the host)`)
  table(
    [
      'default run',
      'Run -> done',
      'compute (in the worker)',
      'Run->done / compute',
      'ETA error after 20%: median, max',
      'the same while >= 1 s is left'
    ],
    KINDS.map((kind) => {
      const runs = checks.runs.filter((r) => r.kind === kind)
      const errors = (atLeast: number) =>
        runs.flatMap((r) => r.etaErrors.filter((e) => e.left >= atLeast).map((e) => e.error))
      const toDone = median(runs.map((r) => r.runToDone))
      const compute = median(runs.map((r) => r.compute))
      const pct = (v: number) => `${Math.round(100 * v)}%`
      return [
        `${kind}${runs.length > 1 ? ` (median of ${runs.length})` : ''}`,
        s(toDone),
        s(compute),
        `${(toDone / compute).toFixed(2)}x`,
        ...[0, 1].map((atLeast) => {
          const e = errors(atLeast)
          return e.length
            ? `${pct(median(e))}, ${pct(Math.max(...e))} (${e.length} updates)`
            : 'no such update'
        })
      ]
    })
  )
  for (const r of checks.runs.filter((r) => r.firstEpoch !== undefined)) {
    console.log(
      `fine-tuning: "Run" to the first epoch ${s(r.firstEpoch!)} (one epoch after it: ${s(r.epoch!)}); workers' CPU / wall from the first epoch to the last: ${r.cpuPerWall == null ? 'not measured here' : r.cpuPerWall.toFixed(2)}`
    )
  }
  console.log(
    'ETA error: |estimate - time left| / time left at each progress update after 20% of the run (from "Run" to "done"); the app and the CLI show the estimate in whole seconds.'
  )
  const l = checks.latencies
  console.log(
    `listRuns while the runs computed: ${l.length} calls, median ${median(l).toFixed(1)} ms, p99 ${quantile(l, 0.99).toFixed(1)} ms, max ${Math.max(...l).toFixed(1)} ms`
  )
}
