/**
 * A pool of long-lived worker processes, so that the cost of starting a process and its tfjs
 * backend is paid once per host, not once per run. The pool knows nothing of experiments: it
 * hands "a job" to a ready worker and routes that worker's messages to the job's listener until
 * the job is released.
 *
 * - At most `size` workers live at once; each runs one job at a time.
 * - A warm pool (a host) starts every worker at once and replaces any it loses; a cold pool (a
 *   one-off CLI run) starts workers only as jobs need them.
 * - A worker killed (a cancelled run) or crashed is replaced; so is one whose job left tensors
 *   behind (`tf.memory().numTensors` above what it had when it became ready) or whose memory grew
 *   past `maxRss`, so every job starts on a clean worker.
 */
import type { Environment } from '../../shared/results'
import type { FromWorker, Job, SpawnWorker, ToWorker, WorkerHandle, WorkerMemory } from './protocol'

export interface PoolOptions {
  /** Most workers alive at once. */
  size: number
  /** Start every worker now and replace any that is lost (a host); else start them on demand. */
  warm?: boolean
  /** A worker whose resident memory exceeds this after a job is replaced (bytes; default 1 GiB). */
  maxRss?: number
}

/** Where a job's messages go while a worker runs it. */
export interface JobListener {
  onMessage(message: FromWorker): void
  /** The worker died during the job (it crashed: a kill through `discard` is not reported). */
  onExit(code: number | null, detail: string): void
}

/** What the pool knows of one worker (for tests and benchmarks). */
export interface WorkerInfo {
  id: number
  pid: number | undefined
  state: 'starting' | 'idle' | 'busy'
  /** Jobs finished on this worker. */
  jobs: number
  /** After `ready`, then after each job. */
  memory: WorkerMemory | null
  /** numTensors when the worker became ready: every job must leave it there. */
  baseTensors: number | null
}

const DEFAULT_MAX_RSS = 1024 ** 3

export class PooledWorker {
  state: 'starting' | 'idle' | 'busy' | 'gone' = 'starting'
  jobs = 0
  /** When it last finished a job (a counter; 0: never). */
  lastUsed = 0
  environment: Environment | null = null
  memory: WorkerMemory | null = null
  baseTensors: number | null = null
  /** The job running now, if any. */
  listener: JobListener | null = null
  /** Taken by an acquire while still starting. */
  claimed = false
  readonly ready: Promise<void>
  resolveReady!: () => void
  rejectReady!: (error: Error) => void

  constructor(
    readonly id: number,
    readonly handle: WorkerHandle
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve
      this.rejectReady = reject
    })
    // Nobody may be waiting for a worker started ahead of need.
    this.ready.catch(() => {})
  }

  get pid(): number | undefined {
    return this.handle.pid
  }

  /** Hands the worker a job; its messages go to `listener` until the pool gets it back. */
  start(job: Job, listener: JobListener): void {
    if (this.state !== 'busy' || this.listener) {
      throw new Error(`worker ${this.id} cannot take a job now (${this.state})`)
    }
    this.listener = listener
    this.handle.send(job)
  }

  /** A message to the job running on this worker. */
  send(message: ToWorker): void {
    if (this.state === 'busy') this.handle.send(message)
  }

  info(): WorkerInfo {
    return {
      id: this.id,
      pid: this.pid,
      state: this.state === 'gone' ? 'busy' : this.state,
      jobs: this.jobs,
      memory: this.memory,
      baseTensors: this.baseTensors
    }
  }
}

export class WorkerPool {
  readonly size: number
  private readonly warm: boolean
  private readonly maxRss: number
  private readonly workers = new Set<PooledWorker>()
  private nextId = 1
  /** Slots handed out by tryAcquire and not yet released or discarded. */
  private taken = 0
  private closed = false
  private releases = 0
  private knownEnvironment: Environment | null = null
  /** Workers replaced because a job left tensors behind or memory grew (for benchmarks). */
  retired = { tensors: 0, memory: 0, crashed: 0 }

  constructor(
    private readonly spawnWorker: SpawnWorker,
    options: PoolOptions
  ) {
    this.size = Math.max(1, Math.floor(options.size))
    this.warm = options.warm ?? false
    this.maxRss = options.maxRss ?? DEFAULT_MAX_RSS
    if (this.warm) this.fill()
  }

  /** How many jobs could start now: the slots not taken. */
  get free(): number {
    return this.closed ? 0 : this.size - this.taken
  }

  /** The backend the workers run on, from the first worker that starts (null if none can). */
  async environment(): Promise<Environment | null> {
    if (this.knownEnvironment || this.closed) return this.knownEnvironment
    let worker = [...this.workers].find((w) => w.state !== 'gone')
    if (!worker && this.workers.size < this.size) worker = this.spawn()
    if (!worker) return null
    try {
      await worker.ready
    } catch {
      return null
    }
    return this.knownEnvironment
  }

  /**
   * Takes a slot and resolves with a ready worker, started if need be; null when every slot is
   * taken. Rejects (and frees the slot) when the worker cannot start, with the reason.
   */
  tryAcquire(): Promise<PooledWorker> | null {
    if (this.free <= 0) return null
    this.taken++
    // The idle worker used longest ago: every worker warms up (JIT, memory) early in a session.
    const idle = [...this.workers]
      .filter((w) => w.state === 'idle')
      .reduce<PooledWorker | null>((a, w) => (a === null || w.lastUsed < a.lastUsed ? w : a), null)
    if (idle) {
      idle.state = 'busy'
      return Promise.resolve(idle)
    }
    let worker = [...this.workers].find((w) => w.state === 'starting' && !w.claimed)
    try {
      worker ??= this.spawn()
    } catch (error) {
      this.taken--
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    const claimed = worker
    claimed.claimed = true
    return claimed.ready.then(
      () => {
        if (claimed.state !== 'busy') throw new Error('the worker stopped as it started')
        return claimed
      },
      (error: Error) => {
        this.taken--
        throw error
      }
    )
  }

  /**
   * A job is over: the worker takes the next one, unless the job left tensors behind or memory
   * grew past the bound, in which case it is replaced.
   */
  release(worker: PooledWorker, memory?: WorkerMemory): void {
    if (worker.state !== 'busy') return
    this.taken--
    worker.listener = null
    worker.jobs++
    worker.lastUsed = ++this.releases
    if (memory) worker.memory = memory
    const leaked =
      memory != null && worker.baseTensors != null && memory.numTensors > worker.baseTensors
    const bloated = memory != null && memory.rss > this.maxRss
    if (leaked || bloated) {
      if (leaked) this.retired.tensors++
      else this.retired.memory++
      this.stop(worker)
      return
    }
    worker.state = 'idle'
  }

  /** Kills a worker that holds a slot (a cancelled job), frees the slot and replaces the worker. */
  discard(worker: PooledWorker): void {
    if (worker.state !== 'busy') return
    this.taken--
    this.stop(worker)
  }

  /** Kills every worker; the pool starts no more. */
  shutdown(): void {
    this.closed = true
    for (const worker of this.workers) {
      worker.state = 'gone'
      worker.listener = null
      worker.rejectReady(new Error('the lab is shutting down'))
      worker.handle.kill()
    }
    this.workers.clear()
  }

  /** The workers alive now. */
  info(): WorkerInfo[] {
    return [...this.workers].map((w) => w.info())
  }

  private stop(worker: PooledWorker): void {
    worker.state = 'gone'
    worker.listener = null
    this.workers.delete(worker)
    worker.handle.kill()
    if (this.warm) this.fill()
  }

  /** Starts workers up to `size` (a warm pool). */
  private fill(): void {
    while (!this.closed && this.workers.size < this.size) {
      try {
        this.spawn()
      } catch {
        return // reported to the next acquire, which tries again
      }
    }
  }

  private spawn(): PooledWorker {
    const worker = new PooledWorker(this.nextId++, this.spawnWorker())
    this.workers.add(worker)
    worker.handle.onMessage((message) => this.onMessage(worker, message))
    worker.handle.onExit((code, detail) => this.onExit(worker, code, detail))
    return worker
  }

  private onMessage(worker: PooledWorker, message: FromWorker): void {
    if (worker.state === 'gone') return
    if (message.type === 'ready') {
      worker.environment = message.environment
      worker.memory = message.memory
      worker.baseTensors = message.memory.numTensors
      this.knownEnvironment ??= message.environment
      // A worker claimed while it started goes straight to its job.
      if (worker.state === 'starting') worker.state = worker.claimed ? 'busy' : 'idle'
      worker.resolveReady()
      return
    }
    if (message.type === 'fatal') {
      worker.rejectReady(new Error(message.message))
      return
    }
    worker.listener?.onMessage(message)
  }

  private onExit(worker: PooledWorker, code: number | null, detail: string): void {
    if (worker.state === 'gone') return
    const wasBusy = worker.state === 'busy'
    const wasStarting = worker.state === 'starting'
    const listener = worker.listener
    worker.state = 'gone'
    worker.listener = null
    this.workers.delete(worker)
    const why = `The worker process exited with code ${code}${detail ? `: ${detail}` : ''}`
    worker.rejectReady(new Error(why))
    if (wasBusy) {
      this.taken--
      this.retired.crashed++
      listener?.onExit(code, detail)
    }
    // A worker that cannot start is not restarted in a loop: the next acquire tries again.
    if (!wasStarting && this.warm) this.fill()
  }
}

/** Most worker processes BACKDOOR_LAB_WORKERS may ask for. */
export const MAX_WORKERS = 64

/**
 * The pool size BACKDOOR_LAB_WORKERS asks for, or undefined when it is not set (then: one per
 * core). Throws a clear error for anything but a whole number from 1 to MAX_WORKERS.
 */
export function workersFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.BACKDOOR_LAB_WORKERS?.trim()
  if (!raw) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) {
    throw new Error(
      `BACKDOOR_LAB_WORKERS must be a whole number from 1 to ${MAX_WORKERS} (got '${env.BACKDOOR_LAB_WORKERS}')`
    )
  }
  return n
}
