/**
 * The Detectability panel's numbers for a run (SCIENCE.md section 11), computed by the run itself:
 * the statistics of the weights it shows and their p-values against the Monte Carlo null of its
 * shape and seed (from the cache when another run drew it). The run's other numbers are untouched:
 * the null has its own streams, and the weights are read, or redrawn from their own streams.
 */
import { availableParallelism } from 'node:os'
import {
  histogram,
  histogramPoints,
  NULL_MODEL,
  nullSummaryMetrics,
  panelDraws,
  panelModel,
  STATISTIC_NAMES
} from '../../kinds/detectability/panel'
import { detectionStatistics, type DetectionStatistics } from './detect'
import { pValues, startMonteCarloNull, type PendingNull } from './detectNull'
import type { NullCache, NullShape } from './nullCache'
import { backdooredRows, sampleReluWeights } from './relu'
import type { Reporter } from './reporter'
import { stream } from './rng'
import { sampleSecret } from './secret'

export interface PanelWeights {
  /** `backdoored`, `clean`, `encoder`, or `backdoored.after` for fine-tuned weights. */
  who: string
  /** The θ the weights were drawn with (before any fine-tuning). */
  theta: number
  statistics: DetectionStatistics
}

/**
 * The random-ReLU first layer of a run, redrawn from its streams exactly as the run drew it
 * (SCIENCE.md section 10): the key from `key`, Z from `weights`, u from `spike`.
 */
export function reluRowsOf(seed: number, m: number, d: number, k: number, theta: number) {
  const s = sampleSecret(d, k, stream(seed, 'key'))
  const weights = sampleReluWeights(m, d, stream(seed, 'weights'), stream(seed, 'spike'))
  return backdooredRows(weights, s, theta)
}

/** Whether a run of this shape gets a panel (its null would cost more than the run otherwise). */
export function hasPanel(d: number, m: number): boolean {
  return panelDraws(d, m) > 0
}

/** The statistics of rows G (m x d), or null when the shape is too large for the panel. */
export function panelStatistics(
  rows: Float32Array,
  m: number,
  d: number,
  k: number
): DetectionStatistics | null {
  return hasPanel(d, m) ? detectionStatistics(rows, m, d, k) : null
}

/** A reporter that remembers the last progress it passed on (see reportDetectionPanel). */
export type ProgressTracking = Reporter & { lastProgress: { step: number; total: number } | null }

/** Passes everything on to `report`, remembering the last progress (or starting from `at`). */
export function trackProgress(
  report: Reporter,
  at: { step: number; total: number } | null = null
): ProgressTracking {
  const tracking: ProgressTracking = {
    lastProgress: at,
    progress(phase, step, total, work) {
      tracking.lastProgress = { step, total }
      report.progress(phase, step, total, work)
    },
    metric: (record) => report.metric(record),
    series: (record) => report.series(record)
  }
  return tracking
}

/**
 * Starts drawing the null of a run's panel (see startMonteCarloNull), or null when the run's
 * shape gets no panel. A run calls it before its own work, so that the null is drawn meanwhile.
 */
export function startPanelNull(shape: NullShape, cache?: NullCache | null): PendingNull | null {
  const draws = panelDraws(shape.d, shape.m)
  // One core stays with the run itself, which computes meanwhile.
  const threads = Math.max(1, availableParallelism() - 1)
  return draws > 0 ? startMonteCarloNull(shape, draws, cache, { threads }) : null
}

/**
 * Reports the panel: the null's shape and draws under `detect.null`, and for each set of weights
 * its θ, statistics and p-values under `detect.<who>`. The null is `pending` when the run started
 * it, else it is drawn now. Progress while the run waits for null draws: the phase says which
 * draw, the step stays where the run's own progress ended (a run's progress never goes back),
 * when `report` tracks it.
 */
export async function reportDetectionPanel(
  report: Reporter,
  shape: NullShape,
  weights: readonly PanelWeights[],
  cache?: NullCache | null,
  pending?: PendingNull | null
): Promise<void> {
  const draws = panelDraws(shape.d, shape.m)
  report.metric({ model: NULL_MODEL, name: 'd', value: shape.d })
  report.metric({ model: NULL_MODEL, name: 'm', value: shape.m })
  report.metric({ model: NULL_MODEL, name: 'k', value: shape.k })
  report.metric({ model: NULL_MODEL, name: 'draws', value: draws })
  if (draws === 0) return
  const at = (report as Partial<ProgressTracking>).lastProgress
  const nullDraws = pending ?? startMonteCarloNull(shape, draws, cache)
  const tenth = (total: number) => Math.ceil(total / 10)
  let said = 0
  const say = (done: number, total: number) => {
    // A tenth at a time: at the run's last step, every progress message is written to the store.
    const at10 = Math.floor(done / tenth(total))
    if (!at || (at10 === said && done !== total)) return
    said = at10
    report.progress(`detectability: null draw ${done} of ${total}`, at.step, at.total)
  }
  // What the threads said while this thread computed is read first: it is not news.
  await new Promise((resolve) => setImmediate(resolve))
  const { done, total } = nullDraws.progress()
  if (done > 0 && done < total) say(done, total)
  const values = await nullDraws.values(say)
  // The run keeps its null as a histogram and a summary; the draws themselves are in the cache
  // (and a pure function of the shape and seed).
  for (const name of STATISTIC_NAMES) {
    report.series({ model: NULL_MODEL, name, points: histogramPoints(histogram(values[name])) })
    for (const [q, value] of Object.entries(nullSummaryMetrics(values[name]))) {
      report.metric({ model: NULL_MODEL, name: `${name}.${q}`, value })
    }
  }
  for (const w of weights) {
    const model = panelModel(w.who)
    const p = pValues(w.statistics, values)
    report.metric({ model, name: 'theta', value: w.theta })
    for (const name of STATISTIC_NAMES) {
      report.metric({ model, name, value: w.statistics[name] })
      report.metric({ model, name: `${name}.pValue`, value: p[name] })
    }
  }
}

/**
 * The panel of a random-ReLU run whose weights are redrawn from its seed: the clean twin
 * (θ = 0) and the backdoored network (θ) of the effectiveness experiment, or one of them.
 */
export async function reportReluPanel(
  report: Reporter,
  run: { seed: number; m: number; d: number; k: number },
  shown: readonly { who: string; theta: number }[],
  cache?: NullCache | null,
  pending?: PendingNull | null
): Promise<void> {
  const { seed, m, d, k } = run
  const weights: PanelWeights[] = []
  if (hasPanel(d, m)) {
    for (const { who, theta } of shown) {
      const statistics = detectionStatistics(reluRowsOf(seed, m, d, k, theta), m, d, k)
      weights.push({ who, theta, statistics })
    }
  }
  await reportDetectionPanel(report, { d, m, k, seed }, weights, cache, pending)
}

/** A fine-tuning measurement with the statistics of the weights it was taken on. */
export type WithDetection<T> = T & { detection?: DetectionStatistics | null }

/**
 * Adds the statistics of `rows` (a model's first layer as it is measured) to a fine-tuning
 * measurement; they travel with it from the process that holds the weights.
 */
export function withDetection<T extends object>(
  measurement: T,
  rows: Float32Array,
  input: { m: number; train: { d: number }; s: Float32Array }
): WithDetection<T> {
  const k = input.s.reduce((n, v) => (v !== 0 ? n + 1 : n), 0)
  return { ...measurement, detection: panelStatistics(rows, input.m, input.train.d, k) }
}

/** The panel of a fine-tuning run, from the statistics its measurements carried. */
export async function reportFinetunePanel(
  report: Reporter,
  run: { seed: number; m: number; d: number; k: number; theta: number },
  measured: Record<'before' | 'after', Partial<Record<'clean' | 'backdoored', unknown>>>,
  cache?: NullCache | null,
  pending?: PendingNull | null
): Promise<void> {
  const weights: PanelWeights[] = []
  for (const when of ['before', 'after'] as const) {
    for (const model of ['clean', 'backdoored'] as const) {
      const statistics = (measured[when][model] as WithDetection<object> | undefined)?.detection
      if (statistics) {
        weights.push({
          who: `${model}.${when}`,
          theta: model === 'clean' ? 0 : run.theta,
          statistics
        })
      }
    }
  }
  const { seed, m, d, k } = run
  await reportDetectionPanel(report, { d, m, k, seed }, weights, cache, pending)
}
