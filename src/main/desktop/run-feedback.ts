/**
 * What the desktop shows about computing runs outside the window: one progress bar on the dock
 * or taskbar icon for every run in flight, and a notification when a long run finishes while the
 * window is not focused. Plain logic fed with the service's events; index.ts applies it.
 */
import type { LabEvent } from '../../shared/api'
import type { RunSummary } from '../../shared/results'

/** A run that took at least this long gets a notification when it finishes unseen. */
export const LONG_RUN_SECONDS = 30

interface InFlight {
  step: number
  total: number
}

/**
 * The fraction of work done over every run in flight (queued runs count as not started); -1
 * when nothing computes, which removes the bar.
 */
export class TaskbarProgress {
  private readonly inFlight = new Map<number, InFlight>()

  /** Feeds one service event; returns the new bar value, or null when it did not change. */
  update(event: LabEvent): number | null {
    const before = this.value()
    if (event.type === 'run') {
      const { id, status } = event.run
      if (status === 'queued' || status === 'running') {
        const known = this.inFlight.get(id)
        const progress = event.run.progress
        this.inFlight.set(
          id,
          progress && progress.total > 0
            ? { step: progress.step, total: progress.total }
            : (known ?? { step: 0, total: 1 })
        )
      } else this.inFlight.delete(id)
    } else if (event.type === 'progress' && this.inFlight.has(event.runId)) {
      const { step, total } = event.progress
      if (total > 0) this.inFlight.set(event.runId, { step: Math.min(step, total), total })
    } else if (event.type === 'deleted') {
      for (const id of event.ids) this.inFlight.delete(id)
    }
    const after = this.value()
    return after === before ? null : after
  }

  /** Each run weighs the same, whatever its number of steps. */
  value(): number {
    if (this.inFlight.size === 0) return -1
    let sum = 0
    for (const { step, total } of this.inFlight.values()) sum += step / total
    // Two decimals: the bar has no finer resolution, and it spares redundant updates.
    return Math.round((sum / this.inFlight.size) * 100) / 100
  }
}

/** Seconds from start to finish, or null when either is unknown. */
export function runSeconds(run: RunSummary): number | null {
  if (!run.startedAt || !run.finishedAt) return null
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000
  return Number.isFinite(seconds) ? seconds : null
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const minutes = Math.floor(s / 60)
  if (minutes < 60) return `${minutes} min ${s % 60} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/**
 * The notification for a run that just finished, or null: only runs that ended on their own
 * (done or failed, not cancelled by the user), took at least LONG_RUN_SECONDS, and finished while
 * no window of the app had the focus.
 */
export function finishedRunNotice(
  run: RunSummary,
  windowFocused: boolean,
  longRunSeconds = LONG_RUN_SECONDS
): { title: string; body: string } | null {
  if (windowFocused || (run.status !== 'done' && run.status !== 'failed')) return null
  const seconds = runSeconds(run)
  if (seconds === null || seconds < longRunSeconds) return null
  const took = formatDuration(seconds)
  return run.status === 'done'
    ? { title: `Run #${run.id} finished`, body: `${run.name}: done in ${took}.` }
    : {
        title: `Run #${run.id} failed`,
        body: `${run.name}: failed after ${took}${run.error ? `: ${run.error}` : '.'}`
      }
}
