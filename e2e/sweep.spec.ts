/**
 * A sweep as a researcher runs one: set it up in the New experiment form (an error at the value
 * that causes it), start it, watch its progress, read its chart (the mean line, its band and
 * every seed's dot), export it, and open one of its runs; then a sweep of two fields with its
 * heat map.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import type { SweepDetail } from '../src/shared/sweepStatus'
import { expect, test } from './fixtures'
import { api } from './pages/api'
import { NewExperimentPage, SweepForm } from './pages/newExperiment'
import { RunPage } from './pages/runPage'
import { SweepPage } from './pages/sweepPage'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

/** A small but real configuration: each run takes about a second. */
const small = { d: 20, m: 300, k: 4, n: 400, nTest: 400, 'lambdas.steps': 9 }
const tiny = {
  kind: 'effectiveness',
  d: 20,
  m: 200,
  k: 4,
  n: 300,
  nTest: 300,
  lambdas: { from: 0, to: 8, steps: 9 }
}

/** The paper style's blue (Okabe–Ito), and its band and seed dots over white. */
const BLUE: [number, number, number] = [0, 114, 178]
const over = (alpha: number): [number, number, number] =>
  BLUE.map((c) => Math.round(255 - alpha * (255 - c))) as [number, number, number]

test('a sweep from the form: its progress, its chart, its export and its runs', async ({
  page,
  lab
}) => {
  const form = await new NewExperimentPage(page).open(lab.url)
  await form.fill(small)
  const sweep = await new SweepForm(page).open()
  await sweep.values(0, [1, -3])
  await sweep.seeds(3)
  // A value the schema refuses is named at its box; the sweep cannot start.
  await expect(sweep.error('sweep.fields.0.values.1')).toHaveText(
    'θ = -3: Spike strength θ must be at least 0'
  )
  await expect(sweep.value(0, 1)).toHaveAttribute('aria-invalid', 'true')
  await expect(form.runButton).toBeDisabled()
  await sweep.value(0, 1).fill('3')
  await expect(sweep.error('sweep.fields.0.values.1')).toHaveCount(0)
  await expect(page.getByTestId('sweep-runs')).toHaveText(
    '6 runs (2 points × 3 seeds; at most 500)'
  )
  // A fresh lab has no finished run to time the sweep by, and says so.
  await expect(page.getByTestId('sweep-estimate')).toHaveText(
    'No estimate: no finished effectiveness run in the history to time it by.'
  )
  // The swept field's own box is set by the sweep.
  await expect(form.field('theta')).toBeDisabled()
  await page.screenshot({ path: `${screens}/sweep-form.png`, fullPage: true })
  await expect(form.runButton).toHaveText('Start sweep (6 runs)')
  const id = await sweep.start()

  const view = new SweepPage(page)
  await expect(view.counts).toContainText('of 6 runs')
  await page.screenshot({ path: `${screens}/sweep-progress.png`, fullPage: true })
  await view.waitFor('done')
  await expect(view.counts).toHaveText('6 done · 0 running · 0 queued · 0 failed of 6 runs')
  await expect(page.getByTestId('sweep-segment-done')).toHaveAttribute('data-count', '6')

  // The mean line, its band and the seeds' dots, as drawn.
  await view.metric().selectOption('backdoored/cleanAccuracy')
  await expect(page.getByTestId('sweep-mean-note').first()).toContainText(
    'n = 3 seeds at every point'
  )
  const drawn = await view.pixels('sweep-mean', {
    line: BLUE,
    band: over(0.18),
    dot: over(0.4)
  })
  expect(drawn.line, 'the mean line').toBeGreaterThan(300)
  expect(drawn.band, 'the band').toBeGreaterThan(300)
  expect(drawn.dot, 'the seeds’ dots').toBeGreaterThan(5)
  await page.screenshot({ path: `${screens}/sweep-one-field.png`, fullPage: true })

  // Export: the numbers, one row per run and one per point.
  const card = view.card('sweep-mean')
  await card.getByTestId('export-sweep-mean').click()
  let download = page.waitForEvent('download')
  await card.getByTestId('export-csv').click()
  const csv = await download
  expect(csv.suggestedFilename()).toBe(`sweep-${id}-mean-backdoored-cleanAccuracy.csv`)
  const rows = parse(readFileSync(await csv.path(), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[]
  expect(rows.map((r) => r.row).sort()).toEqual([
    ...Array(2).fill('point'),
    ...Array(6).fill('run')
  ])
  for (const point of rows.filter((r) => r.row === 'point')) {
    const values = rows
      .filter((r) => r.row === 'run' && r.point === point.point)
      .map((r) => Number(r.value))
    expect(Number(point.mean)).toBeCloseTo(values.reduce((a, b) => a + b) / 3, 12)
    expect(point.n).toBe('3')
  }
  download = page.waitForEvent('download')
  await card.getByTestId('export-png').click()
  expect((await download).suggestedFilename()).toBe(`sweep-${id}-mean-backdoored-cleanAccuracy.png`)

  // Each point's runs are ordinary runs; each says which sweep it is part of.
  const detail = await api<SweepDetail>(page, 'getSweep', { id })
  const child = detail.children.find((c) => c.point === 1 && c.replicate === 2)!
  await view.point(1).getByTestId(`sweep-run-${child.id}`).click()
  const run = new RunPage(page)
  await expect(run.status).toHaveText('done')
  await run.chart('asr')
  await expect(page.getByTestId('run-sweep-link')).toHaveText(
    `part of sweep #${id} (point 2, seed 3)`
  )
  await page.getByTestId('run-sweep-link').click()
  await expect(view.status).toHaveText('done')

  // With this sweep in the history, the next one has an estimate, and says what it rests on.
  await new NewExperimentPage(page).open(lab.url)
  await new SweepForm(page).open()
  await expect(page.getByTestId('sweep-estimate')).toContainText(
    /^Estimated time about \d+ (s|min)\. From 6 finished effectiveness runs in the history: /
  )
})

test('a sweep of two fields: a line per value of the second, and the heat map', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  const started = await api<SweepDetail>(page, 'startSweep', {
    config: {
      ...tiny,
      sweep: {
        fields: [
          { path: 'theta', values: [1, 3, 6] },
          { path: 'm', values: [100, 400] }
        ],
        seeds: 2
      }
    }
  })
  const view = await new SweepPage(page).open(lab.url, started.id)
  await view.waitFor('done')
  await view.chart('sweep-mean')
  await view.chart('sweep-heatmap')
  await expect(page.getByTestId('sweep-heatmap-note').first()).toContainText(
    'Colour: the mean of λ50 ratio, clean / backdoored over the seeds of each point, n = 2 seeds at every point'
  )
  // The lowest and highest means are viridis's ends: both are drawn.
  const cells = await view.pixels(
    'sweep-heatmap',
    { lowest: [68, 1, 84], highest: [253, 231, 37] },
    4
  )
  expect(cells.lowest).toBeGreaterThan(500)
  expect(cells.highest).toBeGreaterThan(500)
  await page.screenshot({ path: `${screens}/sweep-two-fields.png`, fullPage: true })
  // m across instead: a line per θ.
  await page.getByTestId('sweep-x').selectOption({ label: 'Hidden width m' })
  await expect(page.locator('#sweep-mean-title')).toHaveText(
    'λ50 ratio, clean / backdoored, against hidden width m, one line per θ'
  )
})

test("the desktop menu's New sweep path opens the form as a sweep", async ({ page, lab }) => {
  await page.goto(lab.url)
  await expect(page.getByTestId('nav-new')).toBeVisible()
  await page.evaluate(() => {
    ;(globalThis as unknown as { location: { hash: string } }).location.hash = '#/new?mode=sweep'
  })
  await expect(page.getByTestId('mode-sweep')).toBeChecked()
  await expect(page.getByTestId('section-sweep')).toBeVisible()
  await expect(page).toHaveURL(/#\/new$/)
})
