/**
 * Figures for papers from the Export menu: a custom width out of range says why and draws
 * nothing, the numbers still export; a valid width exports the chart as LaTeX (a pgfplots axis
 * of that width with the plotted numbers inline).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import type { RunDetail, RunSummary } from '../src/shared/results'
import { expect, test } from './fixtures'
import { api } from './pages/api'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

test('a bad custom width says why; the chart exports as LaTeX at a valid one', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  const run = await api<RunSummary>(page, 'startRun', {
    config: {
      kind: 'effectiveness',
      d: 20,
      m: 200,
      k: 4,
      n: 200,
      nTest: 200,
      lambdas: { from: 0, to: 6, steps: 7 }
    },
    name: 'export figure'
  })
  await expect
    .poll(async () => (await api<RunDetail>(page, 'getRun', { id: run.id })).status, {
      timeout: 90_000,
      intervals: [250]
    })
    .toBe('done')
  await page.goto(`${lab.url}#/runs/${run.id}`)
  const card = page.getByTestId('chart-asr')
  await card.getByTestId('export-asr').click()

  // Half an inch: the menu says what is allowed, and no figure format can be chosen.
  await card.getByTestId('export-width-custom').check()
  await card.getByRole('spinbutton', { name: 'Custom width in inches' }).fill('0.5')
  await expect(card.getByTestId('export-width-error')).toHaveText(
    'Custom width must be from 1.5 to 20 inches (got 0.5); 3.25 is a column, 6.75 a page.'
  )
  for (const format of ['png', 'svg', 'pdf', 'tex']) {
    await expect(card.getByTestId(`export-${format}`), format).toBeDisabled()
  }
  // The numbers have no width: CSV and JSON still export.
  await expect(card.getByTestId('export-csv')).toBeEnabled()
  await expect(card.getByTestId('export-json')).toBeEnabled()
  await page.screenshot({ path: `${screens}/export-bad-width.png` })

  // A page width: the message goes, and LaTeX exports at that width.
  await card.getByRole('spinbutton', { name: 'Custom width in inches' }).fill('6.75')
  await expect(card.getByTestId('export-width-error')).toHaveCount(0)
  await expect(card.getByTestId('export-tex')).toHaveText('LaTeX')
  const download = page.waitForEvent('download')
  await card.getByTestId('export-tex').click()
  const tex = await download
  expect(tex.suggestedFilename()).toBe(`run-${run.id}-asr.tex`)
  await expect(card.getByTestId('export-message')).toContainText('Saved')
  const text = readFileSync(await tex.path(), 'utf8')
  expect(text).toMatch(/^% Attack success rate over trigger scale λ/)
  expect(text).toContain('\\begin{minipage}{6.75in}')
  expect(text).toContain('\\begin{axis}[')
  expect(text).toContain('xlabel={Trigger scale $\\lambda$}')
  expect(text).toContain('% curve: Clean network')
  expect(text).toMatch(/fill between\[of=bdlpath\d+ and bdlpath\d+\]/)
})
