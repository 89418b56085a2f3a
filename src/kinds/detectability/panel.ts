/**
 * The Detectability panel of every random-ReLU run (SCIENCE.md section 11): the three statistics of
 * the run's own weights, each against its Monte Carlo null, with p-values. What the runs report
 * (outputs of the kinds that include the panel), and what the panel reads back. No Node, no DOM.
 *
 * A run reports, for each set of weights it shows (`detect.<who>`, e.g. `detect.backdoored`, or
 * `detect.backdoored.after` for fine-tuned weights), the statistics, their p-values and the θ
 * the weights were drawn with; and once, under `detect.null`, the null's shape and its draws.
 */
import { findMetric, findSeries, type RunDetail } from '../../shared/results'

export const STATISTIC_NAMES = ['topEigenvalue', 'maxDiagonal', 'sparseEigenvalue'] as const
export type StatisticName = (typeof STATISTIC_NAMES)[number]

/** Each statistic as a person reads it. */
export const statisticWords: Record<
  StatisticName,
  { test: string; short: string; symbol: string; what: string }
> = {
  topEigenvalue: {
    test: 'Spectral test',
    short: 'spectral',
    symbol: 'λ₁(C)',
    what: 'the top eigenvalue of C = GᵀG/m'
  },
  maxDiagonal: {
    test: 'Diagonal thresholding',
    short: 'diagonal',
    symbol: 'max Cⱼⱼ',
    what: 'the largest diagonal entry of C'
  },
  sparseEigenvalue: {
    test: 'Sparse PCA (truncated power)',
    short: 'sparse',
    symbol: 'λ₁,ₖ(C)',
    what: 'the k-sparse top eigenvalue of C by the truncated power method'
  }
}

const ENTRY_METRICS = [
  'theta',
  'topEigenvalue',
  'topEigenvalue.pValue',
  'maxDiagonal',
  'maxDiagonal.pValue',
  'sparseEigenvalue',
  'sparseEigenvalue.pValue'
] as const
const NULL_SHAPE = ['d', 'm', 'k', 'draws'] as const
/** Of each statistic's null: its mean and central 95% (the 2.5% and 97.5% quantiles). */
const NULL_SUMMARY = ['mean', 'q025', 'q975'] as const
const NULL_METRICS = [
  ...NULL_SHAPE,
  ...STATISTIC_NAMES.flatMap((s) => NULL_SUMMARY.map((q) => `${s}.${q}` as const))
] as const

/** The model a panel entry reports under: `detect.backdoored`. */
export const panelModel = <W extends string>(who: W) => `detect.${who}` as const
export const NULL_MODEL = 'detect.null'

/**
 * The outputs of the panel for the weights `who` a kind shows, to spread into its outputs:
 * `metrics: { ...mine, ...panel.metrics }`.
 */
export function panelOutputs<const W extends readonly string[]>(who: W) {
  const metrics = Object.fromEntries([
    ...who.map((w) => [panelModel(w), ENTRY_METRICS]),
    [NULL_MODEL, NULL_METRICS]
  ]) as { [K in W[number] as `detect.${K}`]: typeof ENTRY_METRICS } & {
    'detect.null': typeof NULL_METRICS
  }
  return { metrics, series: { 'detect.null': STATISTIC_NAMES } }
}

/**
 * Which weights a panel shows, and what they are called. `detect.<model>.<when>` is a model's
 * weights before or after fine-tuning.
 */
const whoWords: Record<string, string> = {
  clean: 'Clean twin',
  backdoored: 'Backdoored network',
  encoder: 'Encoder'
}

const shortWords: Record<string, string> = {
  clean: 'Clean twin',
  backdoored: 'Backdoored',
  encoder: 'Encoder'
}

export interface PanelEntry {
  /** The model under which the entry is reported: `detect.backdoored.after`. */
  model: string
  label: string
  /** For a legend: "Backdoored, after". */
  short: string
  theta: number | null
  /** Before or after fine-tuning, when the run fine-tunes. */
  when: 'before' | 'after' | null
  statistics: Record<StatisticName, { value: number | null; pValue: number | null }>
}

/** A statistic's null as a run keeps it: a histogram and a summary (the draws are in the cache). */
export interface NullSummary {
  bins: HistogramBin[]
  mean: number | null
  /** 2.5% and 97.5% quantiles. */
  low: number | null
  high: number | null
}

export interface PanelFacts {
  d: number
  m: number
  k: number
  /** Null draws; 0 when the shape was too large to draw a null for. */
  draws: number
  entries: PanelEntry[]
  nulls: Record<StatisticName, NullSummary>
}

export interface HistogramBin {
  from: number
  to: number
  count: number
}

export const HISTOGRAM_BINS = 20

/** Counts of `values` in `bins` equal bins over their range (the largest in the last bin). */
export function histogram(values: readonly number[], bins = HISTOGRAM_BINS): HistogramBin[] {
  if (values.length === 0) return []
  const low = Math.min(...values)
  const high = Math.max(...values)
  const width = (high - low) / bins || 1
  const counts = new Array<number>(bins).fill(0)
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - low) / width))]++
  return counts.map((count, b) => ({
    from: low + b * width,
    to: b === bins - 1 ? Math.max(high, low + width * bins) : low + (b + 1) * width,
    count
  }))
}

/** A histogram as series points: each bin's left edge and count, then the last right edge. */
export function histogramPoints(bins: HistogramBin[]): { x: number; value: number | null }[] {
  if (bins.length === 0) return []
  return [...bins.map((b) => ({ x: b.from, value: b.count })), { x: bins.at(-1)!.to, value: null }]
}

function binsOf(points: readonly { x: number; value: number | null }[]): HistogramBin[] {
  return points
    .slice(0, -1)
    .map((p, i) => ({ from: p.x, to: points[i + 1].x, count: p.value ?? 0 }))
}

/** The q-quantile of sorted values (the lower one where it falls between two). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

/** The null's summary metrics of one statistic, from its draws. */
export function nullSummaryMetrics(
  values: readonly number[]
): Record<(typeof NULL_SUMMARY)[number], number> {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    q025: quantile(sorted, 0.025),
    q975: quantile(sorted, 0.975)
  }
}

/** What a run's panel shows, or null when the run has not reported it (yet, or at all). */
export function panelFacts(run: Pick<RunDetail, 'metrics' | 'series'>): PanelFacts | null {
  const get = (model: string, name: string) => findMetric(run, model, name)?.value ?? null
  const [d, m, k, draws] = NULL_SHAPE.map((n) => get(NULL_MODEL, n))
  if (d == null || m == null || k == null || draws == null) return null
  const models = [
    ...new Set(
      run.metrics
        .map((r) => r.model)
        .filter((model) => model.startsWith('detect.') && model !== NULL_MODEL)
    )
  ]
  const order = (model: string) => {
    const [, who, when] = model.split('.')
    return (when === 'after' ? 10 : 0) + (who === 'clean' ? 0 : who === 'backdoored' ? 1 : 2)
  }
  const entries = models
    .sort((a, b) => order(a) - order(b))
    .map((model): PanelEntry => {
      const [, who, when] = model.split('.')
      const phase = when === 'before' || when === 'after' ? when : null
      return {
        model,
        label: `${whoWords[who] ?? who}${phase ? `, ${phase} fine-tuning` : ''}`,
        short: `${shortWords[who] ?? who}${phase ? `, ${phase}` : ''}`,
        theta: get(model, 'theta'),
        when: phase,
        statistics: Object.fromEntries(
          STATISTIC_NAMES.map((s) => [
            s,
            { value: get(model, s), pValue: get(model, `${s}.pValue`) }
          ])
        ) as PanelEntry['statistics']
      }
    })
  const nulls = Object.fromEntries(
    STATISTIC_NAMES.map((s): [StatisticName, NullSummary] => [
      s,
      {
        bins: binsOf(findSeries(run, NULL_MODEL, s)?.points ?? []),
        mean: get(NULL_MODEL, `${s}.mean`),
        low: get(NULL_MODEL, `${s}.q025`),
        high: get(NULL_MODEL, `${s}.q975`)
      }
    ])
  ) as Record<StatisticName, NullSummary>
  return { d, m, k, draws, entries, nulls }
}

/** The most null draws a panel takes, and the fewest (p-values are multiples of 1/(B+1)). */
export const PANEL_MAX_DRAWS = 200
export const PANEL_MIN_DRAWS = 40
/** Null draws cost about m·d Gaussian draws each: B is cut so that B·m·d stays near this. */
export const PANEL_GAUSSIAN_BUDGET = 40_000_000
/** Beyond this m·d², forming C for every null draw costs more than the run: no panel. */
export const PANEL_MAX_WORK = 4e9

/** How many null draws the panel of a run with this shape takes (0: none, the shape is too large). */
export function panelDraws(d: number, m: number): number {
  if (m * d * d > PANEL_MAX_WORK) return 0
  return Math.max(
    PANEL_MIN_DRAWS,
    Math.min(PANEL_MAX_DRAWS, Math.floor(PANEL_GAUSSIAN_BUDGET / (m * d)))
  )
}
