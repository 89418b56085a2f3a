/**
 * Sweeps and seed groups in the Runs history: a sweep started through the API is one entry that
 * opens to its runs (each an ordinary run); three runs differing only in their seed collapse into
 * a group showing the mean key result with its t-interval and n = 3; two groups compared.
 */
import { mkdirSync } from 'node:fs'
import type { RunSummary } from '../src/shared/results'
import type { SweepDetail } from '../src/shared/sweepStatus'
import { expect, test } from './fixtures'
import { api, waitForRun, waitForSweep } from './pages/api'
import { RunPage } from './pages/runPage'
import { RunsPage } from './pages/runsPage'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

const small = (seed: number, m = 200) => ({
  kind: 'effectiveness',
  d: 20,
  m,
  k: 4,
  n: 200,
  nTest: 200,
  seed,
  lambdas: { from: 0, to: 6, steps: 7 }
})

test('a sweep is one entry of the Runs table that opens to its runs', async ({ page, lab }) => {
  await page.goto(lab.url)
  const sweep = await api<SweepDetail>(page, 'startSweep', {
    config: { ...small(1), sweep: { fields: [{ path: 'theta', values: [2, 4] }], seeds: 2 } }
  })
  const alone = await api<RunSummary>(page, 'startRun', { config: small(7), name: 'alone' })
  expect(sweep.children).toHaveLength(4)
  await waitForSweep(page, sweep.id)
  await waitForRun(page, alone.id)

  const runs = await new RunsPage(page).open()
  await expect(runs.sweepRow(sweep.id)).toBeVisible()
  await expect(page.getByTestId(`sweep-status-${sweep.id}`)).toHaveText('done')
  await expect(page.getByTestId(`sweep-counts-${sweep.id}`)).toHaveText('4 done')
  await expect(page.getByTestId(`sweep-fields-${sweep.id}`)).toContainText('θ ∈ {2, 4}')
  await expect(page.getByTestId(`sweep-link-${sweep.id}`)).toHaveAttribute(
    'href',
    `#/sweeps/${sweep.id}`
  )
  // One entry for the sweep, one for the run alone; the sweep's runs are not rows of their own.
  expect(await runs.ids()).toEqual([alone.id])
  await expect(page.getByTestId('page-info')).toHaveText('1–2 of 2 entries (5 runs)')
  await page.screenshot({ path: `${screens}/runs-sweep-collapsed.png`, fullPage: true })

  await runs.toggleSweep(sweep.id)
  const children = sweep.children.map((c) => c.id)
  for (const id of children) await expect(runs.row(id)).toBeVisible()
  // By point when the table sorts by date: θ = 2 first.
  expect((await runs.ids()).filter((id) => children.includes(id))).toEqual(
    [...sweep.children].sort((a, b) => a.point - b.point || a.id - b.id).map((c) => c.id)
  )
  await expect(runs.row(children[0])).toContainText('θ = 2, seed 1 of 2')
  await page.screenshot({ path: `${screens}/runs-sweep-expanded.png`, fullPage: true })

  // A child is an ordinary run: select it for Compare, open it.
  await runs.select(children[0], alone.id)
  await expect(page.getByTestId('compare-selected')).toBeEnabled()
  await page.getByTestId(`run-link-${children[0]}`).click()
  await new RunPage(page).waitFor('done')
  await expect(page).toHaveURL(new RegExp(`#/runs/${children[0]}$`))

  // Back on the table the sweep is still open; deleting it asks first and says how many runs go.
  await new RunsPage(page).open()
  await expect(runs.row(children[1])).toBeVisible()
  let dialog = await runs.askToDeleteSweep(sweep.id)
  await expect(dialog.getByTestId('sweep-delete-words')).toContainText('its 4 runs (4 done)')
  await dialog.getByTestId('confirm-cancel').click()
  await expect(runs.sweepRow(sweep.id)).toBeVisible()
  dialog = await runs.askToDeleteSweep(sweep.id)
  await dialog.getByTestId('confirm-ok').click()
  await expect(page.getByTestId('runs-notice')).toContainText('and its 4 runs')
  await expect(runs.sweepRow(sweep.id)).toHaveCount(0)
  expect(await runs.ids()).toEqual([alone.id])
})
