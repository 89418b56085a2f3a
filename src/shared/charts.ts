/**
 * Chart specs: one chart.js configuration per figure, built by pure code from a run's data, in
 * the paper style (white background, Okabe–Ito palette, readable fonts, 95% bands as filled
 * areas). The renderer draws exactly this spec; export renders the same spec to PNG/SVG/PDF.
 *
 * Everything here is plain data except two tiny callbacks (the legend filter that hides band
 * datasets and the plugin that paints the white background). chart.js is imported for its types
 * only, so this module runs anywhere. No Node, no DOM.
 */
import type { ChartConfiguration, ChartDataset, LegendItem, Plugin } from 'chart.js'
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
  referenceDash: [2, 3]
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
}
export type LineChartSpec = ChartConfiguration<'line', ChartPoint[]>
type LineDataset = ChartDataset<'line', ChartPoint[]>

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
    layout: { padding: 8 },
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
    'ASR backdoored − ASR clean',
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
 * paired difference), each with its 95% band: does the advantage survive as training goes on?
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

/** A number as a tick or a legend shows it: up to 3 significant digits, no trailing zeros. */
function formatTick(value: number): string {
  return String(Number(value.toPrecision(3)))
}
