/** A run's page: its status, progress, charts and numbers. */
import { expect, type Locator, type Page } from '@playwright/test'

export class RunPage {
  constructor(readonly page: Page) {}

  async open(url: string, id: number): Promise<this> {
    await this.page.goto(`${url.replace(/#.*$/, '')}#/runs/${id}`)
    await expect(this.status).toBeVisible()
    return this
  }

  get status(): Locator {
    return this.page.getByTestId('run-status')
  }

  /** Waits for the run to reach `status` (done unless said) on its page. */
  async waitFor(status = 'done', timeout = 90_000): Promise<void> {
    await expect(this.status).toHaveText(status, { timeout })
  }

  /** The canvas of chart `name`, checked to be drawn at a readable size. */
  async chart(name: string): Promise<Locator> {
    const canvas = this.page.getByTestId(`chart-${name}`).locator('canvas')
    await expect(canvas).toBeVisible()
    const box = await canvas.boundingBox()
    expect(box!.width).toBeGreaterThan(200)
    return canvas
  }
}
