/**
 * The spike energy of a fine-tuning run per epoch (SCIENCE.md section 5): the raw sᵀCs − 1 of
 * both networks, and the same divided by the rows' scale tr(C)/d over the null band of random
 * k-sparse directions.
 */
import { metricOf, seriesOf } from './outputs'
import {
  bandWithAlpha,
  paperBackground,
  paperStyle,
  perModelDatasets,
  referenceLine,
  theory,
  type LineChartSpec
} from '../../shared/charts'
import { formatTick, markZero } from '../../shared/chartAxes'
import type { ChartDefinition } from '../../shared/chartEntry'
import type { RunDetail } from '../../shared/results'
import {
  epochChart,
  epochOptions,
  epochRange,
  finetuneModels,
  finetuneStyle,
  hasAny,
  hasEpochs,
  thetaLabel,
  type FinetuneRun
} from './epochCharts'
import { beforeAfter } from './summary'

/**
 * Spike energy sᵀCs − 1 of both networks after every epoch, with θ (what was planted) as a
 * dashed line: about θ while the backdoor's structure is intact, about 0 for the clean network.
 */
export function epochSpikeChartSpec(run: FinetuneRun): LineChartSpec {
  const { spec, series } = epochChart(run, 'epoch.spikeEnergy', 'Spike energy sᵀCs − 1', {
    suggestedMin: 0
  })
  const x = epochRange(run, series)
  const theta = 'theta' in run.config ? run.config.theta : null
  if (x && theta != null) {
    spec.data.datasets.push(
      referenceLine(
        thetaLabel(theta),
        [
          { x: x[0], y: theta },
          { x: x[1], y: theta }
        ],
        finetuneStyle.theta.colour,
        paperStyle.theoryDash
      )
    )
  }
  return spec
}

/** The band of a null series is shaded lighter than an interval: it is a range, not an error. */
const NULL_BAND_ALPHA = 0.14

/** What the null band of a network is called in tooltips and exports. */
export function nullBandLabel(networkLabel: string): string {
  return `Random k-sparse directions, ${networkLabel.toLowerCase()}`
}

/**
 * Spike energy normalised by the rows' own scale, (sᵀCs)/(tr(C)/d) − 1, of both networks after
 * every epoch (SCIENCE.md section 5), each over the null band of its own weights: the same
 * statistic along random k-sparse directions drawn like the key (95% range), shaded in the
 * network's colour, its mean dotted. θ (what was planted) dashed, 0 marked.
 */
export function epochNormalisedSpikeChartSpec(run: FinetuneRun): LineChartSpec {
  const curves = finetuneModels.map(([model, style]) => ({
    model,
    style,
    series: seriesOf(run, model, 'epoch.normalisedSpikeEnergy'),
    band: seriesOf(run, model, 'epoch.nullSpikeEnergy')
  }))
  // Each null band with its mean as a thin dotted line of the same name: the legend names the
  // band, and exports carry its mean and range as one series, as the run recorded them.
  const bands = curves.flatMap(({ band, style }) =>
    band ? bandWithAlpha(band, nullBandLabel(style.label), style.colour, NULL_BAND_ALPHA) : []
  )
  const nullMeans = curves.flatMap(({ band, style }) =>
    band
      ? [
          {
            ...theory(band, nullBandLabel(style.label), style.colour),
            borderDash: [...paperStyle.referenceDash],
            borderWidth: 1.25
          }
        ]
      : []
  )
  const lines = perModelDatasets(
    curves.map(({ series, style }) => ({ series, label: style.label, colour: style.colour }))
  )
  const x = epochRange(run, [...curves.map((c) => c.series), ...curves.map((c) => c.band)])
  const datasets = [...bands, ...lines, ...nullMeans]
  const theta = 'theta' in run.config ? run.config.theta : null
  if (x && theta != null) {
    datasets.push(
      referenceLine(
        thetaLabel(theta),
        [
          { x: x[0], y: theta },
          { x: x[1], y: theta }
        ],
        finetuneStyle.theta.colour,
        paperStyle.theoryDash
      )
    )
  }
  const options = epochOptions('sᵀCs / (tr(C)/d) − 1', {}, x)
  // From the null band below 0 to θ: few enough ticks that none is skipped, 0 among them, and a
  // little room above and below, so a band that spans the data does not fill the plot.
  const y = (options.scales as Record<string, Record<string, unknown>>).y
  y.ticks = { ...(y.ticks as object), maxTicksLimit: 6 }
  y.grace = '8%'
  markZero(options)
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

/**
 * The normalised spike chart in one sentence, from the numbers the run reported before and
 * after fine-tuning (or its first and last epochs, for a run that stopped early).
 */
function normalisedSpikeLabel(run: RunDetail): string {
  const parts = finetuneModels.map(([model]) => {
    const { before, after } = beforeAfter(run, model, 'normalisedSpikeEnergy')
    const band = beforeAfter(run, model, 'nullSpikeEnergy').after
    const text = (e: typeof before) => (e?.value == null ? 'not measured' : formatTick(e.value))
    const range =
      band?.lower != null && band.upper != null
        ? `; its random directions after: ${formatTick(band.lower)} to ${formatTick(band.upper)}`
        : ''
    return `${model} ${text(before)} before, ${text(after)} after${range}`
  })
  return `Spike energy divided by the row scale tr(C)/d, per epoch, of both networks: ${parts.join('; ')}.`
}

export const spikeChart: ChartDefinition = {
  name: 'epoch-spike',
  title: 'Spike energy sᵀCs − 1 over fine-tuning epochs',
  spec: epochSpikeChartSpec,
  marks: 'dashed: the planted θ',
  card: {
    heading: () => 'Spike energy',
    caption: () =>
      'Raw sᵀCs − 1 of the first-layer rows: about θ (dashed) while the planted direction is intact, about 0 for freshly drawn clean rows. Fine-tuning grows every row, which raises it for the clean network too; the chart of the spike energy ÷ row scale divides that out, next to random k-sparse directions.',
    label: (run) =>
      `Spike energy of both networks per epoch, against θ = ${formatTick((run.config as { theta: number }).theta)}`,
    shown: hasEpochs
  }
}

export const normalisedSpikeChart: ChartDefinition = {
  name: 'epoch-spike-normalised',
  title:
    'Spike energy normalised by the row scale, sᵀCs / (tr(C)/d) − 1, over fine-tuning epochs, with the null band of random k-sparse directions',
  spec: epochNormalisedSpikeChartSpec,
  marks:
    "shaded: 95% range of the same statistic along random k-sparse directions, in each network's colour; dotted: their mean; dashed: the planted θ",
  card: {
    heading: () => 'Spike energy ÷ row scale',
    caption: (run) => {
      const directions = metricOf(run, 'run', 'nullDirections')?.value
      const r = directions == null ? 'random' : `${directions} random`
      const same =
        (run.config as { theta?: number }).theta === 0
          ? " At θ = 0 the backdoored network is the clean one: its curve and band lie under the clean network's."
          : ''
      return `sᵀCs / (tr(C)/d) − 1 of each network's first-layer rows after every epoch: the spike energy with the rows' own growth divided out, about θ (dashed) while the planted direction stands out and about 0 without one. Shaded, in each network's colour: the 95% range of the same statistic along ${r} k-sparse unit directions drawn like the key (dotted: their mean), what "no planted direction" looks like for those very weights. Epoch 0 is before fine-tuning.${same} It shows whether the direction s still stands out in the weights, not whether the trigger still flips inputs (the ASR chart does), nor whether a defender who does not know s could find it (the Detectability panel); the band varies the direction only, not the key, the weights or the data.`
    },
    label: (run) => normalisedSpikeLabel(run),
    shown: (run) => hasAny(run, 'epoch.normalisedSpikeEnergy')
  }
}
