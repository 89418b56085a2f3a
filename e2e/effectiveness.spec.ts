/**
 * The first slice end to end, as a researcher uses it: the real headless host, real tfjs in a
 * child process, a real SQLite file, driven in Chromium.
 */
import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

async function fill(page: Page, field: string, value: string | number) {
  await page.getByTestId(`field-${field}`).fill(String(value))
}

/** A small but real configuration, so the run takes a second or two. */
async function fillSmallExperiment(page: Page) {
  await fill(page, 'm', 600)
  await fill(page, 'n', 600)
  await fill(page, 'nTest', 600)
}

test('a bad value shows its error next to the field and keeps Run disabled', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  await expect(page.getByTestId('run-button')).toBeEnabled()
  await fill(page, 'k', 200)
  await expect(page.getByTestId('error-k')).toContainText('k must be at most d (got k=200, d=100)')
  await expect(page.getByTestId('run-button')).toBeDisabled()
  await fill(page, 'd', 2.5)
  await expect(page.getByTestId('error-d')).toContainText(
    'Input dimension d must be a whole number'
  )
  await page.screenshot({ path: `${screens}/form-errors.png`, fullPage: true })
  await fill(page, 'd', 100)
  await fill(page, 'k', 10)
  await expect(page.getByTestId('error-k')).toHaveCount(0)
  await expect(page.getByTestId('run-button')).toBeEnabled()
})

test('run from the form, see the chart and metrics, and find the run again after a reload and a restart', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  await fillSmallExperiment(page)
  await fill(page, 'name', 'e2e effectiveness')
  await page.getByTestId('run-button').click()

  await expect(page).toHaveURL(/#\/runs\/\d+$/)
  const id = Number(page.url().match(/runs\/(\d+)$/)![1])
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 60_000 })
  await expect(page.getByTestId('run-name')).toHaveText('e2e effectiveness')

  // The chart is drawn on a canvas with real pixels.
  const canvas = page.getByTestId('chart-asr').locator('canvas')
  await expect(canvas).toBeVisible()
  const box = await canvas.boundingBox()
  expect(box!.width).toBeGreaterThan(200)
  const table = page.getByTestId('metrics-table')
  await expect(table).toContainText('λ50')
  await expect(page.getByTestId('metric-clean-cleanAccuracy')).toContainText('%')
  await expect(page.getByTestId('metric-backdoored-lambda50')).toHaveText(/\d/)
  await expect(page.getByTestId('metric-theory-lambda50Ratio')).toHaveText(/\d/)
  await expect(page.getByTestId('metric-backend')).toContainText(/wasm|tensorflow|cpu/)
  await page.screenshot({ path: `${screens}/run-done.png`, fullPage: true })

  await page.reload()
  await expect(page.getByTestId('run-status')).toHaveText('done')
  await page.getByTestId('nav-runs').click()
  await expect(page.getByTestId(`run-row-${id}`)).toContainText('e2e effectiveness')
  await expect(page.getByTestId(`run-status-${id}`)).toHaveText('done')

  // Close and reopen the app: the run comes back from the SQLite file.
  await lab.restart()
  await page.goto(lab.url)
  await page.getByTestId('nav-runs').click()
  await expect(page.getByTestId(`run-status-${id}`)).toHaveText('done')
  await page.screenshot({ path: `${screens}/runs.png`, fullPage: true })
})

test('progress shows phase, steps and ETA while a run computes, and Cancel stops it', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  // Wide enough to take many seconds on one core.
  await fill(page, 'd', 200)
  await fill(page, 'm', 20000)
  await fill(page, 'n', 3000)
  await fill(page, 'nTest', 3000)
  await fill(page, 'lambdas.steps', 200)
  await page.getByTestId('run-button').click()
  await expect(page.getByTestId('run-status')).toHaveText('running', { timeout: 30_000 })
  await expect(page.getByTestId('progress-steps')).toContainText(/step \d+ \/ \d+/)
  await expect(page.getByTestId('progress-phase')).not.toBeEmpty()
  // The ETA: an estimate once a few steps have timed, in words.
  await expect(page.getByTestId('progress-eta')).toHaveText(/^about .+ left$/)
  await page.screenshot({ path: `${screens}/run-progress.png`, fullPage: true })
  await page.getByTestId('cancel-button').click()
  await expect(page.getByTestId('run-status')).toHaveText('cancelled')
  await expect(page.getByTestId('run-cancelled')).toBeVisible()
})
