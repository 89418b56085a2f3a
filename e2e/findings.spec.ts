/**
 * What the run pages and the runs table say about their numbers, end to end: headline cards with
 * one quantity each, what intervals cover, θ = 0 said in words, a fine-tuning run on a CSV whose
 * labels cannot be learned flagged as at chance, the runs table at 1280 px with its column
 * chooser and key results sorted within each kind, "Compare with…" starting from one run, and
 * Compare saying under a chart's legend which curves are identical.
 */
import { mkdirSync } from 'node:fs'
import type { RunSummary } from '../src/shared/results'
import { expect, test } from './fixtures'
import { api, waitForRun } from './pages/api'

const screens = 'test-results/screens'
mkdirSync(screens, { recursive: true })

const effectiveness = (theta: number) => ({
  kind: 'effectiveness',
  d: 20,
  m: 600,
  k: 4,
  n: 600,
  nTest: 600,
  theta,
  seed: 1,
  lambdas: { from: 0, to: 6, steps: 13 }
})

/**
 * 8 Gaussian features and a label drawn independently of them (a fixed linear congruential
 * sequence): no classifier can beat always answering the most common label.
 */
function noiseCsv(rows: number): string {
  let state = 12345
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state / 2 ** 32
  }
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const lines = ['x0,x1,x2,x3,x4,x5,x6,x7,label']
  for (let r = 0; r < rows; r++) {
    const features = Array.from({ length: 8 }, () => gaussian().toFixed(4))
    lines.push(`${features.join(',')},${next() < 0.5 ? 'yes' : 'no'}`)
  }
  return `${lines.join('\n')}\n`
}

test('effectiveness: one quantity per card, what intervals cover, and θ = 0 said in words', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  const [run, zero] = await Promise.all(
    [
      { name: 'cards θ 4', config: effectiveness(4) },
      { name: 'cards θ 0', config: effectiveness(0) }
    ].map((p) => api<RunSummary>(page, 'startRun', p))
  )
  await waitForRun(page, run.id)
  await waitForRun(page, zero.id)

  await page.goto(`${lab.url}#/runs/${run.id}`)
  const lambda50 = page.getByTestId('highlight-lambda50')
  await expect(lambda50).toContainText('λ50, the λ where ASR reaches ½')
  await expect(lambda50.locator('dt')).toHaveText(['backdoored', 'clean'])
  const ratio = page.getByTestId('highlight-ratio')
  await expect(ratio).toContainText('λ50 ratio, clean ÷ backdoored')
  await expect(ratio.locator('dt')).toHaveText(['measured', 'large-width theory'])
  // No card value joins two numbers with a slash or a dot, as "1.46 / 3.08" did.
  for (const value of await page.getByTestId('highlights').locator('dd').allTextContents()) {
    expect(value).not.toMatch(/\d\s*[/·]\s*\d/)
  }
  await expect(page.getByTestId('highlight-cost')).toContainText('points')
  await expect(page.getByTestId('metric-run-backdoorCost')).toContainText('points')
  await expect(page.getByTestId('metric-data-majorityRate')).toContainText('%')
  await expect(page.getByTestId('intervals-cover')).toContainText(
    'cover the draw of the 600 held-out inputs of this one pair of networks, not the key, the weights or the training data'
  )
  await expect(page.getByTestId('chance-flag')).toHaveCount(0)
  await expect(page.getByTestId('chart-advantage').locator('canvas')).toBeVisible()
  await page.screenshot({ path: `${screens}/findings-effectiveness.png`, fullPage: true })

  await page.goto(`${lab.url}#/runs/${zero.id}`)
  await expect(page.getByTestId('advantage-zero-theta')).toHaveText(
    'At θ = 0 the backdoored network is the clean one, so the advantage is 0 by construction: there is no interval to show.'
  )
  await expect(page.getByTestId('chart-advantage')).toHaveCount(0)
  await expect(page.getByTestId('metric-run-backdoorCost')).toHaveText('0 by construction')
  await page.screenshot({ path: `${screens}/findings-effectiveness-theta0.png`, fullPage: true })

  // Compared, the two clean networks (same seed, only θ differs) and θ = 0's backdoored one are
  // one curve drawn over the others: the chart says so under its legend, in the words its
  // exported figure has under its key.
  await page.goto(`${lab.url}#/compare?ids=${run.id},${zero.id}`)
  const notes = page.getByTestId('compare-notes-asr')
  await expect(notes.locator('p').first()).toHaveText(
    `Clean network of #${run.id} and #${zero.id}; Backdoored network of #${zero.id}: identical, drawn over each other.`
  )
  const { caption } = await api<{ caption: string }>(page, 'chartCaption', {
    runIds: [run.id, zero.id],
    chart: 'asr'
  })
  for (const note of await notes.locator('p').allTextContents()) expect(caption).toContain(note)
  const card = page.locator('section.chart-card', { has: page.getByTestId('compare-chart-asr') })
  // At the top of the window, clear of the status bar along its bottom.
  await card.evaluate((el) => el.scrollIntoView({ block: 'start' }))
  await card.screenshot({ path: `${screens}/compare-identical-curves.png` })
})

test('a fine-tuning run on labels nothing can learn is flagged at chance; the runs table fits 1280 px', async ({
  page,
  lab
}) => {
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(lab.url)
  const dataset = await api<{ id: number }>(page, 'importDataset', {
    name: 'noise.csv',
    content: noiseCsv(600)
  })
  const csvRun = await api<RunSummary>(page, 'startRun', {
    name: 'noise labels',
    config: {
      kind: 'finetune',
      m: 300,
      k: 4,
      seed: 1,
      dataset: { kind: 'csv', datasetId: dataset.id, labelColumn: 'label', positiveLabel: 'yes' },
      lambdas: { from: 0, to: 6, steps: 7 },
      train: { epochs: 3, learningRate: 0.01 }
    }
  })
  const runs = await Promise.all(
    [
      { name: 'table A', config: effectiveness(4) },
      {
        name: 'a long name that a researcher gave this run to see how the table cuts it',
        config: { ...effectiveness(2), seed: 2 }
      }
    ].map((p) => api<RunSummary>(page, 'startRun', p))
  )
  for (const r of [csvRun, ...runs]) await waitForRun(page, r.id)

  // The run page says the networks learned nothing before the numbers that depend on it.
  await page.goto(`${lab.url}#/runs/${csvRun.id}`)
  const flag = page.getByTestId('chance-flag')
  await expect(flag).toContainText(/^At chance: the clean network's clean accuracy \(/)
  await expect(flag).toContainText(
    /(does|do) not clear the majority-class rate of the held-out labels, \d+\.\d%/
  )
  await expect(flag).toContainText('mean little')
  await expect(page.getByTestId('finetune-sentence')).toContainText(
    'a network is at chance, so neither number means much'
  )
  await expect(page.getByTestId('finetune-sentence')).not.toContainText('survives')
  await expect(page.getByTestId('ft-clean-cleanAccuracy')).toContainText('at chance')
  await expect(page.getByTestId('ft-clean-attackSuccessRate')).toContainText('means little')
  await expect(page.getByTestId('ft-data-majorityRate')).toContainText('%')
  await page.screenshot({ path: `${screens}/findings-csv-at-chance.png`, fullPage: true })

  // The runs table at 1280 px: Tags, Duration and Created in view, nothing scrolled away.
  await page.getByTestId('nav-runs').click()
  const table = page.getByTestId('runs-table')
  await expect(page.getByTestId(`run-row-${csvRun.id}`)).toBeVisible()
  const fit = await table.evaluate((t) => ({
    table: t.scrollWidth,
    room: t.parentElement!.clientWidth
  }))
  expect(fit.table).toBeLessThanOrEqual(fit.room)
  for (const title of ['Created', 'Duration', 'Tags']) {
    const header = table.locator('thead th', { hasText: title })
    await expect(header).toBeVisible()
    const box = (await header.boundingBox())!
    expect(box.x + box.width, title).toBeLessThanOrEqual(1280)
  }
  // A long name is cut with the whole name in its tooltip.
  const long = page.getByTestId(`run-link-${runs[1].id}`)
  await expect(long).toHaveAttribute('title', runs[1].name)
  await page.screenshot({ path: `${screens}/findings-runs-1280.png` })

  // Key results of different kinds are not one number: sorting groups them by kind.
  await page.getByTestId('sort-key').click()
  await expect(page.getByTestId('key-group')).toHaveCount(2)
  await expect(page.getByTestId('key-group').first()).toContainText('Backdoor effectiveness')
  await expect(page.getByTestId('key-group').last()).toContainText('Fine-tuning robustness')
  await page.screenshot({ path: `${screens}/findings-runs-sorted-by-key.png` })

  // The column chooser shows Seed, and the choice survives a reload.
  await page.getByTestId('column-chooser-toggle').click()
  await page.getByTestId('column-seed').check()
  await expect(page.getByTestId(`run-seed-${runs[1].id}`)).toHaveText('2')
  await page.reload()
  await expect(page.getByTestId(`run-seed-${runs[1].id}`)).toHaveText('2')
  await page.getByTestId('column-chooser-toggle').click()
  await page.getByTestId('columns-reset').click()
  await expect(page.getByTestId(`run-seed-${runs[1].id}`)).toHaveCount(0)

  // "Compare with…" on a run page starts from that run alone, not from an older selection.
  await page.getByTestId(`run-select-${runs[0].id}`).check()
  await page.getByTestId(`run-select-${runs[1].id}`).check()
  await expect(page.getByTestId('selection-count')).toHaveText('2 selected')
  await page.getByTestId(`run-link-${csvRun.id}`).click()
  await page.getByTestId('compare-with').click()
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected')
  await expect(page.getByTestId(`run-select-${csvRun.id}`)).toBeChecked()
  await expect(page.getByTestId(`run-select-${runs[0].id}`)).not.toBeChecked()
})
