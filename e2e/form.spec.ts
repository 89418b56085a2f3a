/**
 * What the New experiment form checks before a run is saved, beyond each field's range: the
 * run's peak memory against the lab's budget, and a real data set's own dimension.
 */
import { expect, test } from './fixtures'

test('a run over the memory budget is refused at the field to lower, before it is saved', async ({
  page,
  lab
}) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  await expect(page.getByTestId('memory-estimate')).toContainText('of the 2 GB a run may hold')
  await page.getByTestId('field-d').fill('4096')
  await page.getByTestId('field-m').fill('100000')
  await page.getByTestId('field-n').fill('500')
  await page.getByTestId('field-nTest').fill('500')
  await expect(page.getByTestId('error-m')).toContainText('over the lab’s 2 GB per run; lower m')
  await expect(page.getByTestId('run-button')).toBeDisabled()
  await page.getByTestId('field-m').fill('2000')
  await expect(page.getByTestId('error-m')).toHaveCount(0)
  await expect(page.getByTestId('run-button')).toBeEnabled()
})

test('a real data set brings its dimension: k starts within it', async ({ page, lab }) => {
  await page.goto(lab.url)
  await page.getByTestId('nav-new').click()
  await page.getByTestId('kind-universality').check()
  await expect(page.getByTestId('field-k')).toHaveValue('10')
  await page.getByTestId('field-dataset.kind').selectOption('iris')
  await expect(page.getByTestId('field-k')).toHaveValue('4')
  await expect(page.getByTestId('error-k')).toHaveCount(0)
  await expect(page.getByTestId('run-button')).toBeEnabled()
  await page.getByTestId('field-k').fill('6')
  await expect(page.getByTestId('error-k')).toContainText(
    "k must be at most the data's dimension d = 4 (Iris has 4 features; got k=6)"
  )
})
