/** The New experiment page as a researcher uses it: pick a kind, fill fields, run. */
import { expect, type Locator, type Page } from '@playwright/test'

export class NewExperimentPage {
  constructor(readonly page: Page) {}

  /** Opens the form from the lab's address, on `kind` when given. */
  async open(url: string, kind?: string): Promise<this> {
    await this.page.goto(url)
    await this.page.getByTestId('nav-new').click()
    if (kind) await this.page.getByTestId(`kind-${kind}`).click()
    await expect(this.runButton).toBeVisible()
    return this
  }

  field(path: string): Locator {
    return this.page.getByTestId(`field-${path}`)
  }

  error(path: string): Locator {
    return this.page.getByTestId(`error-${path}`)
  }

  async fill(values: Record<string, string | number>): Promise<void> {
    for (const [path, value] of Object.entries(values)) await this.field(path).fill(String(value))
  }

  async choose(path: string, value: string): Promise<void> {
    await this.field(path).selectOption(value)
  }

  get runButton(): Locator {
    return this.page.getByTestId('run-button')
  }

  /** Presses Run and waits for the run's page; returns its id. */
  async run(): Promise<number> {
    await this.runButton.click()
    await expect(this.page).toHaveURL(/#\/runs\/\d+$/)
    return Number(/#\/runs\/(\d+)$/.exec(this.page.url())![1])
  }
}
