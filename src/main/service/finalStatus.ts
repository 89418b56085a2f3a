/**
 * A run's final status, written to the store. When the store cannot take it (a full disk), the
 * status is kept here, so that the scheduler can still tell it to subscribers, and written again
 * every second until the store takes it.
 */
import type { RunStore } from '../store/store'

export type FinalStatus = 'done' | 'failed' | 'cancelled'

/** How often a final status the store could not write (a full disk) is tried again. */
const UNSAVED_RETRY_MS = 1000

export class FinalStatusWriter {
  /** Final statuses the store could not write yet, tried again until it can. */
  private readonly pending = new Map<number, { status: FinalStatus; error: string | null }>()
  private retry: NodeJS.Timeout | null = null

  constructor(private readonly store: RunStore) {}

  /** Writes a run's final status, or keeps it to write as soon as the store takes it again. */
  record(id: number, status: FinalStatus, error: string | null = null): void {
    this.pending.set(id, { status, error })
    this.write()
    if (this.pending.size > 0 && !this.retry) {
      this.retry = setInterval(() => {
        this.write()
        if (this.pending.size === 0 && this.retry) {
          clearInterval(this.retry)
          this.retry = null
        }
      }, UNSAVED_RETRY_MS)
      this.retry.unref()
    }
  }

  /** The final status of run `id` the store has not taken yet, if any. */
  unsaved(id: number): { status: FinalStatus; error: string | null } | undefined {
    return this.pending.get(id)
  }

  /** Writes what the store takes now and stops trying again (the next open marks the rest). */
  stop(): void {
    this.write()
    if (this.retry) clearInterval(this.retry)
    this.retry = null
  }

  private write(): void {
    for (const [id, { status, error }] of this.pending) {
      try {
        this.store.runs.finish(id, status, error)
      } catch {
        return
      }
      this.pending.delete(id)
    }
  }
}
