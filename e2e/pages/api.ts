/**
 * The lab's HTTP API as a test calls it: from the page, with the token the page keeps, so a test
 * sets runs up or checks the store exactly as the app would.
 */
import { expect, type Page } from '@playwright/test'
import type { RunDetail } from '../../src/shared/results'

export async function api<T>(page: Page, method: string, params: unknown): Promise<T> {
  return page.evaluate(
    async ({ method, params }) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string } })
        .sessionStorage
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-lab-token': storage.getItem('backdoor-lab.token')
        },
        body: JSON.stringify(params)
      })
      if (!response.ok) throw new Error(`${method}: ${response.status} ${await response.text()}`)
      return response.json()
    },
    { method, params }
  ) as Promise<T>
}

/** Waits until run `id` has finished as `status` (done unless said). */
export async function waitForRun(page: Page, id: number, status = 'done'): Promise<void> {
  await expect
    .poll(async () => (await api<RunDetail>(page, 'getRun', { id })).status, {
      timeout: 90_000,
      intervals: [250]
    })
    .toBe(status)
}

/** Waits until sweep `id` has no run left to compute, as `status` (done unless said). */
export async function waitForSweep(page: Page, id: number, status = 'done'): Promise<void> {
  await expect
    .poll(async () => (await api<{ status: string }>(page, 'getSweep', { id })).status, {
      timeout: 180_000,
      intervals: [500]
    })
    .toBe(status)
}
