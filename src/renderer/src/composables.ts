import { onBeforeUnmount, onMounted } from 'vue'
import type { LabEvent } from '@shared/api'
import { getClient } from './client'

/** Listens to the lab's events while the calling component is mounted. */
export function useLabEvents(listener: (event: LabEvent) => void): void {
  let unsubscribe: (() => void) | null = null
  onMounted(() => {
    unsubscribe = getClient().subscribe(listener)
  })
  onBeforeUnmount(() => {
    unsubscribe?.()
    unsubscribe = null
  })
}

/**
 * Runs `task` now, and once more after it finishes if asked again meanwhile: a burst of `data`
 * events becomes at most one request in flight and one queued.
 */
export function coalesced(task: () => Promise<void>): () => void {
  let running = false
  let again = false
  const run = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      await task()
    } finally {
      running = false
      if (again) {
        again = false
        void run()
      }
    }
  }
  return () => void run()
}
