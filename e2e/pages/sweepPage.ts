/** A sweep's page: its progress, its charts with their Export menus, and its points' runs. */
import { expect, type Locator, type Page } from '@playwright/test'

export class SweepPage {
  constructor(readonly page: Page) {}

  async open(url: string, id: number): Promise<this> {
    await this.page.goto(`${url.replace(/#.*$/, '')}#/sweeps/${id}`)
    await expect(this.status).toBeVisible()
    return this
  }

  get status(): Locator {
    return this.page.getByTestId('sweep-status')
  }

  get counts(): Locator {
    return this.page.getByTestId('sweep-counts')
  }

  /** Waits for the sweep to reach `status` (done unless said) on its page. */
  async waitFor(status = 'done', timeout = 120_000): Promise<void> {
    await expect(this.status).toHaveText(status, { timeout })
  }

  card(chart: 'sweep-mean' | 'sweep-heatmap'): Locator {
    return this.page.getByTestId(`chart-${chart}`)
  }

  /** The canvas of a sweep chart, checked to be drawn at a readable size. */
  async chart(chart: 'sweep-mean' | 'sweep-heatmap'): Promise<Locator> {
    const canvas = this.card(chart).locator('canvas')
    await expect(canvas).toBeVisible()
    const box = await canvas.boundingBox()
    expect(box!.width).toBeGreaterThan(200)
    return canvas
  }

  /**
   * How many pixels of the canvas's upper three quarters (the plot, above the legend) are within
   * `tolerance` of each colour (r, g, b): what the chart draws, read from the pixels shown.
   */
  async pixels(
    chart: 'sweep-mean' | 'sweep-heatmap',
    colours: Record<string, [number, number, number]>,
    tolerance = 12
  ): Promise<Record<string, number>> {
    const canvas = await this.chart(chart)
    return canvas.evaluate(
      (el, { colours, tolerance }) => {
        // The page's canvas, typed here without the DOM's types (the tests compile without them).
        const c = el as unknown as {
          width: number
          height: number
          getContext(kind: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
          }
        }
        const data = c
          .getContext('2d')
          .getImageData(0, 0, c.width, Math.floor(c.height * 0.75)).data
        const counts: Record<string, number> = {}
        for (const [name, [r, g, b]] of Object.entries(colours)) {
          let n = 0
          for (let i = 0; i < data.length; i += 4) {
            if (
              data[i + 3] > 250 &&
              Math.abs(data[i] - r) <= tolerance &&
              Math.abs(data[i + 1] - g) <= tolerance &&
              Math.abs(data[i + 2] - b) <= tolerance
            )
              n++
          }
          counts[name] = n
        }
        return counts
      },
      { colours, tolerance }
    )
  }

  metric(): Locator {
    return this.page.getByTestId('sweep-metric')
  }

  point(index: number): Locator {
    return this.page.getByTestId(`sweep-point-${index}`)
  }
}
