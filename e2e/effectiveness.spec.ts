/**
 * The first slice end to end, as a researcher uses it: the real headless host, real tfjs in a
 * child process, a real SQLite file, driven in Chromium.
 */
import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures'
import { NewExperimentPage } from './pages/newExperiment'
import { RunPage } from './pages/runPage'
import { RunsPage } from './pages/runsPage'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

/** A small but real configuration, so the run takes a second or two. */
const small = { m: 600, n: 600, nTest: 600 }

test('a bad value shows its error next to the field and keeps Run disabled', async ({
  page,
  lab
}) => {
  const form = await new NewExperimentPage(page).open(lab.url)
  await expect(form.runButton).toBeEnabled()
  await form.fill({ k: 200 })
  await expect(form.error('k')).toContainText('k must be at most d (got k=200, d=100)')
  await expect(form.runButton).toBeDisabled()
  await form.fill({ d: 2.5 })
  await expect(form.error('d')).toContainText('Input dimension d must be a whole number')
  await page.screenshot({ path: `${screens}/form-errors.png`, fullPage: true })
  await form.fill({ d: 100, k: 10 })
  await expect(form.error('k')).toHaveCount(0)
  await expect(form.runButton).toBeEnabled()
})

test('run from the form, see the chart and metrics, and find the run again after a reload and a restart', async ({
  page,
  lab
}) => {
  const form = await new NewExperimentPage(page).open(lab.url)
  await form.fill({ ...small, name: 'e2e effectiveness' })
  const id = await form.run()
  const run = new RunPage(page)
  await run.waitFor('done', 60_000)
  await expect(page.getByTestId('run-name')).toHaveText('e2e effectiveness')

  // The chart is drawn on a canvas with real pixels.
  await run.chart('asr')
  const table = page.getByTestId('metrics-table')
  await expect(table).toContainText('λ50')
  await expect(page.getByTestId('metric-clean-cleanAccuracy')).toContainText('%')
  await expect(page.getByTestId('metric-backdoored-lambda50')).toHaveText(/\d/)
  await expect(page.getByTestId('metric-theory-lambda50Ratio')).toHaveText(/\d/)
  // λ50 and the ratio with their bootstrap intervals, and what the intervals cover.
  await expect(page.getByTestId('metric-backdoored-lambda50')).toContainText(/\[\d.*, (\d|open)/)
  await expect(page.getByTestId('metric-run-lambda50Ratio-interval')).toHaveText(
    /^\[(\d[\d.]*|open), (\d[\d.]*|open)\]$/
  )
  await expect(page.getByTestId('effectiveness-sentence')).toContainText(
    'Intervals: 95% percentile bootstrap over the 600 held-out inputs of this one pair of networks'
  )
  await expect(page.getByTestId('metric-backend')).toContainText(/wasm|tensorflow|cpu/)
  await page.screenshot({ path: `${screens}/run-done.png`, fullPage: true })

  await page.reload()
  await expect(run.status).toHaveText('done')
  const runs = await new RunsPage(page).open()
  await expect(runs.row(id)).toContainText('e2e effectiveness')
  await expect(runs.status(id)).toHaveText('done')

  // Close and reopen the app: the run comes back from the SQLite file.
  await lab.restart()
  await page.goto(lab.url)
  await runs.open()
  await expect(runs.status(id)).toHaveText('done')
  await page.screenshot({ path: `${screens}/runs.png`, fullPage: true })
})

test('progress shows phase, steps and ETA while a run computes, and Cancel stops it', async ({
  page,
  lab
}) => {
  const form = await new NewExperimentPage(page).open(lab.url)
  // Wide enough to take many seconds on one core.
  await form.fill({ d: 200, m: 20000, n: 3000, nTest: 3000, 'lambdas.steps': 200 })
  await form.run()
  await expect(page.getByTestId('run-status')).toHaveText('running', { timeout: 30_000 })
  await expect(page.getByTestId('progress-steps')).toContainText(/step \d+ \/ \d+/)
  await expect(page.getByTestId('progress-phase')).not.toBeEmpty()
  // The ETA: an estimate once a few steps have timed, in words.
  await expect(page.getByTestId('progress-eta')).toHaveText(/^about .+ left$/)
  await page.screenshot({ path: `${screens}/run-progress.png`, fullPage: true })
  await page.getByTestId('cancel-button').click()
  await expect(page.getByTestId('run-status')).toHaveText('cancelled')
  await expect(page.getByTestId('run-cancelled')).toBeVisible()

  // Delete asks first; leaving the button takes the question back; the second click deletes and
  // goes back to the runs table.
  const id = Number(page.url().match(/runs\/(\d+)$/)![1])
  const remove = page.getByTestId('delete-button')
  await remove.click()
  await expect(remove).toHaveText('Really delete?')
  await remove.blur()
  await expect(remove).toHaveText('Delete')
  await remove.click()
  await remove.click()
  await expect(page).toHaveURL(/#\/runs(\?.*)?$/)
  await expect(page.getByTestId(`run-row-${id}`)).toHaveCount(0)
})
