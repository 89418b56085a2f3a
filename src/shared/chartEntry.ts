/**
 * What a chart is to the rest of the lab: a name the API, the CLI and file names use, the spec
 * builder that draws it (the same spec on screen and in every export), and the words of its
 * caption. Each kind lists its charts in its own folder; src/kinds/charts.ts gathers them. No
 * Node, no DOM.
 */
import type { ChartConfiguration } from 'chart.js'
import type { RunDetail } from './results'

/**
 * Any chart.js configuration a spec builder returns. All are line charts on linear axes today:
 * scatter points are lines without lines, bars closed outlines filled to zero.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChartSpec = ChartConfiguration<any, any, any>

/** A chart as its kind declares it. */
export interface ChartDefinition {
  /** Lower-case words joined by '-': `asr`, `epoch-loss`. */
  name: string
  /** What the chart shows, as its card title says it. */
  title: string
  spec: (run: RunDetail) => AnyChartSpec
  /** What a caption says the marks mean, after the run's config; empty when nothing needs saying. */
  marks: string
  /** Why several runs cannot share this chart, when they cannot (Compare says so instead). */
  notOverlaid?: string
  /** The chart's card on the run page. */
  card: ChartCardWords
}

/** What the run page's card of a chart says around it, from the run's numbers. */
export interface ChartCardWords {
  /** The card's heading. */
  heading: (run: RunDetail) => string
  /** What the marks mean, under the chart. */
  caption: (run: RunDetail) => string
  /** The chart in one sentence, for screen readers. */
  label: (run: RunDetail) => string
  /** Whether the run has anything to draw yet (default: yes). */
  shown?: (run: RunDetail) => boolean
  /** A smaller card (a chart beside a larger one). */
  small?: boolean
}

/** How a run of another kind is drawn on a chart that is not its own (see KindDefinition). */
export interface ComparableSpec {
  spec: (run: RunDetail) => AnyChartSpec
  /** Which of the run's numbers are drawn. */
  note: string
}

/** A chart in the gathered registry: its kind, and the runs of other kinds it can draw. */
export interface ChartEntry extends ChartDefinition {
  /** The experiment kinds whose runs have this chart. */
  kinds: readonly string[]
  /**
   * Runs of other kinds that have the same quantity, and how: Compare overlays them on this chart
   * (a fine-tuning run's ASR(λ) before fine-tuning is an effectiveness ASR curve).
   */
  comparable?: Partial<Record<string, ComparableSpec>>
}

export class UnknownChartError extends Error {
  constructor(
    readonly chart: string,
    readonly available: string[],
    kind: string
  ) {
    // "an effectiveness run", "a universality run": 'u' says "you" here, as in every kind so far.
    const run = `${/^[aeio]/.test(kind) ? 'an' : 'a'} ${kind} run`
    super(
      available.length > 0
        ? `no chart '${chart}' for ${run}; its charts are: ${available.join(', ')}`
        : `no chart '${chart}' for ${run}: runs of this kind have no exportable charts yet`
    )
    this.name = 'UnknownChartError'
  }
}
