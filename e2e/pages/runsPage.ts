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

  sweepRow(id: number): Locator {
    return this.page.getByTestId(`sweep-row-${id}`)
  }

  /** Opens (or closes) a sweep's row to its runs. */
  async toggleSweep(id: number): Promise<void> {
    await this.page.getByTestId(`sweep-toggle-${id}`).click()
  }

  /** Presses a sweep's delete button: the dialog then says what goes with it. */
  async askToDeleteSweep(id: number): Promise<Locator> {
    await this.page.getByTestId(`sweep-delete-${id}`).click()
    const dialog = this.sweepRow(id).getByTestId('confirm-dialog')
    await expect(dialog).toBeVisible()
    return dialog
  }

  /** Turns grouping by seed on or off. */
  async groupSeeds(on: boolean): Promise<void> {
    await this.page.getByTestId('group-seeds').setChecked(on)
  }

  /** A seed group's row, by its id (a run's `seedGroup`). */
  groupRow(group: string): Locator {
    return this.page.getByTestId(`group-row-${group.slice(0, 12)}`)
  }

  /** The n of a seed group's key result (how many seeds it averages). */
  groupN(group: string): Locator {
    return this.page.getByTestId(`group-n-${group.slice(0, 12)}`)
  }

  groupKey(group: string): Locator {
    return this.page.getByTestId(`group-key-${group.slice(0, 12)}`)
  }

  async selectGroup(group: string): Promise<void> {
    await this.page.getByTestId(`group-select-${group.slice(0, 12)}`).check()
  }

  async toggleGroup(group: string): Promise<void> {
    await this.page.getByTestId(`group-toggle-${group.slice(0, 12)}`).click()
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
