/**
 * Run history end to end: three real runs, a tag and the tag filter, sorting, comparing two
 * (config diff and overlaid chart), saving the comparison and reopening it, a re-run that says
 * its numbers are identical, bulk delete behind a confirmation, and a run interrupted by an app
 * restart.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import type { RunDetail, RunSummary } from '../src/shared/results'
import { expect, test } from './fixtures'
import { api, waitForRun } from './pages/api'

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

test('tag, filter, sort, compare two runs, save and reopen the comparison, re-run exactly', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  const [a, b, c] = await Promise.all(
    [
      { name: 'history A', config: small(1) },
      { name: 'history B', config: small(2) },
      { name: 'history C', config: small(3, 300) }
    ].map((p) => api<RunSummary>(page, 'startRun', p))
  )
  for (const run of [a, b, c]) await waitForRun(page, run.id)

  // The table: status, key metric with its label, data set, seed.
  await page.getByTestId('nav-runs').click()
  for (const run of [a, b, c]) {
    await expect(page.getByTestId(`run-status-${run.id}`)).toHaveText('done')
  }
  await expect(page.getByTestId(`run-key-${a.id}`)).toContainText('λ50 ratio')
  await expect(page.getByTestId(`run-dataset-${a.id}`)).toHaveText('synthetic, d=20')
  await page.screenshot({ path: `${screens}/history-runs.png`, fullPage: true })

  // Sort by seed, ascending: A (1), B (2), C (3) from the top. Seed starts hidden (the default
  // columns fit a 1280 px window); the column chooser shows it.
  await expect(page.getByTestId('sort-seed')).toHaveCount(0)
  await page.getByTestId('column-chooser-toggle').click()
  await page.getByTestId('column-seed').check()
  await page.getByTestId('column-chooser-toggle').click()
  await page.getByTestId('sort-seed').click() // numbers start descending
  await expect(page.getByTestId('sort-seed').locator('xpath=..')).toHaveAttribute(
    'aria-sort',
    'descending'
  )
  await page.getByTestId('sort-seed').click()
  await expect(page.getByTestId('sort-seed').locator('xpath=..')).toHaveAttribute(
    'aria-sort',
    'ascending'
  )
  const rows = page.locator('[data-testid^="run-row-"]')
  await expect(rows).toHaveCount(3)
  await expect(rows.first()).toContainText('history A')
  await expect(rows.last()).toContainText('history C')

  // Tag B from the selection bar, then filter by the tag.
  await page.getByTestId(`run-select-${b.id}`).check()
  await expect(page.getByTestId('compare-reason')).toContainText('at least 2')
  await expect(page.getByTestId('compare-selected')).toBeDisabled()
  await page.getByTestId('bulk-tag-input').fill('paper')
  await page.getByTestId('bulk-tag-add').click()
  await expect(page.getByTestId(`run-tags-${b.id}`)).toHaveText('paper')
  await page.getByTestId('clear-selection').click()
  await page.getByTestId('filter-tag').selectOption('paper')
  await expect(rows).toHaveCount(1)
  await expect(page.getByTestId(`run-row-${b.id}`)).toBeVisible()
  await expect(page.getByTestId('page-info')).toHaveText('1–1 of 1')
  await page.screenshot({ path: `${screens}/history-filter-tag.png`, fullPage: true })
  await page.getByTestId('filter-tag').selectOption('')

  // Free text reaches config values: m=300 is only C.
  await page.getByTestId('runs-filter').fill('m=300')
  await expect(rows).toHaveCount(1)
  await expect(page.getByTestId(`run-row-${c.id}`)).toBeVisible()
  await page.getByTestId('filters-clear').click()
  await expect(rows).toHaveCount(3)

  // Compare A and C.
  await page.getByTestId(`run-select-${a.id}`).check()
  await page.getByTestId(`run-select-${c.id}`).check()
  await expect(page.getByTestId('compare-selected')).toBeEnabled()
  await page.getByTestId('compare-selected').click()
  await expect(page).toHaveURL(new RegExp(`#/compare\\?ids=${a.id}(%2C|,)${c.id}$`))
  await expect(page.getByTestId('diff-row-seed')).toHaveAttribute('data-differs', 'true')
  await expect(page.getByTestId('diff-row-seed')).toContainText('1')
  await expect(page.getByTestId('diff-row-m')).toHaveAttribute('data-differs', 'true')
  await expect(page.getByTestId('diff-row-d')).toHaveAttribute('data-differs', 'false')
  await expect(page.getByTestId('diff-count')).toHaveText(/^2 of \d+ fields differ$/)
  await expect(page.getByTestId('compare-metric-run-lambda50Ratio')).toBeVisible()
  // Rows in the form's words, not code keys.
  await expect(page.getByTestId('diff-row-m')).toContainText('Hidden width m')
  await expect(page.getByTestId('diff-row-tauRule')).toContainText('Minimise training error')
  await expect(page.getByTestId('compare-metric-run-lambda50Ratio')).toContainText(
    'λ50 ratio, clean / backdoored'
  )
  const overlay = page.getByTestId('compare-chart-asr').locator('canvas')
  await expect(overlay).toBeVisible()
  expect((await overlay.boundingBox())!.width).toBeGreaterThan(200)
  await expect(page.getByTestId('compare-chart-advantage').locator('canvas')).toBeVisible()
  // The overlaid chart exports too: its numbers carry the run of each row.
  const compared = page.getByTestId('compare-chart-asr')
  await compared.getByTestId('export-asr').click()
  const csvDownload = page.waitForEvent('download')
  await compared.getByTestId('export-csv').click()
  const csv = await csvDownload
  expect(csv.suggestedFilename()).toBe(`run-${a.id}-${c.id}-asr.csv`)
  const csvLines = readFileSync(await csv.path(), 'utf8')
    .trim()
    .split(/\r?\n/)
  expect(csvLines[0]).toBe('run,series,x,y,lower,upper')
  for (const id of [a.id, c.id]) expect(csvLines.some((l) => l.startsWith(`${id},`))).toBe(true)
  await page.keyboard.press('Escape')
  await page.screenshot({ path: `${screens}/history-compare.png`, fullPage: true })
  await page.getByTestId('only-differences').check()
  await expect(page.getByTestId('diff-row-d')).toHaveCount(0)
  await expect(page.getByTestId('diff-row-seed')).toBeVisible()

  // Save it, find it among the saved comparisons, reopen it.
  await page.getByTestId('comparison-name').fill('seed 1 vs seed 3')
  await page.getByTestId('comparison-save').click()
  await expect(page).toHaveURL(/#\/compare\/\d+$/)
  await expect(page.getByTestId('compare-title')).toHaveText('seed 1 vs seed 3')
  await page.getByTestId('nav-compare').click()
  await expect(page.getByTestId('saved-comparisons')).toContainText('seed 1 vs seed 3')
  await page.screenshot({ path: `${screens}/history-saved-comparisons.png`, fullPage: true })
  await page
    .getByTestId('saved-comparisons')
    .getByRole('link', { name: 'seed 1 vs seed 3' })
    .click()
  await expect(page.getByTestId('compare-title')).toHaveText('seed 1 vs seed 3')
  await expect(page.getByTestId('compare-chart-asr').locator('canvas')).toBeVisible()
  await expect(page.getByTestId(`compare-run-${c.id}`)).toContainText('history C')

  // A's page: its chart exports as a PNG file from the Export menu.
  await page.getByTestId(`compare-run-${a.id}`).getByRole('link').click()
  const asrCard = page.getByTestId('chart-asr')
  await asrCard.getByTestId('export-asr').click()
  await asrCard.getByRole('radio', { name: '600 dpi' }).check()
  const pngDownload = page.waitForEvent('download')
  await asrCard.getByTestId('export-png').click()
  const png = await pngDownload
  expect(png.suggestedFilename()).toMatch(/\.png$/)
  await expect(asrCard.getByTestId('export-message')).toBeVisible()
  await expect(asrCard.getByTestId('export-message')).toContainText('Saved')
  // The file is a PNG of the chosen size: column width (3.25 in) at 600 dpi.
  const pngBytes = readFileSync(await png.path())
  expect(pngBytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  expect(pngBytes.readUInt32BE(16)).toBe(Math.round(3.25 * 600))
  // The same chart as SVG: vector paths and the axis title of the chart on screen.
  const svgDownload = page.waitForEvent('download')
  await asrCard.getByTestId('export-svg').click()
  const svg = await svgDownload
  expect(svg.suggestedFilename()).toMatch(/\.svg$/)
  const svgText = readFileSync(await svg.path(), 'utf8')
  expect(svgText).toMatch(/<svg[\s>]/)
  expect(svgText).toMatch(/<path[\s>]/)
  // Axis titles stay text (word by word): the x title and the y title.
  for (const word of ['Trigger', 'scale', 'Attack', 'success', 'rate']) {
    expect(svgText, `SVG text "${word}"`).toMatch(new RegExp(`<text[^>]*>${word}</text>`))
  }
  await page.screenshot({ path: `${screens}/history-export-menu.png` })
  await page.keyboard.press('Escape')

  // Re-run A exactly: the new run says its numbers are identical.
  await page.getByTestId('rerun-exact').click()
  await expect(page).not.toHaveURL(new RegExp(`#/runs/${a.id}$`))
  await expect(page.getByTestId('run-name')).toHaveText(`history A (re-run of #${a.id})`)
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 90_000 })
  await expect(page.getByTestId('reproduction-verdict')).toHaveText(
    `Re-run of #${a.id}: numbers identical`
  )
  await expect(page.getByTestId('run-reproduction')).toContainText('on the same backend')
  await page.screenshot({ path: `${screens}/history-rerun-identical.png`, fullPage: true })
  const rerunId = Number(page.url().match(/runs\/(\d+)$/)![1])

  // Delete the re-run and B together, behind a confirmation naming how many.
  // The selection made for the comparison is kept while browsing; start a new one.
  await page.getByTestId('nav-runs').click()
  await expect(page.getByTestId('selection-count')).toContainText('2')
  await page.getByTestId('clear-selection').click()
  await page.getByTestId(`run-select-${rerunId}`).check()
  await page.getByTestId(`run-select-${b.id}`).check()
  await page.getByTestId('delete-selected').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('Delete 2 runs?')
  await page.screenshot({ path: `${screens}/history-delete-confirm.png` })
  await page.getByTestId('confirm-cancel').click()
  await expect(rows).toHaveCount(4)
  await page.getByTestId('delete-selected').click()
  await page.getByTestId('confirm-ok').click()
  await expect(rows).toHaveCount(2)
  await expect(page.getByTestId('runs-notice')).toContainText('Deleted 2 runs')
})

test('a run computing when the app stops shows as interrupted, with what it had finished', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  const big = {
    ...small(5),
    d: 200,
    m: 20000,
    n: 3000,
    nTest: 3000,
    lambdas: { from: 0, to: 8, steps: 200 }
  }
  const run = await api<RunSummary>(page, 'startRun', { name: 'cut short', config: big })
  await expect
    .poll(async () => (await api<RunDetail>(page, 'getRun', { id: run.id })).status, {
      timeout: 60_000
    })
    .toBe('running')
  await lab.restart()
  await page.goto(lab.url)
  await page.getByTestId('nav-runs').click()
  await expect(page.getByTestId(`run-status-${run.id}`)).toHaveText('interrupted')
  await page.getByTestId('filter-status-interrupted').click()
  await expect(page.locator('[data-testid^="run-row-"]')).toHaveCount(1)
  await page.screenshot({ path: `${screens}/history-interrupted-list.png`, fullPage: true })
  await page.getByTestId(`run-link-${run.id}`).click()
  await expect(page.getByTestId('run-interrupted')).toBeVisible()
  await expect(page.getByTestId('run-finished-parts')).toBeVisible()
  await page.screenshot({ path: `${screens}/history-interrupted-run.png`, fullPage: true })
})

test('export runs as a bundle and import it back; a changed bundle is refused and changes nothing', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  const run = await api<RunSummary>(page, 'startRun', { name: 'bundled', config: small(11) })
  await waitForRun(page, run.id)
  await page.getByTestId('nav-runs').click()
  const rows = page.locator('[data-testid^="run-row-"]')
  await expect(rows).toHaveCount(1)

  await page.getByTestId(`run-select-${run.id}`).check()
  const download = page.waitForEvent('download')
  await page.getByTestId('export-bundle').click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.json$/)
  const json = readFileSync(await file.path(), 'utf8')
  expect(JSON.parse(json).runs).toHaveLength(1)
  await expect(page.getByTestId('runs-notice')).toContainText('Exported 1 run')
  await page.getByTestId('clear-selection').click()

  // Back in: a new run with a new id and the same numbers.
  await page.getByTestId('import-bundle-file').setInputFiles({
    name: 'bundled.lab.json',
    mimeType: 'application/json',
    buffer: Buffer.from(json)
  })
  await expect(page.getByTestId('runs-notice')).toContainText(
    'Imported 1 run from bundled.lab.json'
  )
  await expect(rows).toHaveCount(2)
  const [original, copy] = await Promise.all(
    [run.id, run.id + 1].map((id) => api<RunDetail>(page, 'getRun', { id }))
  )
  expect(copy.name).toBe('bundled')
  expect(copy.metrics).toEqual(original.metrics)
  await page.screenshot({ path: `${screens}/history-bundle-imported.png`, fullPage: true })

  // A bundle whose numbers were changed by hand is refused, and nothing is added.
  const bundle = JSON.parse(json)
  bundle.runs[0].metrics[0].value += 0.25
  await page.getByTestId('import-bundle-file').setInputFiles({
    name: 'changed.lab.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bundle))
  })
  await expect(
    page.getByRole('alert').filter({ hasText: 'changed.lab.json was not imported' })
  ).toBeVisible()
  await expect(rows).toHaveCount(2)
  await page.screenshot({ path: `${screens}/history-bundle-refused.png`, fullPage: true })
})
