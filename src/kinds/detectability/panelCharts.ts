/**
 * The Detectability panel's charts: for each statistic, the histogram of its Monte Carlo null (B
 * clean draws of the run's shape) with the run's own values marked, and on the top eigenvalue's
 * the Marchenko-Pastur edge and, for a spike above the BBP threshold, where theory puts it.
 * Plain chart specs like every chart's. No Node, no DOM.
 */
import type { PanelFacts, StatisticName } from './panel'
import { statisticWords } from './panel'
import { bbpThreshold, marchenkoPasturEdge, spikedTopEigenvalue } from './theory'
import { logTick } from './ticks'
import {
  bandLabel,
  okabeIto,
  paperBackground,
  paperStyle,
  referenceLine,
  withAlpha,
  type LineChartSpec,
  type LineDataset
} from '../../shared/charts'
import { baseOptions } from '../../shared/chartAxes'
import { fixed, sig } from '../../shared/format'

export const HISTOGRAM_BINS = 20

/** Two charts side by side, each with a legend line per mark: the more marks, the taller. */
function panelAspect(marks: number): number {
  return Math.min(1.6, Math.max(0.9, 1.6 - 0.08 * marks))
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
  const bars = facts.nulls[statistic].bins
  const observed = facts.entries
    .map((e) => ({ entry: e, value: e.statistics[statistic].value }))
    .filter((o): o is typeof o & { value: number } => o.value != null)
  const low = bars.length ? bars[0].from : 0
  const high = bars.length ? bars[bars.length - 1].to : 1
  const top = Math.max(1, ...bars.map((b) => b.count))
  const datasets: LineDataset[] = [
    {
      label: `Null (${facts.draws} clean draws)`,
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
  options.aspectRatio = panelAspect(datasets.length)
  const legend = options.plugins?.legend
  if (legend?.labels) legend.labels.padding = 8
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

/**
 * Where the top eigenvalue goes as θ grows: the large-m theory (the Marchenko-Pastur edge up to
 * the BBP threshold √(d/m), then (1 + θ)(1 + γ/θ)), the null's central 95% as a band, the
 * threshold marked, and the run's own weights at their θ.
 */
export function bbpChartSpec(facts: PanelFacts): LineChartSpec {
  const { d, m } = facts
  const threshold = bbpThreshold(d, m)
  const thetas = facts.entries
    .map((e) => ({ entry: e, theta: e.theta, value: e.statistics.topEigenvalue.value }))
    .filter(
      (o): o is typeof o & { theta: number; value: number } =>
        o.theta != null && o.theta > 0 && o.value != null
    )
  const low = Math.min(threshold / 10, ...thetas.map((o) => o.theta / 2))
  const high = Math.max(threshold * 10, ...thetas.map((o) => o.theta * 2))
  const steps = 80
  const curve = Array.from({ length: steps + 1 }, (_, i) => {
    const theta = low * (high / low) ** (i / steps)
    return { x: theta, y: spikedTopEigenvalue(theta, d, m) }
  })
  curve.splice(
    curve.findIndex((p) => p.x > threshold),
    0,
    { x: threshold, y: marchenkoPasturEdge(d, m) }
  )
  const top = Math.max(...curve.map((p) => p.y), ...thetas.map((o) => o.value))
  const { low: q025, high: q975 } = facts.nulls.topEigenvalue
  const datasets: LineDataset[] = []
  if (q025 != null && q975 != null) {
    const edge = (y: number) => [
      { x: low, y },
      { x: high, y }
    ]
    const bandStyle = {
      borderColor: 'rgba(0, 0, 0, 0)',
      backgroundColor: withAlpha(okabeIto.skyBlue, 0.35),
      borderWidth: 0,
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 0,
      order: 3
    }
    const label = `Null, central 95% (${fixed(q025)} to ${fixed(q975)})`
    datasets.push(
      { ...bandStyle, label: bandLabel(label, 'lower'), data: edge(q025), fill: false },
      { ...bandStyle, label: bandLabel(label, 'upper'), data: edge(q975), fill: '-1' },
      // Its legend entry (the band's own two edges stay out of the legend).
      {
        ...bandStyle,
        label,
        data: [],
        fill: false,
        borderColor: withAlpha(okabeIto.skyBlue, 0.6),
        borderWidth: 6
      }
    )
  }
  datasets.push({
    label: 'Theory (m → ∞): edge, then (1 + θ)(1 + γ/θ)',
    data: curve,
    borderColor: okabeIto.black,
    backgroundColor: okabeIto.black,
    borderWidth: 1.5,
    pointRadius: 0,
    pointHoverRadius: 3,
    fill: false,
    order: 2
  })
  datasets.push(
    referenceLine(
      `BBP threshold √(d/m) = ${sig(threshold)}`,
      [
        { x: threshold, y: 0 },
        { x: threshold, y: top }
      ],
      okabeIto.black,
      paperStyle.theoryDash
    )
  )
  for (const o of thetas) {
    const style = entryStyle(o.entry.model)
    datasets.push({
      label: `${o.entry.short} ${fixed(o.value)}`,
      data: [{ x: o.theta, y: o.value }],
      showLine: false,
      borderColor: style.colour,
      backgroundColor: style.dash.length ? paperStyle.background : style.colour,
      borderWidth: 2,
      pointRadius: 5,
      pointHoverRadius: 6,
      order: 0
    })
  }
  const options = baseOptions(
    'θ (log scale)',
    'λ₁(C)',
    { suggestedMin: Math.max(0, marchenkoPasturEdge(d, m) - 0.5), suggestedMax: top * 1.05 },
    [low, high]
  )
  const scales = options.scales as Record<string, Record<string, unknown>>
  scales.x = {
    ...scales.x,
    type: 'logarithmic',
    ticks: { ...(scales.x.ticks as object), maxRotation: 0, callback: logTick }
  }
  options.aspectRatio = panelAspect(datasets.length - 2)
  const legend = options.plugins?.legend
  if (legend?.labels) legend.labels.padding = 8
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}
