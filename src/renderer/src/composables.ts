import { csvDatasetId } from '@kinds/registry'
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { useRouter } from 'vue-router'
import type { LabEvent } from '@shared/api'
import type { RunDetail } from '@shared/results'
import { listDatasets } from './datasets'
import { errorMessage, getClient } from './client'

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

/**
 * Deletes what a page shows (`remove`, a call to the lab), then goes back to the Runs table; when
 * the lab refuses, its message goes to `error` and the page stays.
 */
export function useDeleteThenBack(
  remove: () => Promise<unknown>,
  error: Ref<string | null>
): () => Promise<void> {
  const router = useRouter()
  return async () => {
    try {
      await remove()
      await router.push('/runs')
    } catch (caught) {
      error.value = errorMessage(caught)
    }
  }
}

/**
 * The name of the imported CSV data set a run used, for its config card; undefined for other
 * data, until it is known, or when the list cannot be read (the card then says "CSV (#id)").
 */
export function useCsvDatasetName(run: () => RunDetail): Ref<string | undefined> {
  const name = ref<string | undefined>()
  watch(
    () => csvDatasetId(run().config),
    async (id) => {
      name.value = undefined
      if (id == null) return
      try {
        name.value = (await listDatasets()).find((d) => d.id === id)?.name
      } catch {
        // Nothing else depends on the name.
      }
    },
    { immediate: true }
  )
  return name
}
