/**
 * Fine-tuning end to end: the form, live epochs, the before/after charts and summary, cancel
 * keeping finished epochs, and a bad CSV refused with its row and column.
 */
import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { api } from './pages/api'
import { NewExperimentPage } from './pages/newExperiment'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

async function openFinetuneForm(page: Page, url: string): Promise<NewExperimentPage> {
  const form = await new NewExperimentPage(page).open(url, 'finetune')
  await expect(form.field('train.epochs')).toBeVisible()
  return form
}

/** The epoch shown by the progress bar, or null before it shows one. */
async function shownEpoch(page: Page): Promise<number | null> {
  const text = await page
    .getByTestId('progress-steps')
    .textContent({ timeout: 1000 })
    .catch(() => null)
  const match = text?.match(/epoch (\d+) \/ (\d+)/)
  return match ? Number(match[1]) : null
}

test('fine-tune from the form: the epoch counter moves, then the four-curve chart and the summary', async ({
  page,
  lab
}) => {
  const form = await openFinetuneForm(page, lab.url)
  await form.fill({ 'train.epochs': 12 })
  await form.fill({ name: 'e2e fine-tuning' })
  await page.getByTestId('run-button').click()
  await expect(page).toHaveURL(/#\/runs\/\d+$/)

  // Watch the counter move: two different epochs seen while the run computes.
  const seen = new Set<number>()
  await expect
    .poll(
      async () => {
        const epoch = await shownEpoch(page)
        if (epoch !== null) seen.add(epoch)
        return seen.size
      },
      { timeout: 90_000, intervals: [100] }
    )
    .toBeGreaterThanOrEqual(2)
  await page.screenshot({ path: `${screens}/finetune-live.png`, fullPage: true })

  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 })
  const chart = page.getByTestId('chart-asr-before-after').locator('canvas')
  await expect(chart).toBeVisible()
  await expect(page.getByTestId('chart-epoch-asr').locator('canvas')).toBeVisible()
  // The spike energy ÷ row scale per epoch, over its null band, says what it cannot show.
  await expect(page.getByTestId('chart-epoch-spike-normalised').locator('canvas')).toBeVisible()
  await expect(page.getByRole('region', { name: 'Spike energy ÷ row scale' })).toContainText(
    'not whether the trigger still flips inputs'
  )
  await expect(page.getByTestId('finetune-summary-table')).toBeVisible()
  await expect(page.getByTestId('ft-backdoored-cleanAccuracy')).toContainText('→')
  await expect(page.getByTestId('ft-run-advantage')).toContainText('→')
  await expect(page.getByTestId('finetune-sentence')).toContainText(
    /Advantage at λ=2 went from -?\d/
  )
  // Whichever way it went, the sentence says where the interval after fine-tuning lies against 0,
  // and gives the spike energy divided by the rows' scale next to random directions.
  await expect(page.getByTestId('finetune-sentence')).toContainText(
    /its interval (still excludes 0|now includes 0|now lies below 0|included 0 before)/
  )
  await expect(page.getByTestId('finetune-sentence')).toContainText(
    "spike energy, normalised by the rows' scale tr(C)/d"
  )
  // BackdoorBench's triple, the backdoor's cost, the null band and the chance level.
  await expect(page.getByTestId('ft-backdoored-robustAccuracy')).toContainText('→')
  await expect(page.getByTestId('ft-backdoored-normalisedSpikeEnergy')).toContainText('→')
  // λ50 before → after with its bootstrap intervals (a bound may read "open").
  await expect(page.getByTestId('ft-backdoored-lambda50')).toContainText(
    /\[(\d[\d.]*|open), (\d[\d.]*|open)\] → \[/
  )
  await expect(page.getByTestId('ft-clean-nullSpikeEnergy')).toContainText('[')
  await expect(page.getByTestId('ft-backdoored-spikeEnergy')).toContainText(
    'after: ± fresh-draw error only'
  )
  await expect(page.getByTestId('ft-run-backdoorCost')).toContainText('points')
  await expect(page.getByTestId('ft-data-majorityRate')).toContainText('%')
  await expect(page.getByTestId('highlight-triple').locator('dt')).toHaveText([
    'clean accuracy',
    'ASR at λ = 2',
    'robust accuracy at λ = 2'
  ])
  await expect(page.getByTestId('intervals-cover')).toContainText(
    'not the key, the weights or the training data'
  )
  await page.screenshot({ path: `${screens}/finetune-done.png`, fullPage: true })
})

test('cancel a fine-tuning run mid-way: it is marked cancelled and keeps its finished epochs', async ({
  page,
  lab
}) => {
  const form = await openFinetuneForm(page, lab.url)
  await form.fill({ 'train.epochs': 500 })
  await page.getByTestId('run-button').click()
  await expect
    .poll(() => shownEpoch(page), { timeout: 90_000, intervals: [100] })
    .toBeGreaterThanOrEqual(2)
  await page.getByTestId('cancel-button').click()
  await expect(page.getByTestId('run-status')).toHaveText('cancelled')
  const kept = Number(
    (await page.getByTestId('ft-run-epochsCompleted').textContent())!.match(/\d+/)![0]
  )
  expect(kept).toBeGreaterThanOrEqual(2)
  expect(kept).toBeLessThan(500)
  await expect(page.getByTestId('finetune-sentence')).toContainText(
    /Cancelled after \d+ of 500 epochs/
  )
  await expect(page.getByTestId('chart-epoch-asr').locator('canvas')).toBeVisible()
  // The spike energy ÷ row scale per epoch, over its null band, says what it cannot show.
  await expect(page.getByTestId('chart-epoch-spike-normalised').locator('canvas')).toBeVisible()
  await expect(page.getByRole('region', { name: 'Spike energy ÷ row scale' })).toContainText(
    'not whether the trigger still flips inputs'
  )
  await page.screenshot({ path: `${screens}/finetune-cancelled.png`, fullPage: true })
})

test('a CSV with text in a numeric cell is refused with its row and column, and nothing is imported', async ({
  page,
  lab
}) => {
  const form = await openFinetuneForm(page, lab.url)
  await form.choose('dataset.kind', 'csv')
  const csv = 'a,b,label\n1,2,yes\n3,abc,no\n5,6,yes\n'
  await page
    .getByTestId('field-dataset.file')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await expect(page.getByTestId('error-dataset.file')).toContainText(
    'row 3, column "b": "abc" is not a number'
  )
  await page.screenshot({ path: `${screens}/finetune-csv-error.png`, fullPage: true })
  const listed = await api<unknown[]>(page, 'listDatasets', {})
  expect(listed).toEqual([])
})
