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

/** The New experiment page in Sweep mode: the swept fields, the seeds, the Start button. */
export class SweepForm {
  constructor(readonly page: Page) {}

  /** Switches the form to a sweep. */
  async open(): Promise<this> {
    await this.page.getByTestId('mode-sweep').check()
    await expect(this.page.getByTestId('section-sweep')).toBeVisible()
    return this
  }

  path(field: number): Locator {
    return this.page.getByTestId(`sweep-field-${field}-path`)
  }

  value(field: number, box: number): Locator {
    return this.page.getByTestId(`sweep-field-${field}-value-${box}`)
  }

  /** Types the values of swept field `field`, one per box, adding boxes as needed. */
  async values(field: number, values: (string | number)[]): Promise<void> {
    const boxes = this.page.locator(`[data-testid^="sweep-field-${field}-value-"]`)
    while ((await boxes.count()) > values.length)
      await this.page
        .getByTestId(`sweep-field-${field}-remove-value-${(await boxes.count()) - 1}`)
        .click()
    while ((await boxes.count()) < values.length)
      await this.page.getByTestId(`sweep-field-${field}-add-value`).click()
    for (const [j, v] of values.entries()) await this.value(field, j).fill(String(v))
  }

  async seeds(r: number): Promise<void> {
    await this.page.getByTestId('field-sweep.seeds').fill(String(r))
  }

  error(field: string): Locator {
    return this.page.getByTestId(`error-${field}`)
  }

  get summary(): Locator {
    return this.page.getByTestId('sweep-summary')
  }

  /** Presses Start sweep and waits for the sweep's page; returns its id. */
  async start(): Promise<number> {
    await this.page.getByTestId('run-button').click()
    await expect(this.page).toHaveURL(/#\/sweeps\/\d+$/)
    return Number(/#\/sweeps\/(\d+)$/.exec(this.page.url())![1])
  }
}
