/**
 * Chart specs: one chart.js configuration per figure, built by pure code from a run's data, in
 * the paper style (white background, Okabe–Ito palette, readable fonts, 95% bands as filled
 * areas). The renderer draws exactly this spec; export renders the same spec to PNG/SVG/PDF.
 *
 * Everything here is plain data except two tiny callbacks (the legend filter that hides band
 * datasets and the plugin that paints the white background). chart.js is imported for its types
 * only, so this module runs anywhere. No Node, no DOM.
 */
import type { ChartConfiguration, ChartData, ChartDataset, LegendItem, Plugin } from 'chart.js'
import type { RunDetail, SeriesRecord } from './results'
import { findSeries } from './results'

/** Okabe & Ito (2008): distinguishable with every common colour-vision deficiency. */
export const okabeIto = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7'
} as const

export const paperStyle = {
  background: '#ffffff',
  fontFamily:
    "Inter, 'Segoe UI', 'Helvetica Neue', Helvetica, Arial, 'Noto Sans', 'Liberation Sans', sans-serif",
  text: '#1f2328',
  grid: 'rgba(0, 0, 0, 0.08)',
  axis: 'rgba(0, 0, 0, 0.45)',
  tickSize: 12,
  axisTitleSize: 13,
  legendSize: 12,
  /** Width over height of the plot; the renderer keeps it, export picks its own pixel size. */
  aspectRatio: 1.6,
  bandAlpha: 0.18,
  lineWidth: 2,
  theoryDash: [6, 4],
  referenceDash: [2, 3],
  /** Room around the plot (CSS px): at least what the largest marker reaches past it. */
  padding: 8
} as const

/** What each model is called on a chart, and its colour. */
export const modelStyle = {
  clean: { label: 'Clean network', colour: okabeIto.blue },
  backdoored: { label: 'Backdoored network', colour: okabeIto.vermillion },
  'theory.clean': { label: 'Theory, clean (m → ∞)', colour: okabeIto.blue },
  'theory.backdoored': { label: 'Theory, backdoored (m → ∞)', colour: okabeIto.vermillion },
  advantage: { label: 'Backdoor advantage', colour: okabeIto.bluishGreen },
  reference: { label: 'ASR = 0.5', colour: okabeIto.black }
} as const

/** Band datasets carry this in their label; the legend leaves them out, tooltips name them. */
export const BAND_MARK = '95% band'
export const REFERENCE_MARK = 'ASR = 0.5'

export interface ChartPoint {
  x: number
  y: number | null
  /**
   * The x the point stands for, when it is drawn beside it: a bar of class c drawn at c − 0.19.
   * Chart.js ignores it; exported numbers use it.
   */
  at?: number
}
export type LineChartSpec = ChartConfiguration<'line', ChartPoint[]>
type LineDataset = ChartDataset<'line', ChartPoint[]>

/**
 * How far (CSS px) a marker of this radius and border may reach past the plot area: a point at
 * an axis limit (ASR = 1, the largest λ) is drawn whole instead of cut in half.
 */
export function markerClip(radius: number, borderWidth: number): number {
  return Math.ceil(radius + borderWidth / 2 + 1)
}

/** `#RRGGBB` with an alpha, as `rgba(...)`. */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

/** Keeps band and reference datasets out of the legend. */
export function legendFilter(item: LegendItem): boolean {
  return !item.text.includes(BAND_MARK) && !item.text.includes(REFERENCE_MARK)
}

/** Paints the canvas white under the chart, so exported images are not transparent. */
export const paperBackground: Plugin<'line'> = {
  id: 'paperBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart
    ctx.save()
    ctx.globalCompositeOperation = 'destination-over'
    ctx.fillStyle = paperStyle.background
    ctx.fillRect(0, 0, width, height)
    ctx.restore()
  }
}

export function bandLabel(label: string, bound: 'lower' | 'upper'): string {
  return `${label} · ${BAND_MARK} ${bound}`
}

function measured(series: SeriesRecord, label: string, colour: string): LineDataset {
  return {
    label,
    data: series.points.map((p) => ({ x: p.x, y: p.value })),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: paperStyle.lineWidth,
    pointRadius: 2.5,
    pointHoverRadius: 4,
    // A marker at an axis limit is drawn whole, past the plot area (layout padding makes room).
    clip: markerClip(4, paperStyle.lineWidth),
    fill: false,
    spanGaps: false,
    order: 1
  }
}

/** Two datasets, lower then upper; the upper fills down to the lower ('-1'). */
function band(series: SeriesRecord, label: string, colour: string): LineDataset[] {
  const common = {
    borderColor: 'rgba(0, 0, 0, 0)',
    backgroundColor: withAlpha(colour, paperStyle.bandAlpha),
    borderWidth: 0,
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    spanGaps: false,
    order: 3
  }
  return [
    {
      ...common,
      label: bandLabel(label, 'lower'),
      data: series.points.map((p) => ({ x: p.x, y: p.lower ?? null })),
      fill: false
    },
    {
      ...common,
      label: bandLabel(label, 'upper'),
      data: series.points.map((p) => ({ x: p.x, y: p.upper ?? null })),
      fill: '-1'
    }
  ]
}

function theory(series: SeriesRecord, label: string, colour: string): LineDataset {
  return {
    label,
    data: series.points.map((p) => ({ x: p.x, y: p.value })),
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: paperStyle.lineWidth,
    borderDash: [...paperStyle.theoryDash],
    pointRadius: 0,
    pointHoverRadius: 3,
    fill: false,
    spanGaps: false,
    order: 2
  }
}

function xRange(series: (SeriesRecord | undefined)[]): [number, number] | null {
  const xs = series.flatMap((s) => s?.points.map((p) => p.x) ?? [])
  if (xs.length === 0) return null
  return [Math.min(...xs), Math.max(...xs)]
}

function axisTitle(text: string) {
  return {
    display: true,
    text,
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.axisTitleSize, weight: 500 }
  }
}

function ticks() {
  return {
    color: paperStyle.text,
    font: { family: paperStyle.fontFamily, size: paperStyle.tickSize }
  }
}

function baseOptions(
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
 * ASR(λ) (SCIENCE.md section 5): the clean and backdoored networks as measured, each with its
 * 95% Wilson band, and the large-width theory of each as a dashed curve; a dotted line marks
 * ASR = 0.5, where λ50 is read. Series that the run has not produced (yet) are left out.
 */
export function asrChartSpec(run: Pick<RunDetail, 'series'>): LineChartSpec {
  const clean = findSeries(run, 'clean', 'attackSuccessRate')
  const backdoored = findSeries(run, 'backdoored', 'attackSuccessRate')
  const theoryClean = findSeries(run, 'theory.clean', 'attackSuccessRate')
  const theoryBackdoored = findSeries(run, 'theory.backdoored', 'attackSuccessRate')
  const datasets: LineDataset[] = []
  for (const [series, style] of [
    [clean, modelStyle.clean],
    [backdoored, modelStyle.backdoored]
  ] as const) {
    if (series) datasets.push(...band(series, style.label, style.colour))
  }
  for (const [series, style] of [
    [clean, modelStyle.clean],
    [backdoored, modelStyle.backdoored]
  ] as const) {
    if (series) datasets.push(measured(series, style.label, style.colour))
  }
  for (const [series, style] of [
    [theoryClean, modelStyle['theory.clean']],
    [theoryBackdoored, modelStyle['theory.backdoored']]
  ] as const) {
    if (series) datasets.push(theory(series, style.label, style.colour))
  }
  const x = xRange([clean, backdoored, theoryClean, theoryBackdoored])
  if (x) {
    datasets.push({
      label: REFERENCE_MARK,
      data: [
        { x: x[0], y: 0.5 },
        { x: x[1], y: 0.5 }
      ],
      borderColor: withAlpha(modelStyle.reference.colour, 0.35),
      backgroundColor: withAlpha(modelStyle.reference.colour, 0.35),
      borderWidth: 1,
      borderDash: [...paperStyle.referenceDash],
      pointRadius: 0,
      pointHoverRadius: 0,
      pointHitRadius: 0,
      fill: false,
      order: 4
    })
  }
  return {
    type: 'line',
    data: { datasets },
    options: baseOptions('Trigger scale λ', 'Attack success rate', { min: 0, max: 1 }, x),
    plugins: [paperBackground]
  }
}

/** Backdoor advantage ASR_backdoored − ASR_clean over λ, with its 95% band. */
export function advantageChartSpec(run: Pick<RunDetail, 'series'>): LineChartSpec {
  const advantage = findSeries(run, 'run', 'advantage')
  const style = modelStyle.advantage
  const datasets: LineDataset[] = advantage
    ? [
        ...band(advantage, style.label, style.colour),
        measured(advantage, style.label, style.colour)
      ]
    : []
  const options = baseOptions(
    'Trigger scale λ',
    'Advantage (Δ ASR)',
    { suggestedMin: 0 },
    xRange([advantage])
  )
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
}

/*
 * Fine-tuning (SCIENCE.md section 6): the clean and the backdoored network, fine-tuned the same
 * way, side by side on every chart; x is the epoch, or λ for the before/after curves.
 */

export const finetuneStyle = {
  before: { suffix: 'before fine-tuning', dash: [...paperStyle.theoryDash], bandAlpha: 0.1 },
  after: { suffix: 'after fine-tuning', dash: [] as number[], bandAlpha: paperStyle.bandAlpha },
  theta: { colour: okabeIto.black },
  tracked: { colour: okabeIto.reddishPurple }
} as const

type FinetuneRun = Pick<RunDetail, 'series' | 'metrics' | 'config'>
const finetuneModels = [
  ['clean', modelStyle.clean],
  ['backdoored', modelStyle.backdoored]
] as const

/** The epochs the run was configured for, so live charts keep their x axis while points arrive. */
export function configuredEpochs(run: Pick<RunDetail, 'config'>): number | null {
  return run.config.kind === 'finetune' ? run.config.train.epochs : null
}

/** The λ at which the run tracks ASR every epoch: as measured, else as configured. */
export function trackedLambda(run: Pick<RunDetail, 'metrics' | 'config'>): number | null {
  const measured = run.metrics.find((m) => m.model === 'run' && m.name === 'trackLambda')
  if (measured?.value != null) return measured.value
  return run.config.kind === 'finetune' ? run.config.trackLambda : null
}

function hasBand(series: SeriesRecord): boolean {
  return series.points.some((p) => p.lower != null && p.upper != null)
}

/** Points stay visible on short curves; long ones (hundreds of epochs) are drawn as lines. */
function pointRadiusFor(series: SeriesRecord): number {
  return series.points.length > 60 ? 0 : 2.5
}

function curve(
  series: SeriesRecord,
  label: string,
  colour: string,
  dash: number[] = []
): LineDataset {
  const radius = pointRadiusFor(series)
  return {
    ...measured(series, label, colour),
    pointRadius: radius,
    ...(dash.length > 0
      ? { borderDash: [...dash], pointBackgroundColor: paperStyle.background }
      : {})
  }
}

function bandWithAlpha(
  series: SeriesRecord,
  label: string,
  colour: string,
  alpha: number
): LineDataset[] {
  return band(series, label, colour).map((d) => ({
    ...d,
    backgroundColor: withAlpha(colour, alpha)
  }))
}

/** A straight reference line through `points`, unfilled and without markers. */
function referenceLine(
  label: string,
  points: ChartPoint[],
  colour: string,
  dash: readonly number[]
): LineDataset {
  return {
    label,
    data: points,
    borderColor: withAlpha(colour, 0.55),
    backgroundColor: withAlpha(colour, 0.55),
    borderWidth: 1.5,
    borderDash: [...dash],
    pointRadius: 0,
    pointHoverRadius: 0,
    pointHitRadius: 0,
    fill: false,
    order: 4
  }
}

/** Up to this many epochs the axis spans them all from the start, so live points fill it in. */
export const FIXED_EPOCH_AXIS = 50

/**
 * The epoch axis: from 0 (or the first point) to the configured epochs. Long runs start with
 * the first FIXED_EPOCH_AXIS epochs and double the span as points arrive, so early epochs stay
 * readable; the axis never ends before the last point.
 */
function epochRange(
  run: FinetuneRun,
  series: (SeriesRecord | undefined)[]
): [number, number] | null {
  const range = xRange(series)
  if (!range) return null
  const from = Math.min(0, range[0])
  const last = range[1]
  const epochs = configuredEpochs(run) ?? last
  const span =
    epochs <= FIXED_EPOCH_AXIS ? epochs : Math.min(epochs, Math.max(FIXED_EPOCH_AXIS, 2 * last))
  const to = Math.max(last, span)
  return [from, to > from ? to : from + 1]
}

/** Whole epochs on the x axis, however many there are. */
function epochOptions(
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number },
  x: [number, number] | null
): NonNullable<LineChartSpec['options']> {
  const options = baseOptions('Epoch', yTitle, y, x)
  const scales = options.scales as Record<string, { ticks?: Record<string, unknown> }>
  scales.x.ticks = { ...scales.x.ticks, precision: 0 }
  return options
}

interface CurveEntry {
  series: SeriesRecord | undefined
  label: string
  colour: string
  dash?: number[]
  bandAlpha?: number
}

/** Bands first (drawn under), then the curves, in the order given. */
function perModelDatasets(entries: CurveEntry[]): LineDataset[] {
  const present = entries.filter(
    (e): e is CurveEntry & { series: SeriesRecord } => e.series !== undefined
  )
  return [
    ...present
      .filter((e) => hasBand(e.series))
      .flatMap((e) =>
        bandWithAlpha(e.series, e.label, e.colour, e.bandAlpha ?? paperStyle.bandAlpha)
      ),
    ...present.map((e) => curve(e.series, e.label, e.colour, e.dash))
  ]
}

function epochChart(
  run: FinetuneRun,
  name: string,
  yTitle: string,
  y: { min?: number; max?: number; suggestedMin?: number; suggestedMax?: number }
): { spec: LineChartSpec; series: (SeriesRecord | undefined)[] } {
  const series = finetuneModels.map(([model]) => findSeries(run, model, name))
  const datasets = perModelDatasets(
    finetuneModels.map(([, style], i) => ({
      series: series[i],
      label: style.label,
      colour: style.colour
    }))
  )
  return {
    spec: {
      type: 'line',
      data: { datasets },
      options: epochOptions(yTitle, y, epochRange(run, series)),
      plugins: [paperBackground]
    },
    series
  }
}

/** Loss of each network on its training set after every epoch. */
export function epochLossChartSpec(run: FinetuneRun): LineChartSpec {
  return epochChart(run, 'epoch.loss', 'Logistic loss', { suggestedMin: 0 }).spec
}

/** Clean accuracy on held-out data after every epoch, with 95% Wilson bands. */
export function epochAccuracyChartSpec(run: FinetuneRun): LineChartSpec {
  return epochChart(run, 'epoch.cleanAccuracy', 'Clean accuracy', {
    suggestedMin: 0.5,
    max: 1
  }).spec
}

/**
 * ASR at the tracked λ of both networks after every epoch, and the backdoor advantage (their
 * difference), each with its 95% band: does the advantage survive as training goes on?
 */
export function epochAsrChartSpec(run: FinetuneRun): LineChartSpec {
  const clean = findSeries(run, 'clean', 'epoch.attackSuccessRate')
  const backdoored = findSeries(run, 'backdoored', 'epoch.attackSuccessRate')
  const advantage = findSeries(run, 'run', 'epoch.advantage')
  const datasets = perModelDatasets([
    { series: clean, label: modelStyle.clean.label, colour: modelStyle.clean.colour },
    {
      series: backdoored,
      label: modelStyle.backdoored.label,
      colour: modelStyle.backdoored.colour
    },
    { series: advantage, label: modelStyle.advantage.label, colour: modelStyle.advantage.colour }
  ])
  const lambda = trackedLambda(run)
  const at = lambda == null ? '' : ` at λ = ${formatTick(lambda)}`
  return {
    type: 'line',
    data: { datasets },
    options: epochOptions(
      `ASR${at} · advantage`,
      { suggestedMin: 0, suggestedMax: 1 },
      epochRange(run, [clean, backdoored, advantage])
    ),
    plugins: [paperBackground]
  }
}

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

export function thetaLabel(theta: number): string {
  return `θ = ${formatTick(theta)} (planted)`
}

/** Relative weight drift ‖G − G₀‖_F / ‖G₀‖_F of both networks after every epoch. */
export function epochDriftChartSpec(run: FinetuneRun): LineChartSpec {
  return epochChart(run, 'epoch.weightDrift', 'Weight drift ‖G − G₀‖ / ‖G₀‖', {
    suggestedMin: 0
  }).spec
}

export function beforeAfterLabel(label: string, when: 'before' | 'after'): string {
  return `${label}, ${finetuneStyle[when].suffix}`
}

export function trackedLambdaLabel(lambda: number): string {
  return `Tracked λ = ${formatTick(lambda)}`
}

/**
 * A fine-tuning run's ASR(λ) before fine-tuning drawn as an effectiveness run's ASR chart: the
 * planted network as the effectiveness experiment measures it, so runs of the two kinds can be
 * compared on one chart. Labels say "before fine-tuning"; no theory curves (fine-tuning runs
 * have none).
 */
export function asrBeforeFinetuningChartSpec(run: FinetuneRun): LineChartSpec {
  const series = run.series
    .filter((s) => s.name === 'attackSuccessRate.before')
    .map((s) => ({ ...s, name: 'attackSuccessRate' }))
  const spec = asrChartSpec({ series })
  const relabel = (label: string) =>
    finetuneModels.reduce(
      (text, [, style]) =>
        text.startsWith(style.label)
          ? beforeAfterLabel(style.label, 'before') + text.slice(style.label.length)
          : text,
      label
    )
  return {
    ...spec,
    data: {
      datasets: spec.data.datasets.map((d) => ({ ...d, label: relabel(d.label ?? '') }))
    }
  }
}

/**
 * ASR(λ) of both networks before (dashed, open markers) and after (solid) fine-tuning, each with
 * its 95% band; a dotted line at ASR = 0.5 where λ50 is read, and the tracked λ marked.
 */
export function asrBeforeAfterChartSpec(run: FinetuneRun): LineChartSpec {
  const entries = (['before', 'after'] as const).flatMap((when) =>
    finetuneModels.map(([model, style]) => ({
      series: findSeries(run, model, `attackSuccessRate.${when}`),
      label: beforeAfterLabel(style.label, when),
      colour: style.colour,
      dash: [...finetuneStyle[when].dash],
      bandAlpha: finetuneStyle[when].bandAlpha
    }))
  )
  const datasets = perModelDatasets(entries)
  const x = xRange(entries.map((e) => e.series))
  if (x) {
    datasets.push(
      referenceLine(
        REFERENCE_MARK,
        [
          { x: x[0], y: 0.5 },
          { x: x[1], y: 0.5 }
        ],
        modelStyle.reference.colour,
        paperStyle.referenceDash
      )
    )
    const lambda = trackedLambda(run)
    if (lambda != null && lambda >= x[0] && lambda <= x[1]) {
      datasets.push(
        referenceLine(
          trackedLambdaLabel(lambda),
          [
            { x: lambda, y: 0 },
            { x: lambda, y: 1 }
          ],
          finetuneStyle.tracked.colour,
          paperStyle.referenceDash
        )
      )
    }
  }
  return {
    type: 'line',
    data: { datasets },
    options: baseOptions('Trigger scale λ', 'Attack success rate', { min: 0, max: 1 }, x),
    plugins: [paperBackground]
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
function formatTick(value: number): string {
  return String(Number(value.toPrecision(3)))
}

/*
 * Universality (SCIENCE.md section 7): one point per head, the spread of random heads' ASR, ASR
 * per target class. Points are drawn as line datasets without lines and bars as closed outlines
 * filled to zero, so every chart stays a line chart on linear axes.
 */

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

/** The ASR above which a head counts as fooled, for the shaded "universal backdoor" band. */
export const UNIVERSAL_ASR = 0.9
export const universalRegionLabel = `Universal backdoor: ASR ≥ ${UNIVERSAL_ASR} for every head`

/** The label of the dataset drawing a family's 95% intervals (kept out of the legend). */
export function intervalLabel(label: string): string {
  return `${label} · ${BAND_MARK}`
}

function metricEstimate(run: Pick<RunDetail, 'metrics'>, model: string, name: string) {
  return run.metrics.find((m) => m.model === model && m.name === name)
}

/** The scatter points of a family: x clean accuracy, y ASR, with the ASR interval. */
function familyPoints(
  run: UniversalityRun,
  family: HeadFamily
): { x: number; y: number; lower: number | null; upper: number | null }[] {
  const fromSeries = findSeries(run, family, 'scatter')
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

/** Vertical segments from lower to upper at each x, separated by gaps. */
function whiskers(
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

/** Bars as closed outlines (x0,0)-(x0,h)-(x1,h)-(x1,0), filled down to zero. */
function barOutlines(
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
function barTops(points: ChartPoint[], label: string, colour: string): LineDataset {
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
 * How many random heads reach each ASR (bins of the lab's histogram over [0, 1]); dashed lines
 * mark the attacker's head and the trigger-nullifying head for comparison.
 */
export function universalityHistogramChartSpec(run: UniversalityRun): LineChartSpec {
  const histogram = findSeries(run, 'random', 'asrHistogram')
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
    const series = findSeries(run, family, 'asrPerTarget')
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
