/**
 * What a sweep refuses and how it is steered: the form refuses a sweep over the memory budget or
 * over the runs a sweep may hold, at the field and in the form's words; Cancel stops every point;
 * a point whose worker dies is reported while the others go on, and Resume runs it again; and a
 * sweep of detectability frontiers, charted by what each frontier reports once.
 */
import type { SweepDetail } from '../src/shared/sweepStatus'
import { workerProcesses } from '../src/main/testing/processes'
import { E2E_MEMORY_BUDGET, expect, test } from './fixtures'
import { api } from './pages/api'
import { NewExperimentPage, SweepForm } from './pages/newExperiment'
import { SweepPage } from './pages/sweepPage'

/** Runs of a few seconds each: long enough to be caught running. */
const slow = {
  kind: 'effectiveness',
  d: 60,
  m: 2500,
  k: 6,
  n: 2500,
  nTest: 2500,
  lambdas: { from: 0, to: 8, steps: 60 }
}

test('the form refuses a sweep over the memory budget or the runs a sweep may hold', async ({
  page,
  lab
}) => {
  const form = await new NewExperimentPage(page).open(lab.url)
  await form.fill({ d: 4096, n: 500, nTest: 500 })
  const sweep = await new SweepForm(page).open()
  await sweep.path(0).selectOption('m')
  await sweep.values(0, [1000, 100000])
  // 100000 × 4096 weights twice are over the host's budget: said at that value, in words.
  expect(E2E_MEMORY_BUDGET).toBe('2G')
  await expect(sweep.error('sweep.fields.0.values.1')).toHaveText(
    /^at m = 100000, a run would hold about 3\.\d GB \(mostly the m × d weights\), over the lab’s 2 GB per run: lower hidden width m /
  )
  await expect(sweep.value(0, 1)).toHaveAttribute('aria-invalid', 'true')
  await expect(sweep.error('sweep.fields.0.values.0')).toHaveCount(0)
  await expect(form.runButton).toBeDisabled()

  // Within the budget, but 6 values × 100 seeds is more than a sweep may hold.
  await sweep.values(0, [1000, 1200, 1400, 1600, 1800, 2000])
  await expect(sweep.error('sweep.fields.0.values.1')).toHaveCount(0)
  await sweep.seeds(100)
  await expect(sweep.error('sweep.seeds')).toHaveText(
    'this sweep has 600 runs (6 points × 100 seeds per point); a sweep may hold at most 500: fewer values or fewer seeds per point'
  )
  await expect(page.getByTestId('sweep-runs')).toHaveText(
    '600 runs (6 points × 100 seeds; at most 500)'
  )
  await expect(form.runButton).toBeDisabled()
  await sweep.seeds(2)
  await expect(form.runButton).toBeEnabled()
  await expect(form.runButton).toHaveText('Start sweep (12 runs)')
})

test('Cancel stops every point of a sweep', async ({ page, lab }) => {
  await page.goto(lab.url)
  const started = await api<SweepDetail>(page, 'startSweep', {
    config: { ...slow, sweep: { fields: [{ path: 'theta', values: [1, 2, 4] }], seeds: 2 } }
  })
  const view = await new SweepPage(page).open(lab.url, started.id)
  await expect(page.getByTestId('sweep-running').locator('li').first()).toBeVisible()
  await page.getByTestId('sweep-cancel').click()
  await view.waitFor('cancelled')
  await expect(view.counts).toContainText('0 running · 0 queued')
  await expect(page.getByTestId('sweep-cancel')).toHaveCount(0)
  await expect(page.getByTestId('sweep-resume')).toBeVisible()
  const after = await api<SweepDetail>(page, 'getSweep', { id: started.id })
  expect(after.children.filter((c) => c.status === 'running' || c.status === 'queued')).toEqual([])
  expect(after.counts.cancelled).toBeGreaterThanOrEqual(4)

  // Deleting it from its page asks first, naming its runs, then goes back to the runs table.
  const remove = page.getByTestId('sweep-delete')
  await remove.click()
  await expect(remove).toHaveText('Really delete it and its 6 runs?')
  await remove.click()
  await expect(page).toHaveURL(/#\/runs(\?.*)?$/)
  await expect(page.getByTestId(`sweep-row-${started.id}`)).toHaveCount(0)
})

test.describe('a sweep on one worker', () => {
  test.use({ labEnv: { BACKDOOR_LAB_WORKERS: '1' } })

  test('a point whose worker dies is reported, the others go on, and Resume runs it again', async ({
    page,
    lab
  }) => {
    await page.goto(lab.url)
    const started = await api<SweepDetail>(page, 'startSweep', {
      config: { ...slow, sweep: { fields: [{ path: 'theta', values: [1, 2, 4] }], seeds: 1 } }
    })
    const view = await new SweepPage(page).open(lab.url, started.id)
    const first = started.children.find((c) => c.point === 0)!
    await expect(page.getByTestId(`sweep-running-${first.id}`)).toBeVisible()
    // The one worker computes θ = 1: killed from outside, as the kernel's OOM killer would.
    const workers = workerProcesses(lab.pid).filter((p) => p.ppid === lab.pid)
    expect(workers).toHaveLength(1)
    process.kill(workers[0].pid, 'SIGKILL')

    await view.waitFor('failed', 180_000)
    await expect(view.counts).toHaveText('2 done · 0 running · 0 queued · 1 failed of 3 runs')
    const failed = page.getByTestId('sweep-failed')
    await expect(failed).toContainText('1 run failed; the other points went on.')
    await expect(failed).toContainText(`#${first.id} at θ = 1, seed 1: `)
    await expect(page.getByTestId(`sweep-run-${first.id}`)).toHaveText(`#${first.id} (failed)`)

    await page.getByTestId('sweep-resume').click()
    await view.waitFor('done', 180_000)
    await expect(view.counts).toHaveText('3 done · 0 running · 0 queued · 0 failed of 3 runs')
    await expect(failed).toHaveCount(0)
  })
})

test('a sweep of detectability frontiers over m, charted by what each reports once', async ({
  page,
  lab
}) => {
  const form = await new NewExperimentPage(page).open(lab.url, 'detectability')
  await form.fill({
    d: 20,
    k: 4,
    'thetas.steps': 2,
    draws: 2,
    nullDraws: 19,
    n: 200,
    nTest: 200,
    'lambdas.steps': 5,
    lambda: 2
  })
  const sweep = await new SweepForm(page).open()
  // A frontier has no θ of its own: the sweep starts on its width, and says what it charts.
  await expect(sweep.path(0)).toHaveValue('m')
  await expect(page.getByTestId('sweep-charts-note')).toContainText(
    'A frontier’s curves over θ stay on its own run’s page'
  )
  await expect(page.getByTestId('sweep-charts-note')).toContainText(
    'it opens on largest θ no test detects'
  )
  await sweep.values(0, [100, 400])
  await sweep.seeds(2)
  await expect(form.runButton).toHaveText('Start sweep (4 runs)')
  const id = await sweep.start()

  const view = new SweepPage(page)
  await view.waitFor('done', 240_000)
  await expect(view.metric()).toHaveValue('run/undetectedTheta')
  // The metric menu is grouped by what is measured, every entry in words.
  const groups = await view
    .metric()
    .locator('optgroup')
    .evaluateAll((els) => els.map((el) => el.getAttribute('label')))
  expect(groups).toEqual(expect.arrayContaining(['The run', 'Spectral test', 'Sparse PCA test']))
  await view.metric().selectOption('spectral/size')
  await expect(page.locator('#sweep-mean-title')).toHaveText(
    'Size of the test at level α, spectral test, against hidden width m'
  )
  await view.chart('sweep-mean')
  const detail = await api<SweepDetail>(page, 'getSweep', { id })
  expect(detail.counts.done).toBe(4)
})
