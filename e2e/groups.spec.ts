/**
 * Sweeps and seed groups in the Runs history: a sweep started through the API is one entry that
 * opens to its runs (each an ordinary run); three runs differing only in their seed collapse into
 * a group showing the mean key result with its t-interval and n = 3; two groups compared.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import type { Comparison } from '../src/shared/api'
import type { RunDetail, RunSummary } from '../src/shared/results'
import type { SweepDetail } from '../src/shared/sweepStatus'
import { sig } from '../src/shared/format'
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

/** Mean and the 95% t-interval over three values, written out (t with 2 degrees of freedom). */
function meanOfThree(values: number[]): { mean: number; lower: number; upper: number } {
  const q = 0.95
  const t = q * Math.sqrt(2 / (1 - q * q))
  const mean = values.reduce((a, b) => a + b, 0) / 3
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2)
  return { mean, lower: mean - (t * sd) / Math.sqrt(3), upper: mean + (t * sd) / Math.sqrt(3) }
}

test('three seeds of one config are one row with n = 3, and Compare shows the group as its mean over seeds', async ({
  page,
  lab
}) => {
  test.setTimeout(300_000)
  // Tall enough that the screenshots show the whole table under the fixed status bar.
  await page.setViewportSize({ width: 1400, height: 1500 })
  await page.goto(lab.url)
  const sweep = await api<SweepDetail>(page, 'startSweep', {
    config: { ...small(1, 150), sweep: { fields: [{ path: 'theta', values: [2, 4] }], seeds: 2 } },
    name: 'θ sweep'
  })
  const seeds: RunSummary[] = []
  for (const seed of [1, 2, 3])
    seeds.push(
      await api<RunSummary>(page, 'startRun', {
        config: small(seed),
        name: `three seeds, seed ${seed}`
      })
    )
  const other = await api<RunSummary>(page, 'startRun', { config: small(7, 300), name: 'wider' })
  for (const run of [...seeds, other]) await waitForRun(page, run.id)
  await waitForSweep(page, sweep.id)
  const group = seeds[0].seedGroup!
  expect(seeds.every((r) => r.seedGroup === group)).toBe(true)

  // Grouped, the three seeds are one row with n = 3; the sweep is one entry; the other run alone.
  const runs = await new RunsPage(page).open()
  await runs.groupSeeds(true)
  await expect(runs.groupRow(group)).toBeVisible()
  await expect(runs.groupN(group)).toHaveText('n = 3')
  await expect(page.getByTestId(`group-seeds-${group.slice(0, 12)}`)).toContainText('seeds 1, 2, 3')
  await expect(runs.sweepRow(sweep.id)).toBeVisible()
  expect(await runs.ids()).toEqual([other.id])
  await expect(page.getByTestId('page-info')).toHaveText('1–3 of 3 entries (8 runs)')
  await page.screenshot({ path: `${screens}/groups-collapsed.png`, fullPage: true })

  // Opened, the group shows its three runs; the sweep its points, each the group of its two
  // seeds, and a point opens to its runs.
  await runs.toggleGroup(group)
  for (const run of seeds) await expect(runs.row(run.id)).toBeVisible()
  await runs.toggleSweep(sweep.id)
  const points = [0, 1].map((p) => sweep.children.filter((c) => c.point === p))
  for (const point of points) {
    await expect(runs.groupRow(point[0].seedGroup!)).toBeVisible()
    await expect(runs.groupN(point[0].seedGroup!)).toHaveText('n = 2')
  }
  await runs.toggleGroup(points[0][0].seedGroup!)
  for (const child of points[0]) await expect(runs.row(child.id)).toBeVisible()
  await page.screenshot({ path: `${screens}/groups-expanded.png`, fullPage: true })
  await runs.toggleSweep(sweep.id)
  await runs.toggleGroup(group)

  // Select the group as a whole and the other run: Compare opens by seed group.
  await runs.selectGroup(group)
  await runs.select(other.id)
  await expect(page.getByTestId('compare-selected')).toHaveText('Compare 2 seed groups')
  await page.getByTestId('compare-selected').click()
  await expect(page).toHaveURL(/#\/compare\?ids=[\d%C,]+&group=seed$/)
  await expect(page.getByTestId('compare-mode-groups')).toBeChecked()
  await expect(page.getByTestId('compare-group-A')).toContainText('mean over 3 seeds (1, 2, 3)')
  await expect(page.getByTestId(`compare-run-${other.id}`)).toBeVisible()

  // The group's clean accuracy is the mean and t-interval of its three runs', with n = 3.
  const details = await api<RunDetail[]>(page, 'getRuns', { ids: seeds.map((r) => r.id) })
  const accuracy = details.map(
    (d) => d.metrics.find((m) => m.model === 'backdoored' && m.name === 'cleanAccuracy')!.value!
  )
  const want = meanOfThree(accuracy)
  const cell = page.getByTestId('compare-cell-backdoored-cleanAccuracy-A')
  await expect(cell).toContainText(`${sig(want.mean)} [${sig(want.lower)}, ${sig(want.upper)}]`)
  await expect(cell).toContainText('n = 3')
  await expect(
    page.getByTestId(`compare-cell-backdoored-cleanAccuracy-#${other.id}`)
  ).not.toContainText('n =')
  await expect(page.getByTestId('compare-metrics-groups')).toContainText('t-interval')
  await expect(page.getByTestId('diff-row-seed')).toContainText('1, 2, 3')

  // The chart draws the group's mean curve with its band, named in words; its export is grouped.
  const chart = page.getByTestId('compare-chart-asr')
  await expect(chart.locator('canvas')).toBeVisible()
  await expect(page.getByTestId('compare-caption-asr')).toContainText(
    'For the seed group A, each curve is the mean over the seeds'
  )
  // The chart spans its card (a chart drawn before its card had its width would not).
  await expect
    .poll(async () => (await chart.locator('canvas').boundingBox())!.width)
    .toBeGreaterThan(600)
  // The view first: a full-page capture resizes the page, and the charts with it, for a moment.
  await page.screenshot({ path: `${screens}/groups-compare-top.png` })
  await page
    .getByTestId('compare-runs')
    .screenshot({ path: `${screens}/groups-compare-columns.png` })
  await chart.locator('xpath=..').screenshot({ path: `${screens}/groups-compare-chart.png` })
  await page
    .getByTestId('compare-metrics')
    .screenshot({ path: `${screens}/groups-compare-metrics.png` })
  await page.screenshot({ path: `${screens}/groups-compare.png`, fullPage: true })
  await chart.getByTestId('export-asr').click()
  const download = page.waitForEvent('download')
  await chart.getByTestId('export-csv').click()
  const csv = await download
  expect(csv.suggestedFilename()).toMatch(/-asr-by-seed-group\.csv$/)
  const lines = readFileSync(await csv.path(), 'utf8')
    .trim()
    .split(/\r?\n/)
  expect(lines[0]).toBe('group,runs,series,x,y,lower,upper')
  const ids = seeds.map((r) => r.id).join(' ')
  const head = lines.slice(0, 4).join('\n')
  expect(
    lines.some((l) => l.startsWith(`A,${ids},Backdoored network,`)),
    head
  ).toBe(true)
  expect(
    lines.some((l) => l.startsWith(`#${other.id},${other.id},`)),
    head
  ).toBe(true)
  await page.keyboard.press('Escape')

  // Save it: reopened, it is still by seed group.
  await page.getByTestId('comparison-name').fill('three seeds vs wider')
  await page.getByTestId('comparison-save').click()
  await expect(page).toHaveURL(/#\/compare\/\d+$/)
  await expect(page.getByTestId('compare-group-A')).toBeVisible()
  const saved = await api<Comparison[]>(page, 'listComparisons', {})
  expect(saved[0]).toMatchObject({ grouped: true, runIds: [...seeds.map((r) => r.id), other.id] })

  // As runs: a column per run again.
  await page.getByTestId('compare-mode-runs').check()
  for (const run of [...seeds, other])
    await expect(page.getByTestId(`compare-run-${run.id}`)).toBeVisible()
  await expect(page.getByTestId('compare-group-A')).toHaveCount(0)
})
