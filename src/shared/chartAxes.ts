/**
 * The options every chart starts from, and its axes: titles, ticks, how numbers read on them, and
 * the zero line of an axis where 0 means "no difference". Plain data, no Node, no DOM.
 */
import type { ScriptableScaleContext } from 'chart.js'
import { legendFilter, paperStyle, type LineChartSpec } from './charts'
import { significant } from './format'

export function axisTitle(text: string) {
  return {
    display: true,
    text,
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.axisTitleSize, weight: 500 }
  }
}

export function ticks() {
  return {
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.tickSize }
  }
}

export function baseOptions(
  xTitle: string,
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number },
  x: [number, number] | null
): NonNullable<LineChartSpec['options']> {
  return {
    responsive: true,
    maintainAspectRatio: true,
    aspectRatio: paperStyle.aspectRatio,
    animation: false,
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.tickSize },
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    layout: { padding: paperStyle.padding },
    scales: {
      x: {
        type: 'linear',
        ...(x ? { min: x[0], max: x[1] } : {}),
        title: axisTitle(xTitle),
        ticks: ticks(),
        grid: { color: paperStyle.grid },
        border: { color: paperStyle.axis }
      },
      y: {
        type: 'linear',
        ...y,
        title: axisTitle(yTitle),
        ticks: ticks(),
        grid: { color: paperStyle.grid },
        border: { color: paperStyle.axis }
      }
    },
    plugins: {
      legend: {
        display: true,
        position: 'bottom',
        labels: {
          color: paperStyle.text,
          font: { family: paperStyle.fontFamily, size: paperStyle.legendSize },
          boxWidth: 28,
          boxHeight: 2,
          padding: 14,
          filter: legendFilter
        }
      },
      tooltip: { enabled: true },
      filler: { propagate: false }
    }
  }
}

/**
 * A rate in a legend: always 2 decimals, as the run page prints rates, so rates side by side
 * read alike (0.92 and 0.04, not 0.921 and 0.0394).
 */
export function formatRate(value: number): string {
  return value.toFixed(2)
}

/** A number as a tick or a legend shows it: up to 3 significant digits, no trailing zeros. */
export function formatTick(value: number): string {
  return significant(value, 3)
}

/**
 * A tick at 0 on an axis where 0 means "no difference" (the backdoor advantage), whatever range
 * chart.js picks: inserted among the ticks when the axis spans 0 and has none there.
 */
export function ensureZeroTick(axis: { min: number; max: number; ticks: { value: number }[] }) {
  if (axis.min > 0 || axis.max < 0 || axis.ticks.some((t) => t.value === 0)) return
  const after = axis.ticks.findIndex((t) => t.value > 0)
  axis.ticks.splice(after < 0 ? axis.ticks.length : after, 0, { value: 0 })
}

/** The grid line at 0 drawn like an axis line, the others as grid. */
export function zeroGridColour(context: Pick<ScriptableScaleContext, 'tick'>): string {
  return context.tick?.value === 0 ? paperStyle.axis : paperStyle.grid
}

/** The y axis of `options` gets a tick at 0 and a stronger line there. */
export function markZero(options: NonNullable<LineChartSpec['options']>): void {
  const scales = options.scales as Record<string, Record<string, unknown>>
  scales.y = {
    ...scales.y,
    afterBuildTicks: ensureZeroTick,
    grid: { ...(scales.y.grid as object), color: zeroGridColour }
  }
}
