/**
 * Every chart a run can show and export, by name: the name the API, the CLI and file names use,
 * the spec builder of src/shared/charts.ts that draws it (the same spec on screen and in every
 * export), and the words of its caption. Adding a chart is adding one entry. No Node, no DOM.
 */
import type { ChartConfiguration } from 'chart.js'
import {
  advantageChartSpec,
  asrBeforeAfterChartSpec,
  asrBeforeFinetuningChartSpec,
  asrChartSpec,
  epochAccuracyChartSpec,
  epochAsrChartSpec,
  epochDriftChartSpec,
  epochLossChartSpec,
  epochSpikeChartSpec,
  UNIVERSAL_ASR,
  universalityHistogramChartSpec,
  universalityPerTargetChartSpec,
  universalityScatterChartSpec
} from './charts'
import type { ExperimentKind } from './config'
import type { RunDetail } from './results'

/**
 * Any chart.js configuration a spec builder returns. All are line charts on linear axes today:
 * scatter points are lines without lines, bars closed outlines filled to zero.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChartSpec = ChartConfiguration<any, any, any>

export interface ChartEntry {
  /** Lower-case words joined by '-': `asr`, `epoch-loss`. */
  name: string
  /** The experiment kinds whose runs have this chart. */
  kinds: readonly ExperimentKind[]
  /** What the chart shows, as its card title says it. */
  title: string
  spec: (run: RunDetail) => AnyChartSpec
  /** What a caption says the marks mean, after the run's config; empty when nothing needs saying. */
  marks: string
  /** Why several runs cannot share this chart, when they cannot (Compare says so instead). */
  notOverlaid?: string
  /**
   * Runs of other kinds that have the same quantity, and how: Compare overlays them on this chart
   * (a fine-tuning run's ASR(λ) before fine-tuning is an effectiveness ASR curve). `note` says
   * which of the run's numbers are drawn.
   */
  comparable?: Partial<
    Record<ExperimentKind, { spec: (run: RunDetail) => AnyChartSpec; note: string }>
  >
}

export const chartRegistry: readonly ChartEntry[] = [
  {
    name: 'asr',
    kinds: ['effectiveness'],
    title: 'Attack success rate over trigger scale λ',
    spec: asrChartSpec,
    marks: 'shaded: 95% Wilson intervals; dashed: large-width theory; dotted: ASR = 0.5',
    comparable: {
      finetune: {
        spec: asrBeforeFinetuningChartSpec,
        note: 'fine-tuning runs: ASR(λ) before fine-tuning, the network as planted'
      }
    }
  },
  {
    name: 'advantage',
    kinds: ['effectiveness'],
    title: 'Backdoor advantage (ASR backdoored − ASR clean) over trigger scale λ',
    spec: advantageChartSpec,
    marks:
      'shaded: 95% Newcombe intervals of the difference (conservative for networks that share their draws)'
  },
  {
    name: 'epoch-asr',
    kinds: ['finetune'],
    title: 'Attack success rate and backdoor advantage at the tracked λ over fine-tuning epochs',
    spec: epochAsrChartSpec,
    marks: 'shaded: 95% intervals'
  },
  {
    name: 'epoch-loss',
    kinds: ['finetune'],
    title: 'Training loss over fine-tuning epochs',
    spec: epochLossChartSpec,
    marks: ''
  },
  {
    name: 'epoch-accuracy',
    kinds: ['finetune'],
    title: 'Clean accuracy over fine-tuning epochs',
    spec: epochAccuracyChartSpec,
    marks: 'shaded: 95% Wilson intervals'
  },
  {
    name: 'epoch-spike',
    kinds: ['finetune'],
    title: 'Spike energy sᵀCs − 1 over fine-tuning epochs',
    spec: epochSpikeChartSpec,
    marks: 'dashed: the planted θ'
  },
  {
    name: 'epoch-drift',
    kinds: ['finetune'],
    title: 'Relative weight drift ‖G − G₀‖ / ‖G₀‖ over fine-tuning epochs',
    spec: epochDriftChartSpec,
    marks: ''
  },
  {
    name: 'asr-before-after',
    kinds: ['finetune'],
    title: 'Attack success rate over trigger scale λ before and after fine-tuning',
    spec: asrBeforeAfterChartSpec,
    marks:
      'dashed: before fine-tuning; solid: after; shaded: 95% Wilson intervals; dotted: ASR = 0.5 and the tracked λ'
  },
  {
    name: 'scatter',
    kinds: ['universality'],
    title: 'Clean accuracy against attack success rate of every head',
    spec: universalityScatterChartSpec,
    marks: `one marker per head, one colour and shape per head family; whiskers: 95% Wilson intervals; shaded: ASR ≥ ${UNIVERSAL_ASR}, where a universal backdoor would put every head; dotted: chance accuracy 1/L`
  },
  {
    name: 'histogram',
    kinds: ['universality'],
    title: 'Attack success rate over random heads',
    spec: universalityHistogramChartSpec,
    marks:
      "bars: random heads per ASR bin; dashed: the attacker's head and the trigger-nullifying head"
  },
  {
    name: 'per-target',
    kinds: ['universality'],
    title: 'Attack success rate for each target class',
    spec: universalityPerTargetChartSpec,
    marks:
      "bars: the attacker's head and the trigger-nullifying head side by side; whiskers: 95% Wilson intervals",
    notOverlaid:
      "each class already holds two bars side by side, so a second run's bars would cover the first's; compare them on each run's page"
  }
]

/** The charts a run of this kind has, in the order its page shows them. */
export function availableCharts(run: Pick<RunDetail, 'kind'>): ChartEntry[] {
  return chartRegistry.filter((c) => c.kinds.includes(run.kind))
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

/** Whether runs of `kind` can be drawn on this chart: their own, or comparable to it. */
export function drawsKind(entry: ChartEntry, kind: ExperimentKind): boolean {
  return entry.kinds.includes(kind) || entry.comparable?.[kind] != null
}

/** The spec of chart `entry` for a run of its own kind or of a comparable one. */
export function specFor(entry: ChartEntry, run: RunDetail): AnyChartSpec {
  const other = entry.kinds.includes(run.kind) ? undefined : entry.comparable?.[run.kind]
  return other ? other.spec(run) : entry.spec(run)
}

/**
 * The entry of chart `name` for a run compared with others: its own kind's, or one that draws
 * this kind comparably (a fine-tuning run on the effectiveness ASR chart). UnknownChartError
 * otherwise, listing the charts of the run's own kind.
 */
export function comparableEntry(run: Pick<RunDetail, 'kind'>, name: string): ChartEntry {
  const entry = chartRegistry.find((c) => c.name === name && drawsKind(c, run.kind))
  return entry ?? chartEntry(run, name)
}

/** The entry of chart `name` for this run's kind; UnknownChartError lists the ones it has. */
export function chartEntry(run: Pick<RunDetail, 'kind'>, name: string): ChartEntry {
  const charts = availableCharts(run)
  const entry = charts.find((c) => c.name === name)
  if (!entry)
    throw new UnknownChartError(
      name,
      charts.map((c) => c.name),
      run.kind
    )
  return entry
}
