/**
 * How the universality charts draw on a line chart: whiskers for intervals, bars as closed
 * outlines filled to zero, invisible points at the bar tops that carry the tooltips, and the
 * legend that leaves the intervals and those points out.
 */
import type { ChartData, LegendItem } from 'chart.js'
import { BAND_MARK, withAlpha, type ChartPoint, type LineDataset } from '../../shared/charts'

/** The label of the dataset drawing a family's 95% intervals (kept out of the legend). */
export function intervalLabel(label: string): string {
  return `${label} · ${BAND_MARK}`
}

/** Vertical segments from lower to upper at each x, separated by gaps. */
export function whiskers(
  points: { x: number; lower: number | null; upper: number | null }[],
  label: string,
  colour: string
): LineDataset {
  const data: ChartPoint[] = points
    .filter((p) => p.lower != null && p.upper != null)
    .flatMap((p) => [
      { x: p.x, y: p.lower },
      { x: p.x, y: p.upper },
      { x: p.x, y: null }
    ])
  return {
    label: intervalLabel(label),
    data,
    borderColor: withAlpha(colour, 0.7),
    backgroundColor: withAlpha(colour, 0.7),
    borderWidth: 1.5,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    fill: false,
    spanGaps: false,
    order: 2
  }
}

/** Bars as closed outlines (x0,0)-(x0,h)-(x1,h)-(x1,0), filled down to zero. */
export function barOutlines(
  bars: { from: number; to: number; height: number }[],
  label: string,
  colour: string,
  alpha = 0.55
): LineDataset {
  return {
    label,
    data: bars.flatMap((b) => [
      { x: b.from, y: 0 },
      { x: b.from, y: b.height },
      { x: b.to, y: b.height },
      { x: b.to, y: 0 },
      { x: b.to, y: null }
    ]),
    borderColor: colour,
    backgroundColor: withAlpha(colour, alpha),
    borderWidth: 1,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    pointStyle: 'rect',
    fill: 'origin',
    spanGaps: false,
    order: 3
  }
}

/** Invisible points at the bar tops, so tooltips name each bar's value (no legend entry). */
export function barTops(points: ChartPoint[], label: string, colour: string): LineDataset {
  return {
    label,
    data: points,
    showLine: false,
    borderColor: colour,
    backgroundColor: colour,
    pointRadius: 0,
    pointHoverRadius: 4,
    pointHitRadius: 10,
    fill: false,
    order: 0
  }
}

/**
 * Legend entries for the universality charts: no intervals, and no datasets that are invisible
 * until hovered (the points at the bar tops that carry the tooltips).
 */
export function universalityLegendFilter(item: LegendItem, data: ChartData): boolean {
  if (item.text.includes(BAND_MARK)) return false
  const dataset = item.datasetIndex == null ? undefined : data.datasets[item.datasetIndex]
  const hidden =
    dataset != null &&
    (dataset as { showLine?: boolean }).showLine === false &&
    (dataset as { pointRadius?: unknown }).pointRadius === 0
  return !hidden
}
