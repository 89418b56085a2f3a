/**
 * The charts of a detectability frontier, all against θ on a log axis with the BBP threshold
 * √(d/m) marked: each test's power at level α with the backdoor's strength beside it (λ50 ratio on
 * a second axis, advantage at λ), each test's AUROC, and the backdoor's cost in clean accuracy.
 */
import type { DetectabilityConfig } from './config'
import { metricOf, seriesOf, TEST_MODELS, type TestModel } from './outputs'
import { STATISTIC_NAMES, statisticWords } from './panel'
import { frontierFacts } from './summary'
import { logTick } from './ticks'
import type { ChartDefinition } from '../../shared/chartEntry'
import {
  okabeIto,
  paperBackground,
  perModelDatasets,
  referenceLine,
  paperStyle,
  type LineChartSpec,
  type LineDataset
} from '../../shared/charts'
import { axisTitle, baseOptions, ticks } from '../../shared/chartAxes'
import { fixed, sig } from '../../shared/format'
import type { RunDetail, SeriesRecord } from '../../shared/results'

export const testStyle: Record<TestModel, { label: string; colour: string }> = {
  spectral: { label: statisticWords.topEigenvalue.test, colour: okabeIto.blue },
  diagonal: { label: statisticWords.maxDiagonal.test, colour: okabeIto.orange },
  sparse: { label: statisticWords.sparseEigenvalue.test, colour: okabeIto.reddishPurple }
}
const strengthStyle = {
  lambda50Ratio: {
    label: 'λ50 ratio clean / backdoored (right axis)',
    colour: okabeIto.vermillion
  },
  advantage: { label: 'Advantage at λ', colour: okabeIto.bluishGreen },
  cleanAccuracyCost: { label: 'Clean accuracy, backdoored − clean twin', colour: okabeIto.black }
}

const configOf = (run: RunDetail) => run.config as DetectabilityConfig

/** The grid's θ range, from the config (the axis does not jump while the run fills it in). */
function thetaRange(run: RunDetail): [number, number] {
  const { from, to } = configOf(run).thetas
  return [from / 1.15, to * 1.15]
}

/** Options on a log θ axis. */
function thetaOptions(
  run: RunDetail,
  yTitle: string,
  y: Parameters<typeof baseOptions>[2]
): NonNullable<LineChartSpec['options']> {
  const options = baseOptions('Spike strength θ (log scale)', yTitle, y, thetaRange(run))
  const scales = options.scales as Record<string, Record<string, unknown>>
  scales.x = {
    ...scales.x,
    type: 'logarithmic',
    ticks: { ...(scales.x.ticks as object), maxRotation: 0, callback: logTick }
  }
  return options
}

/** A vertical line at the BBP threshold √(d/m), across [low, high] of the y axis. */
function bbpLine(run: RunDetail, low: number, high: number, yAxisID = 'y'): LineDataset[] {
  const threshold = metricOf(run, 'run', 'bbpThreshold')?.value
  if (threshold == null) return []
  return [
    {
      ...referenceLine(
        `BBP threshold √(d/m) = ${sig(threshold)}`,
        [
          { x: threshold, y: low },
          { x: threshold, y: high }
        ],
        okabeIto.black,
        paperStyle.theoryDash
      ),
      yAxisID
    }
  ]
}

/** A horizontal reference line across the θ range. */
function level(run: RunDetail, label: string, y: number, colour: string): LineDataset {
  const [a, b] = thetaRange(run)
  return referenceLine(
    label,
    [
      { x: a, y },
      { x: b, y }
    ],
    colour,
    paperStyle.referenceDash
  )
}

const testEntries = (run: RunDetail, name: 'power' | 'auroc') =>
  STATISTIC_NAMES.map((s) => {
    const model = TEST_MODELS[s]
    // Three bands overlap: each lighter than a band alone.
    return { series: seriesOf(run, model, name), ...testStyle[model], bandAlpha: 0.12 }
  })

/** Power of each test at level α and the backdoor's strength, over θ. */
export function frontierChartSpec(run: RunDetail): LineChartSpec {
  const alpha = configOf(run).alpha
  const ratio = seriesOf(run, 'strength', 'lambda50Ratio')
  const datasets: LineDataset[] = [
    ...perModelDatasets([
      ...testEntries(run, 'power'),
      {
        series: seriesOf(run, 'strength', 'advantage'),
        ...strengthStyle.advantage,
        dash: [...paperStyle.theoryDash],
        bandAlpha: 0.1
      }
    ]),
    ...perModelDatasets([
      {
        series: ratio,
        ...strengthStyle.lambda50Ratio,
        dash: [...paperStyle.theoryDash],
        bandAlpha: 0.1
      }
    ]).map((d) => ({ ...d, yAxisID: 'y2' })),
    level(run, `Test level α = ${sig(alpha)}`, alpha, okabeIto.skyBlue),
    ...bbpLine(run, 0, 1)
  ]
  const options = thetaOptions(run, 'Power at level α · advantage at λ', { min: 0, max: 1 })
  // A card of its own, the page's width: wider than the other charts.
  options.aspectRatio = 2.1
  const ratios = (ratio?.points ?? []).flatMap((p) => [p.value, p.upper, p.lower])
  const top = Math.max(2, ...ratios.filter((v): v is number => v != null && Number.isFinite(v)))
  ;(options.scales as Record<string, unknown>).y2 = {
    type: 'linear',
    position: 'right',
    min: 0,
    suggestedMax: top,
    title: axisTitle('λ50 ratio clean / backdoored'),
    ticks: ticks(),
    grid: { drawOnChartArea: false },
    border: { color: paperStyle.axis }
  }
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

/** AUROC of each test between the null's clean draws and the backdoored draws, over θ. */
export function aurocChartSpec(run: RunDetail): LineChartSpec {
  const datasets: LineDataset[] = [
    ...perModelDatasets(testEntries(run, 'auroc')),
    level(run, 'AUROC = 0.5 (chance)', 0.5, okabeIto.black),
    ...bbpLine(run, 0, 1)
  ]
  return {
    type: 'line',
    data: { datasets },
    options: thetaOptions(run, 'AUROC', { min: 0, max: 1 }),
    plugins: [paperBackground]
  }
}

/** Clean accuracy of the backdoored network minus its clean twin's, over θ. */
export function costChartSpec(run: RunDetail): LineChartSpec {
  const cost = seriesOf(run, 'strength', 'cleanAccuracyCost')
  const values = (cost?.points ?? []).flatMap((p) => [p.lower, p.upper, p.value])
  const finite = values.filter((v): v is number => v != null && Number.isFinite(v))
  const low = Math.min(-0.02, ...finite)
  const high = Math.max(0.02, ...finite)
  const datasets: LineDataset[] = [
    ...perModelDatasets([{ series: cost, ...strengthStyle.cleanAccuracyCost }]),
    level(run, 'No cost', 0, okabeIto.skyBlue),
    ...bbpLine(run, low, high)
  ]
  return {
    type: 'line',
    data: { datasets },
    options: thetaOptions(run, 'Clean accuracy difference', {
      suggestedMin: low,
      suggestedMax: high
    }),
    plugins: [paperBackground]
  }
}

const has = (series: SeriesRecord | undefined) => (series?.points.length ?? 0) > 0

export const detectabilityCharts: ChartDefinition[] = [
  {
    name: 'frontier',
    title: 'Detection power and backdoor strength over spike strength θ',
    spec: frontierChartSpec,
    marks:
      'shaded: 95% Wilson intervals of the power and t-intervals over the draws of the strength; dashed vertical: the BBP threshold √(d/m); dotted: the test level α',
    card: {
      heading: () => 'Detection power and backdoor strength',
      caption: (run) => {
        const c = configOf(run)
        return `Solid: the fraction of the ${c.draws} backdoored draws at each θ whose p-value against ${c.nullDraws} clean null draws is at most α = ${sig(c.alpha)}, with 95% Wilson intervals. Dashed: the backdoor's strength from the same draws, run as effectiveness experiments: the λ50 ratio (right axis) and the advantage at λ = ${sig(c.lambda)}, means with 95% t-intervals over the draws. Vertical: the BBP threshold √(d/m), below which a spike leaves the top eigenvalue at the bulk's edge.`
      },
      label: (run) => {
        const f = frontierFacts(run)
        return `Power of the spectral, diagonal and sparse tests and the backdoor's λ50 ratio against θ on a log axis; ${f.sentence}`
      },
      shown: (run) => has(seriesOf(run, 'spectral', 'power'))
    }
  },
  {
    name: 'auroc',
    title: 'AUROC of each detection test over spike strength θ',
    spec: aurocChartSpec,
    marks: 'shaded: 95% DeLong intervals; dashed vertical: the BBP threshold; dotted: chance (0.5)',
    card: {
      heading: () => 'AUROC: clean against backdoored draws',
      caption: (run) =>
        `The probability that a backdoored draw's statistic exceeds a clean one's (the Trojan Detection Challenge's metric), between the ${configOf(run).nullDraws} null draws and the ${configOf(run).draws} backdoored draws at each θ, with 95% DeLong intervals. 0.5 is chance, 1 a perfect detector.`,
      label: (run) => {
        const points = STATISTIC_NAMES.map((s) => {
          const last = seriesOf(run, TEST_MODELS[s], 'auroc')?.points.at(-1)
          return `${statisticWords[s].short} ${last?.value == null ? '—' : fixed(last.value)}`
        })
        return `AUROC of each test against θ; at the largest θ: ${points.join(', ')}`
      },
      shown: (run) => has(seriesOf(run, 'spectral', 'auroc'))
    }
  },
  {
    name: 'accuracy-cost',
    title: 'Clean-accuracy cost of the backdoor over spike strength θ',
    spec: costChartSpec,
    marks: 'shaded: 95% t-intervals over the draws; dashed vertical: the BBP threshold',
    card: {
      heading: () => 'What the backdoor costs in clean accuracy',
      caption: (run) =>
        `Clean accuracy of the backdoored network minus that of its clean twin (the same draws without the spike), mean over the ${configOf(run).draws} draws at each θ with its 95% t-interval. Below zero, the backdoor shows without the weights: the network is worse at its task.`,
      label: () => 'Clean accuracy of the backdoored network minus its clean twin, against θ',
      shown: (run) => has(seriesOf(run, 'strength', 'cleanAccuracyCost'))
    }
  }
]
