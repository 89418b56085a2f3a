/** The Runs page: the table, its filters, sort and the selection. */
import { expect, type Locator, type Page } from '@playwright/test'

export class RunsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.getByTestId('nav-runs').click()
    await expect(this.page.getByTestId('runs-table')).toBeVisible()
    return this
  }

  row(id: number): Locator {
    return this.page.getByTestId(`run-row-${id}`)
  }

  status(id: number): Locator {
    return this.page.getByTestId(`run-status-${id}`)
  }

  async select(...ids: number[]): Promise<void> {
    for (const id of ids) await this.page.getByTestId(`run-select-${id}`).check()
  }

  async sortBy(column: string): Promise<void> {
    await this.page.getByTestId(`sort-${column}`).click()
  }

  /** The run ids in the table, top to bottom. */
  async ids(): Promise<number[]> {
    const rows = await this.page
      .locator('[data-testid^="run-row-"]')
      .evaluateAll((els) =>
        els.map((el) => Number(el.getAttribute('data-testid')!.replace('run-row-', '')))
      )
    return rows
  }
}
