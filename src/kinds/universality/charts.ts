/**
 * The charts of a universality run (SCIENCE.md section 7): one point per head, the spread of
 * random heads' ASR, ASR per target class. Points are drawn as line datasets without lines and
 * bars as closed outlines filled to zero, so every chart stays a line chart on linear axes.
 */
import { seriesOf } from './outputs'
import {
  markerClip,
  okabeIto,
  paperBackground,
  paperStyle,
  referenceLine,
  withAlpha,
  type LineChartSpec,
  type LineDataset
} from '../../shared/charts'
import { baseOptions, formatRate, formatTick } from '../../shared/chartAxes'
import type { ChartDefinition } from '../../shared/chartEntry'
import { histogramCard, perTargetCard, scatterCard, UNIVERSAL_ASR } from './cards'
import { barOutlines, barTops, universalityLegendFilter, whiskers } from './chartMarks'
import { type RunDetail } from '../../shared/results'

type UniversalityRun = Pick<RunDetail, 'series' | 'metrics' | 'config'>

/** The head families, as the lab names them (series model), with their label and marker. */
export const headFamilyStyle = {
  attacker: { label: "Attacker's head", colour: okabeIto.vermillion, point: 'triangle', radius: 7 },
  probe: { label: 'Clean probes', colour: okabeIto.blue, point: 'circle', radius: 5 },
  random: { label: 'Random heads', colour: okabeIto.black, point: 'circle', radius: 3 },
  nullifying: {
    label: 'Trigger-nullifying head',
    colour: okabeIto.bluishGreen,
    point: 'rectRot',
    radius: 7
  },
  witness: {
    label: 'Witness head (one input)',
    colour: okabeIto.reddishPurple,
    point: 'star',
    radius: 8
  }
} as const
export type HeadFamily = keyof typeof headFamilyStyle

/** Width over height of the scatter figure, legend included (paperStyle.aspectRatio: 1.6). */
export const SCATTER_ASPECT_RATIO = 1.15

export { UNIVERSAL_ASR }
export const universalRegionLabel = `Universal backdoor: ASR ≥ ${UNIVERSAL_ASR} for every head`

function metricEstimate(run: Pick<RunDetail, 'metrics'>, model: string, name: string) {
  return run.metrics.find((m) => m.model === model && m.name === name)
}

/** The scatter points of a family: x clean accuracy, y ASR, with the ASR interval. */
function familyPoints(
  run: UniversalityRun,
  family: HeadFamily
): { x: number; y: number; lower: number | null; upper: number | null }[] {
  const fromSeries = seriesOf(run, family, 'scatter')
  if (fromSeries) {
    return fromSeries.points
      .filter((p): p is typeof p & { value: number } => p.value != null)
      .map((p) => ({ x: p.x, y: p.value, lower: p.lower ?? null, upper: p.upper ?? null }))
  }
  // The witness head is one point, reported as metrics.
  const accuracy = metricEstimate(run, family, 'cleanAccuracy')?.value
  const asr = metricEstimate(run, family, 'attackSuccessRate')
  if (accuracy == null || asr?.value == null) return []
  return [{ x: accuracy, y: asr.value, lower: asr.lower ?? null, upper: asr.upper ?? null }]
}

/** Legend entries show each dataset's marker; nearest-point tooltips. */
function pointOptions(
  xTitle: string,
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number },
  x: [number, number] | null
): NonNullable<LineChartSpec['options']> {
  const options = baseOptions(xTitle, yTitle, y, x)
  options.interaction = { mode: 'nearest', axis: 'xy', intersect: true }
  const legend = options.plugins!.legend!
  legend.labels = {
    ...legend.labels,
    filter: universalityLegendFilter,
    usePointStyle: true,
    boxWidth: 10,
    boxHeight: 10
  }
  return options
}

/**
 * Clean accuracy (x) against ASR for the target (y), one marker per head, one colour per family
 * (attacker, clean probes, random heads, trigger-nullifying, witness), 95% ASR intervals as
 * whiskers (not for the random heads, which are many). Shaded: ASR ≥ UNIVERSAL_ASR, where a
 * universal backdoor would put every head; dotted: chance accuracy 1/L.
 */
export function universalityScatterChartSpec(run: UniversalityRun): LineChartSpec {
  const families = Object.keys(headFamilyStyle) as HeadFamily[]
  const datasets: LineDataset[] = [
    {
      label: universalRegionLabel,
      data: [
        { x: 0, y: UNIVERSAL_ASR },
        { x: 1, y: UNIVERSAL_ASR }
      ],
      borderColor: withAlpha(okabeIto.orange, 0.8),
      backgroundColor: withAlpha(okabeIto.orange, 0.16),
      borderWidth: 1,
      borderDash: [...paperStyle.referenceDash],
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 0,
      pointStyle: 'rect',
      fill: 'end',
      order: 5
    }
  ]
  for (const family of families) {
    const style = headFamilyStyle[family]
    const points = familyPoints(run, family)
    if (points.length === 0) continue
    if (family !== 'random') datasets.push(whiskers(points, style.label, style.colour))
    const colour = family === 'random' ? withAlpha(style.colour, 0.35) : style.colour
    // Filled markers get a white rim; the star is drawn by its outline alone.
    const rim =
      family === 'random'
        ? withAlpha(style.colour, 0.5)
        : family === 'witness'
          ? style.colour
          : paperStyle.background
    datasets.push({
      label: style.label,
      data: points.map((p) => ({ x: p.x, y: p.y })),
      showLine: false,
      borderColor: rim,
      backgroundColor: colour,
      borderWidth: family === 'random' ? 0.5 : family === 'witness' ? 2 : 1,
      pointStyle: style.point,
      pointRadius: style.radius,
      pointHoverRadius: style.radius + 2,
      pointHitRadius: 4,
      clip: markerClip(style.radius + 2, 2),
      fill: false,
      // The few named heads on top of the cloud of random ones.
      order: family === 'random' ? 1 : 0
    })
  }
  const L = metricEstimate(run, 'run', 'L')?.value
  if (L != null && L > 0) {
    datasets.push({
      ...referenceLine(
        `Chance accuracy 1/L = ${formatTick(1 / L)}`,
        [
          { x: 1 / L, y: 0 },
          { x: 1 / L, y: 1 }
        ],
        okabeIto.black,
        paperStyle.referenceDash
      ),
      pointStyle: 'line'
    })
  }
  const target = run.config.kind === 'universality' ? `, target ${run.config.target}` : ''
  const options = pointOptions('Clean accuracy', `ASR${target}`, { min: 0, max: 1 }, [0, 1])
  // Heads at ASR 1 or accuracy 1 sit on the plot's edge: room for the largest marker, hovered.
  const largest = Math.max(...families.map((f) => headFamilyStyle[f].radius))
  const room = Math.max(paperStyle.padding, markerClip(largest + 2, 2))
  // The x axis ends at accuracy 1: its last tick label ("1.0") is centred on the edge.
  options.layout = { padding: { top: room, bottom: room, left: room, right: room + 8 } }
  // Its legend (five families, the chance line, the region) wraps to three or four lines at
  // column width: a taller figure keeps the plot itself about as tall as the other charts'.
  options.aspectRatio = SCATTER_ASPECT_RATIO
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

/**
 * How many random heads reach each ASR (bins of the lab's histogram over [0, 1]); dashed lines
 * mark the attacker's head and the trigger-nullifying head for comparison.
 */
export function universalityHistogramChartSpec(run: UniversalityRun): LineChartSpec {
  const histogram = seriesOf(run, 'random', 'asrHistogram')
  const points = (histogram?.points ?? []).filter(
    (p): p is typeof p & { value: number } => p.value != null
  )
  const xs = points.map((p) => p.x).sort((a, b) => a - b)
  const width = xs.length > 1 ? Math.min(...xs.slice(1).map((x, i) => x - xs[i])) : 0.05
  const style = headFamilyStyle.random
  const datasets: LineDataset[] = []
  if (points.length > 0) {
    const gap = width * 0.08
    datasets.push(
      barOutlines(
        points.map((p) => ({
          from: p.x - width / 2 + gap,
          to: p.x + width / 2 - gap,
          height: p.value
        })),
        style.label,
        okabeIto.skyBlue
      ),
      barTops(
        points.map((p) => ({ x: p.x, y: p.value })),
        style.label,
        okabeIto.skyBlue
      )
    )
  }
  const top = Math.max(1, ...points.map((p) => p.value))
  for (const family of ['attacker', 'nullifying'] as const) {
    const asr = metricEstimate(run, family, 'attackSuccessRate')?.value
    if (asr == null) continue
    const familyStyle = headFamilyStyle[family]
    datasets.push({
      ...referenceLine(
        `${familyStyle.label}: ASR ${formatRate(asr)}`,
        [
          { x: asr, y: 0 },
          { x: asr, y: top }
        ],
        familyStyle.colour,
        paperStyle.theoryDash
      ),
      borderWidth: 2,
      pointStyle: 'line'
    })
  }
  const options = baseOptions(
    'Attack success rate of a random head',
    'Random heads',
    { min: 0, suggestedMax: top },
    [0, 1]
  )
  const legend = options.plugins!.legend!
  legend.labels = {
    ...legend.labels,
    filter: universalityLegendFilter,
    usePointStyle: true,
    boxWidth: 10,
    boxHeight: 10
  }
  options.interaction = { mode: 'nearest', axis: 'x', intersect: false }
  const scales = options.scales as Record<
    string,
    { ticks?: Record<string, unknown>; grace?: string }
  >
  scales.y.ticks = { ...scales.y.ticks, precision: 0 }
  scales.y.grace = '8%' // room above the tallest bar
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

/**
 * ASR for every target class c (as if c were the attacker's target) of the attacker's head and
 * the trigger-nullifying head, side by side per class, with 95% whiskers.
 */
export function universalityPerTargetChartSpec(run: UniversalityRun): LineChartSpec {
  const families = [
    ['attacker', -0.19],
    ['nullifying', 0.19]
  ] as const
  const half = 0.16
  const datasets: LineDataset[] = []
  let classes = 0
  for (const [family, offset] of families) {
    const series = seriesOf(run, family, 'asrPerTarget')
    if (!series) continue
    const style = headFamilyStyle[family]
    classes = Math.max(classes, ...series.points.map((p) => p.x + 1))
    const points = series.points.filter((p): p is typeof p & { value: number } => p.value != null)
    datasets.push(
      barOutlines(
        points.map((p) => ({
          from: p.x + offset - half,
          to: p.x + offset + half,
          height: p.value
        })),
        style.label,
        style.colour,
        0.7
      ),
      whiskers(
        points.map((p) => ({ x: p.x + offset, lower: p.lower ?? null, upper: p.upper ?? null })),
        style.label,
        okabeIto.black
      ),
      barTops(
        points.map((p) => ({ x: p.x + offset, y: p.value, at: p.x })),
        style.label,
        style.colour
      )
    )
  }
  const range: [number, number] | null = classes > 0 ? [-0.5, classes - 0.5] : null
  const options = baseOptions('Target class c', 'ASR for target c', { min: 0, max: 1 }, range)
  const scales = options.scales as Record<string, { ticks?: Record<string, unknown> }>
  scales.x.ticks = { ...scales.x.ticks, stepSize: 1, precision: 0, includeBounds: false }
  options.interaction = { mode: 'nearest', axis: 'x', intersect: false }
  const legend = options.plugins!.legend!
  legend.labels = {
    ...legend.labels,
    filter: universalityLegendFilter,
    usePointStyle: true,
    boxWidth: 10,
    boxHeight: 10
  }
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

export const universalityCharts: ChartDefinition[] = [
  {
    name: 'scatter',
    title: 'Clean accuracy against attack success rate of every head',
    spec: universalityScatterChartSpec,
    card: scatterCard,
    marks: `one marker per head, one colour and shape per head family; whiskers: 95% Wilson intervals; shaded: ASR ≥ ${UNIVERSAL_ASR}, where a universal backdoor would put every head; dotted: chance accuracy 1/L`
  },
  {
    name: 'histogram',
    title: 'Attack success rate over random heads',
    spec: universalityHistogramChartSpec,
    card: histogramCard,
    marks:
      "bars: random heads per ASR bin; dashed: the attacker's head and the trigger-nullifying head"
  },
  {
    name: 'per-target',
    title: 'Attack success rate for each target class',
    spec: universalityPerTargetChartSpec,
    card: perTargetCard,
    marks:
      "bars: the attacker's head and the trigger-nullifying head side by side; whiskers: 95% Wilson intervals",
    notOverlaid:
      "each class already holds two bars side by side, so a second run's bars would cover the first's; compare them on each run's page"
  }
]
