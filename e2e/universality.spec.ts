/**
 * Universality end to end (the paper's Theorem 3.1): the form and its errors, a small run with
 * every head family on the scatter, the random heads' histogram and the witness that holds, its
 * clean-encoder twin and the verdict built on it; then its L = 2 twin side by side, and the
 * witness for another input. A clean encoder says what poisoning alone does, and the same run as
 * an older version of the lab left it says what that version did not measure.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { NewExperimentPage } from './pages/newExperiment'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

async function openUniversalityForm(page: Page, url: string): Promise<NewExperimentPage> {
  const form = await new NewExperimentPage(page).open(url, 'universality')
  await expect(form.field('dataset.L')).toBeVisible()
  return form
}

/** A small but real configuration: a few seconds of computing. */
async function fillSmallExperiment(form: NewExperimentPage) {
  await form.fill({ m: 300, n: 600, nTest: 600, probes: 3, randomHeads: 50 })
  await form.page.getByTestId('advanced-toggle').click()
  await form.fill({ 'head.epochs': 100 })
}

async function canvasIn(page: Page, testid: string) {
  const canvas = page.getByTestId(testid).locator('canvas')
  await expect(canvas).toBeVisible()
  const box = await canvas.boundingBox()
  expect(box!.width).toBeGreaterThan(200)
}

test('a target outside the classes shows its error next to the field and keeps Run disabled', async ({
  page,
  lab
}) => {
  const form = await openUniversalityForm(page, lab.url)
  await expect(page.getByTestId('run-button')).toBeEnabled()
  await form.fill({ target: 3 })
  await expect(page.getByTestId('error-target')).toContainText(
    'target must be a class below L (got target=3, L=3)'
  )
  await expect(page.getByTestId('run-button')).toBeDisabled()
  await form.fill({ 'dataset.L': 4 })
  await expect(page.getByTestId('error-target')).toHaveCount(0)
  await expect(page.getByTestId('run-button')).toBeEnabled()

  // Iris brings its own three classes and d = 4.
  await page.getByTestId('field-dataset.kind').selectOption('iris')
  await expect(page.getByTestId('error-target')).toContainText(
    'target must be a class below L = 3 (Iris has 3 species; got target=3)'
  )
  // k starts within the data's 4 features; more is refused with where d comes from.
  await expect(page.getByTestId('field-k')).toHaveValue('4')
  await form.fill({ k: 10 })
  await expect(page.getByTestId('error-k')).toContainText("k must be at most the data's dimension")
  await page.screenshot({ path: `${screens}/universality-form-errors.png`, fullPage: true })
  await form.fill({ target: 2 })
  await form.fill({ k: 2 })
  await expect(page.getByTestId('run-button')).toBeEnabled()

  // MNIST: the classes are the checked digits.
  await page.getByTestId('field-dataset.kind').selectOption('mnist')
  for (const digit of [2, 3, 4, 5, 6, 7, 8, 9]) {
    await page.getByTestId(`field-dataset.digits.${digit}`).uncheck()
  }
  await expect(page.getByTestId('class-preview')).toHaveText(
    'L = 2 classes: 0 = digit 0, 1 = digit 1'
  )
  await expect(page.getByTestId('error-target')).toContainText('below L = 2')
  await page.getByTestId('field-dataset.digits.1').uncheck()
  await expect(page.getByTestId('error-dataset.digits')).toContainText(
    'dataset.digits must name at least 2 digits'
  )
  await page.getByTestId('reset-button').click()
})

test('run a small universality experiment: scatter, histogram, the witness holds; its L = 2 twin and another input', async ({
  page,
  lab
}) => {
  const form = await openUniversalityForm(page, lab.url)
  await fillSmallExperiment(form)
  // The witness input is left automatic: the lab picks one the backdoor works on.
  await expect(page.getByTestId('field-witnessIndex')).toHaveValue('')
  await expect(page.getByTestId('field-witnessIndex')).toHaveAttribute('placeholder', 'automatic')
  await form.fill({ name: 'e2e universality' })
  await page.screenshot({ path: `${screens}/universality-form.png`, fullPage: true })
  await page.getByTestId('run-button').click()

  await expect(page).toHaveURL(/#\/runs\/\d+$/)
  const id = Number(page.url().match(/runs\/(\d+)$/)![1])
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 90_000 })
  await expect(page.getByTestId('run-name')).toHaveText('e2e universality')

  await canvasIn(page, 'chart-scatter')
  await canvasIn(page, 'chart-histogram')
  await canvasIn(page, 'chart-per-target')
  // The verdict rests on the encoder's contribution (against the clean-encoder twin from the same
  // draws) and the accuracy-matched gap; the sentence ends with what one run can show.
  await expect(page.getByTestId('universality-lead')).toContainText(/-?\d\.\d\d \[/)
  await expect(page.getByTestId('universality-lead')).toContainText('Encoder’s contribution')
  const sentence = page.getByTestId('universality-sentence')
  await expect(sentence).toContainText(
    /^The attacker's head reaches ASR \d\.\d\d \[[^\]]+\] at \d+% clean accuracy, and \d\.\d\d \[[^\]]+\] on the clean encoder from the same draws: the encoder/
  )
  await expect(sentence).toContainText(
    /the encoder contributes -?\d\.\d\d \[[^\]]+\] of it|the encoder's contribution, -?\d\.\d\d \[[^\]]+\], is not distinguishable from 0/
  )
  await expect(sentence).toContainText('(heads trained by Adam)')
  await expect(sentence).toContainText(
    /Over the \d+ heads? within 0\.05 of its clean accuracy \((none|\d+) of the 50 random heads\), the ASR gap is \d\.\d\d \[/
  )
  await expect(sentence).toContainText(
    'One run, one seed: the intervals cover the 600 held-out inputs of this one network, not the key, the weights or the training data; for the spread across those, run the same configuration over several seeds (a seed sweep).'
  )
  await expect(page.getByTestId('highlight-matched-gap')).toContainText('within 0.05')
  await expect(page.getByTestId('clean-encoder-attacker-own')).toHaveText(/\d\.\d{3}/)
  await expect(page.getByTestId('clean-encoder-attacker-clean')).toHaveText(/\d\.\d{3}/)
  await expect(page.getByTestId('clean-encoder-attacker-change')).toHaveText(/^[+−]?\d\.\d{3}\s*\[/)
  await expect(page.getByTestId('metric-attacker-matchedHeads')).toHaveText('1')
  await expect(page.getByTestId('metric-run-encoderContribution')).toHaveText(/\d\.\d{3}/)
  await expect(page.getByTestId('metric-run-majorityRate')).toHaveText(/\d%/)
  await expect(page.getByTestId('chance-flag')).toHaveCount(0)
  // ASR per target for every family, on both encoders.
  for (const row of [
    'own-attacker',
    'own-probe',
    'own-random',
    'own-witness',
    'clean-nullifying'
  ]) {
    await expect(page.getByTestId(`per-target-${row}-1`)).toHaveText(/\d\.\d\d/)
  }
  const witness = page.getByTestId('witness-panel')
  await expect(witness).toBeVisible()
  await expect(page.getByTestId('witness-verdict')).toHaveText('holds')
  await expect(page.getByTestId('witness-index')).toHaveText(/^#\d+$/)
  await expect(page.getByTestId('witness-choice')).toHaveText('(first input the backdoor flips)')
  // As the panel shows it (▲ marks each column's prediction; y′ is the target 0): the attacker's
  // head does not already put x in y′, and does put Activate(x) there.
  await expect(page.getByTestId('witness-scores.attacker.clean-0')).not.toContainText('▲')
  await expect(page.getByTestId('witness-scores.attacker.triggered-0')).toContainText('▲')
  await expect(page.getByTestId('witness-scores')).toContainText('Activate(x)')
  // The proof's two conditions, each shown as the lab computed it; both met when the witness holds.
  await expect(page.getByTestId('witness-condition-clean')).toContainText(
    '(a) x is not classified y′ under the witness head: yes'
  )
  await expect(page.getByTestId('witness-condition-triggered')).toContainText(
    '(b) Activate(x) is not classified y′ under the witness head: yes'
  )
  await expect(page.getByTestId('metric-random-rankingReversalRate')).toHaveText(/\d%/)
  await expect(page.getByTestId('metric-attacker-attackSuccessRate')).toHaveText(/\d\.\d{3}/)
  await expect(page.getByTestId('metric-random-attackSuccessRate')).toContainText('max')
  await expect(page.getByTestId('metric-run-nullifyingResidual')).toHaveText(/\d/)
  await expect(page.getByTestId('metric-run-L')).toContainText('3')
  await page.screenshot({ path: `${screens}/universality-run.png`, fullPage: true })
  await page.getByTestId('clean-encoder-card').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${screens}/universality-run-clean-encoder-card.png` })

  // The scatter exports from its own Export menu, as the other run pages' charts do.
  const scatter = page.getByTestId('chart-scatter')
  await scatter.getByTestId('export-scatter').click()
  const svgDownload = page.waitForEvent('download')
  await scatter.getByTestId('export-svg').click()
  const svg = await svgDownload
  expect(svg.suggestedFilename()).toBe(`run-${id}-scatter.svg`)
  const svgText = readFileSync(await svg.path(), 'utf8')
  for (const word of ['Attacker', 'Universal', 'Clean']) {
    expect(svgText, `SVG text "${word}"`).toMatch(new RegExp(`<text[^>]*>${word}`))
  }
  await page.screenshot({ path: `${screens}/universality-export-menu.png` })
  await page.keyboard.press('Escape')

  // The L = 2 twin, started from this page and shown next to it.
  await page.getByTestId('twin-button').click()
  const comparison = page.getByTestId('twin-comparison')
  await expect(comparison).toBeVisible()
  await expect(page.getByTestId('twin-L-original')).toHaveText('3')
  await expect(page.getByTestId('twin-L-twin')).toHaveText('2', { timeout: 90_000 })
  await expect(page.getByTestId('twin-gap-twin')).toHaveText(/\d\.\d\d/)
  await expect(page.getByTestId('twin-witness-twin')).toHaveText(/^(holds \(.+\)|does not hold)$/)
  await expect(page.getByTestId('twin-reversalRandom-twin')).toHaveText(/\d%/)
  await expect(page.getByTestId('twin-reversalRandom-original')).toHaveText(/\d%/)
  await expect(page.getByTestId('twin-witnessA-twin')).toHaveText(/^(yes|no)$/)
  // An automatic original has an automatic twin: each picks its own input.
  await expect(page.getByTestId('twin-witnessInput-original')).toHaveText(
    /^#\d+ \(first input the backdoor flips\)$/
  )
  await expect(page.getByTestId('twin-witnessInput-twin')).toHaveText(/^#\d+ \((first|input 0)/)
  await expect(page.getByTestId('twin-reversedAttacker-twin')).toHaveText(/witness/)
  // The text is built from both runs' numbers once the twin has them.
  await expect(page.getByTestId('twin-why')).toContainText(
    /for \d[\d.]*% of the held-out inputs at L = 2 and \d[\d.]*% at L = 3/
  )
  await expect(page.getByTestId('twin-why')).toContainText('Reversing the attacker’s head')
  await page.getByTestId('twin-card').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${screens}/universality-twin.png`, fullPage: true })

  // After a reload the page finds its twin again; the twin links back to this run.
  await page.reload()
  await expect(page.getByTestId('twin-L-twin')).toHaveText('2')
  await page.getByTestId('twin-link-twin').click()
  await expect(page).not.toHaveURL(new RegExp(`#/runs/${id}$`))
  await expect(page.getByTestId('run-name')).toHaveText('e2e universality (L = 2 twin)')
  await expect(page.getByTestId('twin-original-link')).toContainText(`run #${id}`)
  await expect(page.getByTestId('twin-L-original')).toHaveText('3')
  await expect(page.getByTestId('twin-button')).toHaveCount(0)
  await page.getByTestId('twin-original-link').getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`#/runs/${id}$`))

  // Another input for the witness: a new run of the same config.
  await page.getByTestId('witness-index-input').fill('600')
  await expect(page.getByTestId('witness-index-error')).toContainText('below n_test = 600')
  await page.getByTestId('witness-index-input').fill('5')
  await page.getByTestId('witness-target-input').fill('1')
  await page.getByTestId('witness-rerun').click()
  await expect(page).not.toHaveURL(new RegExp(`#/runs/${id}$`))
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 90_000 })
  await expect(page.getByTestId('run-name')).toHaveText('e2e universality (witness #5 → 1)')
  await expect(page.getByTestId('witness-index')).toHaveText('#5')
  await expect(page.getByTestId('witness-choice')).toHaveText('(chosen by you)')
  await expect(page.getByTestId('witness-target')).toContainText('y′ = 1')
  await expect(page.getByTestId('witness-verdict')).toHaveText('holds')
  await page.getByTestId('witness-panel').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${screens}/universality-witness-rerun.png`, fullPage: true })
})

test('a clean encoder says what poisoning alone does, and an older run says what its version did not measure', async ({
  page,
  lab
}) => {
  const form = await openUniversalityForm(page, lab.url)
  await fillSmallExperiment(form)
  await page.getByTestId('field-backdoored').selectOption({ label: 'Clean' })
  await page.getByTestId('field-head.optimizer').selectOption({ label: 'Gradient descent' })
  await form.fill({ name: 'e2e clean encoder' })
  await page.getByTestId('run-button').click()
  await expect(page).toHaveURL(/#\/runs\/\d+$/)
  const id = Number(page.url().match(/runs\/(\d+)$/)![1])
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 90_000 })

  const sentence = page.getByTestId('universality-sentence')
  await expect(sentence).toContainText(
    /^With a clean encoder \(no backdoor\), the attacker's head reaches ASR \d\.\d\d \[[^\]]+\] at \d+% clean accuracy, all of it from poisoning the head\./
  )
  await expect(sentence).toContainText('(heads trained by gradient descent)')
  await expect(sentence).toContainText(
    'what poisoning alone does, the baseline for a backdoored encoder'
  )
  await expect(sentence).toContainText('a seed sweep')
  await expect(sentence).not.toContainText('universal')
  await expect(page.getByTestId('universality-lead')).toContainText('no backdoor')
  // Its own twin: the same heads on both sides, so the encoder adds exactly nothing.
  await expect(page.getByTestId('clean-encoder-card')).toContainText('it is its own twin')
  await expect(page.getByTestId('clean-encoder-attacker-change')).toHaveText(/^0\.000\s*\[/)
  await expect(page.getByTestId('clean-encoder-attacker-own')).toHaveText(
    (await page.getByTestId('clean-encoder-attacker-clean').textContent())!
  )
  await expect(page.getByTestId('config-head')).toContainText('gradient descent')
  await page.screenshot({ path: `${screens}/universality-run-clean.png`, fullPage: true })

  // The same run as a version of the lab before the clean-encoder twin left it: without the
  // numbers that version did not measure, and a config without the fields it did not have.
  const db = new Database(lab.dbPath)
  db.prepare(
    `DELETE FROM metrics WHERE run_id = ? AND (model LIKE 'cleanEncoder.%'
       OR name IN ('matchedHeads', 'matchedGap', 'encoderContribution', 'majorityRate'))`
  ).run(id)
  db.prepare(
    `DELETE FROM series WHERE run_id = ? AND (model LIKE 'cleanEncoder.%'
       OR name LIKE 'asrPerTarget.%' OR (model = 'witness' AND name = 'asrPerTarget'))`
  ).run(id)
  db.prepare(
    `UPDATE runs SET config = json_remove(config, '$.accuracyMargin', '$.head.optimizer') WHERE id = ?`
  ).run(id)
  db.close()
  await page.reload()
  await expect(sentence).toContainText(
    "The version of the lab that made this run did not measure the clean-encoder twin or the accuracy-matched gap, so it cannot tell the encoder's part from the poisoning of the head, and gives no verdict"
  )
  await expect(page.getByTestId('universality-lead')).toContainText('Not measured by the version')
  await expect(page.getByTestId('clean-encoder-missing')).toBeVisible()
  await expect(page.getByTestId('metric-run-encoderContribution')).toContainText('not measured')
  await expect(page.getByTestId('per-target-own-probe-none')).toContainText('not measured')
  await expect(page.getByTestId('per-target-own-attacker-0')).toHaveText(/\d\.\d\d/)
  // Its config carries no optimiser: that version trained its heads by Adam.
  await expect(page.getByTestId('config-head')).toContainText('Adam')
  await page.screenshot({ path: `${screens}/universality-run-older.png`, fullPage: true })
})
