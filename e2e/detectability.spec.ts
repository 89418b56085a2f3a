/**
 * Detectability end to end: a small frontier from the form (its charts and its sentence), and the
 * Detectability panel of an effectiveness run, in the real headless host and Chromium.
 */
import { mkdirSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

async function fill(page: Page, fields: Record<string, string | number>) {
  for (const [field, value] of Object.entries(fields)) {
    await page.getByTestId(`field-${field}`).fill(String(value))
  }
}

async function expectDrawn(page: Page, testId: string) {
  const canvas = page.getByTestId(testId).locator('canvas')
  await expect(canvas).toBeVisible()
  const box = await canvas.boundingBox()
  expect(box!.width).toBeGreaterThan(150)
}

test('a small frontier from the form: both charts, the cost chart and the sentence', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  await page.getByTestId('kind-detectability').click()
  await expect(page.getByTestId('bbp-note')).toContainText('√(d/m) = 0.224')

  // A λ off the grid is refused in the form's words, before anything is saved.
  await fill(page, { lambda: 3.3 })
  await expect(page.getByTestId('error-lambda')).toContainText(
    "lambda must be one of the λ grid's values"
  )
  await expect(page.getByTestId('run-button')).toBeDisabled()

  await fill(page, {
    d: 20,
    m: 300,
    k: 4,
    'thetas.from': 0.05,
    'thetas.to': 5,
    'thetas.steps': 4,
    draws: 4,
    nullDraws: 39,
    lambda: 3,
    n: 200,
    nTest: 200,
    name: 'e2e frontier'
  })
  await expect(page.getByTestId('theta-preview')).toContainText('4 values')
  await expect(page.getByTestId('bbp-note')).toContainText('√(d/m) = 0.258')
  await page.getByTestId('run-button').click()
  await expect(page).toHaveURL(/#\/runs\/\d+$/)
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 })

  await expectDrawn(page, 'chart-frontier')
  await expectDrawn(page, 'chart-auroc')
  await expectDrawn(page, 'chart-accuracy-cost')
  // The sentence names a θ every test misses, or says there is none, with the numbers.
  await expect(page.getByTestId('frontier-sentence')).toHaveText(
    /^(Up to θ = [\d.]+, every test's power at level α = 0\.05 stays below 0\.1 .*λ50 ratio is .*|No θ on the grid keeps every test's power .*)$/
  )
  await expect(page.getByTestId('highlight-bbp')).toContainText('0.258')
  await page.screenshot({ path: `${screens}/detectability-frontier.png`, fullPage: true })

  // Export, history and compare come from the registry: the frontier is in the runs table.
  await page.getByTestId('nav-runs').click()
  await expect(page.getByTestId('runs-table')).toContainText('e2e frontier')
})

test("an effectiveness run's Detectability panel: its weights against the null", async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  await page.getByTestId('kind-effectiveness').click()
  await fill(page, { d: 40, m: 600, k: 5, n: 300, nTest: 300 })
  await page.getByTestId('run-button').click()
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 })

  const panel = page.getByTestId('detect-panel')
  await expect(panel).toBeVisible()
  await expect(page.getByTestId('detect-row-detect.clean')).toContainText('Clean twin')
  // θ = 4 is far above √(d/m) = 0.26: every test flags the backdoored network.
  for (const s of ['topEigenvalue', 'maxDiagonal', 'sparseEigenvalue']) {
    await expect(page.getByTestId(`detect-detect.backdoored-${s}`)).toContainText('flagged')
  }
  await expect(page.getByTestId('detect-sentences')).toContainText('Marchenko–Pastur edge')
  await expect(page.getByTestId('detect-sentences')).toContainText('BBP threshold √(d/m) = 0.258')
  for (const s of ['topEigenvalue', 'maxDiagonal', 'sparseEigenvalue']) {
    await expectDrawn(page, `detect-chart-${s}`)
  }
  await panel.scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${screens}/detectability-panel.png`, fullPage: true })
})
