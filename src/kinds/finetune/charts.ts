/**
 * The charts of a fine-tuning run (SCIENCE.md section 6): the clean and the backdoored network,
 * fine-tuned the same way, side by side on every chart; x is the epoch, or λ for the
 * before/after curves.
 */
import { seriesOf } from './outputs'
import {
  modelStyle,
  paperBackground,
  paperStyle,
  perModelDatasets,
  REFERENCE_MARK,
  referenceLine,
  xRange,
  type LineChartSpec
} from '../../shared/charts'
import { baseOptions, formatTick, markZero } from '../../shared/chartAxes'
import { asrChartSpec, ZERO_BY_CONSTRUCTION, zeroByConstruction } from '../../shared/reluCharts'
import type { ChartDefinition, ComparableSpec } from '../../shared/chartEntry'
import { withInterval } from '../../shared/format'
import { type RunDetail } from '../../shared/results'
import {
  epochChart,
  epochOptions,
  epochRange,
  finetuneModels,
  finetuneStyle,
  hasAny,
  hasEpochs,
  type FinetuneRun
} from './epochCharts'
import { normalisedSpikeChart, spikeChart } from './spikeCharts'
import { finetuneFacts, trackLambdaOf } from './summary'

// The per-epoch building blocks and the spike charts live in their own files; their names stay
// importable from here.
export {
  epochChart,
  epochOptions,
  epochRange,
  FIXED_EPOCH_AXIS,
  finetuneStyle,
  hasEpochs,
  thetaLabel
} from './epochCharts'
export { epochNormalisedSpikeChartSpec, epochSpikeChartSpec, nullBandLabel } from './spikeCharts'

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
  const clean = seriesOf(run, 'clean', 'epoch.attackSuccessRate')
  const backdoored = seriesOf(run, 'backdoored', 'epoch.attackSuccessRate')
  const advantage = seriesOf(run, 'run', 'epoch.advantage')
  // At θ = 0 the advantage is 0 by construction: no interval around it, a note instead.
  const byConstruction = zeroByConstruction(run.config, advantage)
  const datasets = perModelDatasets([
    { series: clean, label: modelStyle.clean.label, colour: modelStyle.clean.colour },
    {
      series: backdoored,
      label: modelStyle.backdoored.label,
      colour: modelStyle.backdoored.colour
    },
    {
      series:
        advantage && byConstruction
          ? { ...advantage, points: advantage.points.map((p) => ({ x: p.x, value: p.value })) }
          : advantage,
      label: modelStyle.advantage.label,
      colour: modelStyle.advantage.colour
    }
  ])
  const lambda = trackLambdaOf(run)
  const at = lambda == null ? '' : ` at λ = ${formatTick(lambda)}`
  const options = epochOptions(
    `ASR${at} · advantage`,
    { suggestedMin: 0, suggestedMax: 1 },
    epochRange(run, [clean, backdoored, advantage])
  )
  markZero(options)
  if (byConstruction) options.plugins!.paper = { notes: [ZERO_BY_CONSTRUCTION] }
  return { type: 'line', data: { datasets }, options, plugins: [paperBackground] }
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
      series: seriesOf(run, model, `attackSuccessRate.${when}`),
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
    const lambda = trackLambdaOf(run)
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

const lambdaText = (run: RunDetail) => {
  const lambda = trackLambdaOf(run)
  return lambda == null ? '—' : formatTick(lambda)
}

export const finetuneCharts: ChartDefinition[] = [
  {
    name: 'epoch-asr',
    title: 'Attack success rate and backdoor advantage at the tracked λ over fine-tuning epochs',
    spec: epochAsrChartSpec,
    marks: 'shaded: 95% intervals',
    card: {
      heading: (run) => `ASR and advantage at λ = ${lambdaText(run)}, per epoch`,
      caption: (run) =>
        (run.config as { theta?: number }).theta === 0
          ? 'Attack success rate of the clean and the backdoored network after each epoch of the same fine-tuning, on held-out inputs not already in the target class. At θ = 0 the backdoored network is the clean one, so the two curves coincide and the advantage is 0 by construction; its band is not a measurement. Epoch 0 is before fine-tuning.'
          : "Attack success rate of the clean and the backdoored network after each epoch of the same fine-tuning, on held-out inputs not already in the target class, and the backdoor advantage (their difference). Shaded: 95% intervals over the held-out inputs of this one pair of networks, not over the key, the weights or the training data (for the difference, Newcombe's, conservative since both networks share their draws). Epoch 0 is before fine-tuning.",
      label: (run) => {
        const f = finetuneFacts(run)
        const before = f.advantage.before ? withInterval(f.advantage.before) : 'not measured'
        const after = f.advantage.after ? withInterval(f.advantage.after) : 'not measured yet'
        return `Attack success rate at λ = ${lambdaText(run)} of the clean and backdoored networks, and their advantage, per epoch. Advantage before ${before}, after ${after}.`
      },
      shown: hasEpochs
    }
  },
  {
    name: 'epoch-loss',
    title: 'Training loss over fine-tuning epochs',
    spec: epochLossChartSpec,
    marks: '',
    card: {
      heading: () => 'Training loss',
      caption: () => 'Logistic loss on a·(f(x) − τ) over the training set.',
      label: () => 'Logistic loss of both networks per epoch',
      shown: hasEpochs
    }
  },
  {
    name: 'epoch-accuracy',
    title: 'Clean accuracy over fine-tuning epochs',
    spec: epochAccuracyChartSpec,
    marks: 'shaded: 95% Wilson intervals',
    card: {
      heading: () => 'Clean accuracy',
      caption: () =>
        'Held-out accuracy with 95% Wilson bands over the held-out inputs (not over the key, the weights or the training data).',
      label: () => 'Clean accuracy of both networks on held-out data per epoch',
      shown: hasEpochs
    }
  },
  spikeChart,
  normalisedSpikeChart,
  {
    name: 'epoch-drift',
    title: 'Relative weight drift ‖G − G₀‖ / ‖G₀‖ over fine-tuning epochs',
    spec: epochDriftChartSpec,
    marks: '',
    card: {
      heading: () => 'Weight drift',
      caption: () => '‖G − G₀‖_F / ‖G₀‖_F: how far the first layer has moved from the start.',
      label: () => 'Relative weight drift of both networks per epoch',
      shown: hasEpochs
    }
  },
  {
    name: 'asr-before-after',
    title: 'Attack success rate over trigger scale λ before and after fine-tuning',
    spec: asrBeforeAfterChartSpec,
    marks:
      'dashed: before fine-tuning; solid: after; shaded: 95% Wilson intervals; dotted: ASR = 0.5 and the tracked λ',
    card: {
      heading: () => 'ASR over λ, before and after fine-tuning',
      caption: (run) => {
        const stopped =
          !hasAny(run, 'attackSuccessRate.after') && !['queued', 'running'].includes(run.status)
        return `Dashed, open markers: before fine-tuning; solid: after. Shaded: 95% Wilson intervals over the held-out inputs (not over the key, the weights or the training data). Dotted: ASR = 0.5, where λ50 is read, and the λ tracked every epoch.${stopped ? ' The run stopped before it measured the curves after fine-tuning.' : ''}`
      },
      label: () => 'Attack success rate against λ of both networks before and after fine-tuning',
      shown: (run) =>
        hasAny(run, 'attackSuccessRate.before') || hasAny(run, 'attackSuccessRate.after')
    }
  }
]

/** Charts of other kinds a fine-tuning run can be drawn on, by chart name. */
export const finetuneComparableCharts: Record<string, ComparableSpec> = {
  asr: {
    spec: asrBeforeFinetuningChartSpec,
    note: 'fine-tuning runs: ASR(λ) before fine-tuning, the network as planted'
  }
}
