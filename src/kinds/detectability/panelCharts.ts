/**
 * The Detectability panel's charts: for each statistic, the histogram of its Monte Carlo null (B
 * clean draws of the run's shape) with the run's own values marked, and on the top eigenvalue's
 * the Marchenko-Pastur edge and, for a spike above the BBP threshold, where theory puts it.
 * Plain chart specs like every chart's. No Node, no DOM.
 */
import type { PanelFacts, StatisticName } from './panel'
import { statisticWords } from './panel'
import { bbpThreshold, marchenkoPasturEdge, spikedTopEigenvalue } from './theory'
import {
  baseOptions,
  okabeIto,
  paperBackground,
  paperStyle,
  referenceLine,
  withAlpha,
  type LineChartSpec,
  type LineDataset
} from '../../shared/charts'
import { fixed, sig } from '../../shared/format'

export const HISTOGRAM_BINS = 20

/** Counts of `values` in `bins` equal bins over [low, high] (the top edge in the last bin). */
export function histogram(
  values: readonly number[],
  low: number,
  high: number,
  bins = HISTOGRAM_BINS
): { from: number; to: number; count: number }[] {
  const width = (high - low) / bins || 1
  const counts = new Array<number>(bins).fill(0)
  for (const v of values) {
    const b = Math.floor((v - low) / width)
    if (b >= 0 && b <= bins) counts[Math.min(bins - 1, b)]++
  }
  return counts.map((count, b) => ({ from: low + b * width, to: low + (b + 1) * width, count }))
}

/** Each set of weights' colour and dash: the clean twin blue, the backdoored network vermillion. */
export function entryStyle(model: string): { colour: string; dash: number[] } {
  const [, who, when] = model.split('.')
  const colour = who === 'clean' ? okabeIto.blue : okabeIto.vermillion
  return { colour, dash: when === 'after' ? [...paperStyle.theoryDash] : [] }
}

const pText = (p: number | null) => (p == null ? '—' : `p = ${sig(p, 2)}`)

/** The histogram of one statistic's null with the run's values marked. */
export function nullHistogramSpec(facts: PanelFacts, statistic: StatisticName): LineChartSpec {
  const nulls = facts.nullValues[statistic]
  const observed = facts.entries
    .map((e) => ({ entry: e, value: e.statistics[statistic].value }))
    .filter((o): o is typeof o & { value: number } => o.value != null)
  const low = nulls.length ? Math.min(...nulls) : 0
  const high = nulls.length ? Math.max(...nulls) : 1
  const bars = histogram(nulls, low, high)
  const top = Math.max(1, ...bars.map((b) => b.count))
  const datasets: LineDataset[] = [
    {
      label: `Null (${nulls.length} clean draws)`,
      data: bars.flatMap((b) => [
        { x: b.from, y: 0 },
        { x: b.from, y: b.count },
        { x: b.to, y: b.count },
        { x: b.to, y: 0 },
        { x: b.to, y: null }
      ]),
      borderColor: okabeIto.skyBlue,
      backgroundColor: withAlpha(okabeIto.skyBlue, 0.5),
      borderWidth: 1,
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 0,
      fill: 'origin',
      spanGaps: false,
      order: 3
    }
  ]
  for (const { entry, value } of observed) {
    const style = entryStyle(entry.model)
    datasets.push({
      ...referenceLine(
        `${entry.short} ${fixed(value)}, ${pText(entry.statistics[statistic].pValue)}`,
        [
          { x: value, y: 0 },
          { x: value, y: top }
        ],
        style.colour,
        style.dash
      ),
      borderColor: style.colour,
      borderWidth: 2.5
    })
  }
  const xs = [low, high, ...observed.map((o) => o.value)]
  if (statistic === 'topEigenvalue') {
    const edge = marchenkoPasturEdge(facts.d, facts.m)
    xs.push(edge)
    datasets.push(
      referenceLine(
        `MP edge (1 + √(d/m))² = ${fixed(edge)}`,
        [
          { x: edge, y: 0 },
          { x: edge, y: top }
        ],
        okabeIto.black,
        paperStyle.referenceDash
      )
    )
    const spiked = facts.entries.find(
      (e) => e.when !== 'after' && e.theta != null && e.theta > bbpThreshold(facts.d, facts.m)
    )
    if (spiked?.theta != null) {
      const expected = spikedTopEigenvalue(spiked.theta, facts.d, facts.m)
      xs.push(expected)
      datasets.push(
        referenceLine(
          `Theory, θ = ${sig(spiked.theta)}: ${fixed(expected)}`,
          [
            { x: expected, y: 0 },
            { x: expected, y: top }
          ],
          okabeIto.vermillion,
          paperStyle.referenceDash
        )
      )
    }
  }
  const minX = Math.min(...xs)
  const maxX = Math.max(...xs)
  const pad = (maxX - minX) * 0.04 || 0.01
  const options = baseOptions(
    statisticWords[statistic].symbol,
    'Draws',
    { min: 0, suggestedMax: top * 1.1 },
    [minX - pad, maxX + pad]
  )
  // Three side by side, each with a legend line per mark: taller than the run page's charts, the
  // more so the more marks.
  options.aspectRatio = Math.max(0.6, 1.15 - 0.07 * datasets.length)
  const legend = options.plugins?.legend
  if (legend?.labels) legend.labels.padding = 8
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}
