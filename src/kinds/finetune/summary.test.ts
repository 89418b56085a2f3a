import { describe, expect, it } from 'vitest'
import { finetuneConfigSchema } from './config'
import type { MetricRecord, RunDetail, RunStatus, SeriesRecord } from '../../shared/results'
import { beforeAfter, epochsCompleted } from './summary'
import { finetuneSentence } from './findings'
import { sharePercent, withInterval } from '../../shared/format'
import { doneRun } from '../../shared/testing/runs'

const config = finetuneConfigSchema.parse({ kind: 'finetune', train: { epochs: 20 } })

function run(
  status: RunStatus,
  metrics: MetricRecord[] = [],
  series: SeriesRecord[] = [],
  overrides: Partial<RunDetail> = {}
): RunDetail {
  return doneRun(3, config, series, {
    name: 'fine-tuning fixture',
    status,
    startedAt: '2025-01-01T00:00:01.000Z',
    metrics,
    ...overrides
  })
}

const metric = (
  model: string,
  name: string,
  value: number,
  lower?: number,
  upper?: number
): MetricRecord => ({ model, name, value, lower, upper })

/** What a finished run of 20 epochs at λ = 2 writes at the end. */
const finished: MetricRecord[] = [
  metric('run', 'trackLambda', 2),
  metric('run', 'epochsCompleted', 20),
  metric('run', 'advantage.before', 0.41, 0.37, 0.45),
  metric('run', 'advantage.after', 0.12, 0.09, 0.15),
  metric('backdoored', 'weightDrift.after', 0.38),
  metric('backdoored', 'spikeEnergy.before', 3.98),
  metric('backdoored', 'spikeEnergy.after', 1.2)
]

/** Epoch series with points for epochs 0..last (epoch 0 is the network before fine-tuning). */
function epochSeries(model: string, name: string, values: number[], band = 0): SeriesRecord {
  return {
    model,
    name,
    points: values.map((value, x) => ({
      x,
      value,
      ...(band > 0 ? { lower: value - band, upper: value + band } : {})
    }))
  }
}
const sevenEpochs = [
  epochSeries('run', 'epoch.advantage', [0.41, 0.4, 0.38, 0.35, 0.33, 0.31, 0.3, 0.28], 0.04),
  epochSeries('backdoored', 'epoch.weightDrift', [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.11, 0.12]),
  epochSeries('backdoored', 'epoch.spikeEnergy', [3.98, 3.9, 3.8, 3.7, 3.6, 3.5, 3.4, 3.1])
]

describe('finetuneSentence', () => {
  it('states the advantage before and after with intervals, the drift and the spike energy', () => {
    expect(finetuneSentence(run('done', finished))).toBe(
      "Advantage at λ=2 went from 0.41 [0.37, 0.45] to 0.12 [0.09, 0.15] while the backdoored weights moved 38%; its interval still excludes 0, so the backdoor survives this fine-tuning (a sweep over the learning rate or the epochs would show where the advantage reaches 0). The backdoored network's spike energy went from 3.98 to 1.20 (θ = 4)."
    )
  })

  it('says whether the interval after fine-tuning still excludes 0, whichever way it goes', () => {
    const ending = (after: [number, number, number], before = [0.41, 0.37, 0.45]) =>
      finetuneSentence(
        run('done', [
          metric('run', 'advantage.before', before[0], before[1], before[2]),
          metric('run', 'advantage.after', ...after)
        ])
      )
    expect(ending([0.02, -0.01, 0.05])).toBe(
      'Advantage at λ=2 went from 0.41 [0.37, 0.45] to 0.02 [-0.01, 0.05]; its interval now includes 0: no advantage can be told apart on these inputs.'
    )
    expect(ending([-0.08, -0.12, -0.04])).toMatch(
      /its interval now lies below 0: the backdoored network flips fewer inputs/
    )
    expect(ending([0.01, -0.02, 0.04], [0.02, -0.01, 0.05])).toMatch(
      /its interval included 0 before fine-tuning already/
    )
    // A surviving advantage suggests the sweep that would find where it reaches 0.
    expect(ending([0.2, 0.16, 0.24])).toMatch(
      /still excludes 0, so the backdoor survives this fine-tuning \(a sweep over the learning rate or the epochs/
    )
  })

  it('gives the spike energy normalised by tr(C)/d, with the null band, when the run measured it', () => {
    const normalised = [
      ...finished,
      metric('backdoored', 'normalisedSpikeEnergy.before', 3.78),
      metric('backdoored', 'normalisedSpikeEnergy.after', 3.3),
      metric('backdoored', 'nullSpikeEnergy.after', 0.0, -0.08, 0.13)
    ]
    expect(finetuneSentence(run('done', normalised))).toMatch(
      /\. The backdoored network's spike energy, normalised by the rows' scale tr\(C\)\/d, went from 3\.78 to 3\.30 \(θ = 4; along random k-sparse directions it lies between -0\.08 and 0\.13\)\.$/
    )
  })

  it('says the advantage is 0 by construction at θ = 0 instead of giving its interval', () => {
    const zero = finetuneConfigSchema.parse({ kind: 'finetune', theta: 0, train: { epochs: 20 } })
    const measured = [
      metric('run', 'advantage.before', 0, -0.02, 0.02),
      metric('run', 'advantage.after', 0, -0.02, 0.02),
      metric('backdoored', 'weightDrift.after', 0.08)
    ]
    const text = finetuneSentence(run('done', measured, [], { config: zero }))
    expect(text).toBe(
      'The weights moved 8.0%; at θ = 0 the backdoored network is the clean one, so the advantage is 0 by construction: there is no interval to show.'
    )
  })

  it('says how many epochs a cancelled run finished and reports them from the epoch series', () => {
    const cancelled = run('cancelled', [metric('run', 'trackLambda', 2)], sevenEpochs)
    expect(finetuneSentence(cancelled)).toBe(
      "Cancelled after 7 of 20 epochs; advantage at λ=2 went from 0.41 [0.37, 0.45] to 0.28 [0.24, 0.32] while the backdoored weights moved 12%; its interval still excludes 0. The backdoored network's spike energy went from 3.98 to 3.10 (θ = 4)."
    )
  })

  it('says so when a run was cancelled before any epoch finished', () => {
    const before = [metric('run', 'advantage.before', 0.41, 0.37, 0.45)]
    expect(finetuneSentence(run('cancelled', before))).toBe(
      'Cancelled before the first of 20 epochs finished; the advantage at λ=2 before fine-tuning was 0.41 [0.37, 0.45].'
    )
    expect(finetuneSentence(run('cancelled'))).toBe('Cancelled before anything was measured.')
  })

  it('names interrupted and failed runs the same way', () => {
    expect(finetuneSentence(run('interrupted', [], sevenEpochs))).toMatch(
      /^Interrupted after 7 of 20 epochs; advantage at λ=2 went from 0\.41/
    )
    expect(finetuneSentence(run('failed', [], sevenEpochs))).toMatch(/^Failed after 7 of 20/)
  })

  it('reports progress while the run is fine-tuning', () => {
    const live = run('running', [], sevenEpochs, {
      progress: { phase: 'fine-tuning', step: 7, total: 20, etaSeconds: 30 }
    })
    expect(finetuneSentence(live)).toMatch(/^7 of 20 epochs done so far; advantage at λ=2 went/)
    expect(finetuneSentence(run('running'))).toBe('Measuring both networks before fine-tuning…')
    expect(finetuneSentence(run('queued'))).toBe(
      'Waiting for a free worker: 20 epochs of fine-tuning, ASR tracked at λ=2.'
    )
  })

  it('leaves out what the run did not measure instead of printing placeholders', () => {
    const bare = [
      metric('run', 'epochsCompleted', 20),
      metric('run', 'advantage.before', 0.41),
      metric('run', 'advantage.after', -0.02)
    ]
    expect(finetuneSentence(run('done', bare))).toBe('Advantage at λ=2 went from 0.41 to -0.02.')
  })

  it('says the weights did not move when no epochs were configured', () => {
    const zero = finetuneConfigSchema.parse({ kind: 'finetune', train: { epochs: 0 } })
    const measured = [
      metric('run', 'advantage.before', 0.41, 0.37, 0.45),
      metric('backdoored', 'spikeEnergy.before', 3.98)
    ]
    expect(finetuneSentence(run('done', measured, [], { config: zero }))).toBe(
      "No fine-tuning epochs were configured, so the weights did not move; the advantage at λ=2 before fine-tuning was 0.41 [0.37, 0.45] and the backdoored network's spike energy 3.98 (θ = 4)."
    )
  })
})

describe('epochsCompleted', () => {
  it("prefers the lab's count, then the series, then live progress", () => {
    expect(epochsCompleted(run('done', finished))).toBe(20)
    expect(epochsCompleted(run('cancelled', [], sevenEpochs))).toBe(7)
    const live = run('running', [], [], {
      progress: { phase: 'fine-tuning', step: 3, total: 20, etaSeconds: null }
    })
    expect(epochsCompleted(live)).toBe(3)
    expect(epochsCompleted(run('running'))).toBe(0)
  })
})

describe('beforeAfter', () => {
  it('takes the .before/.after metrics when present, else epoch 0 and the last epoch', () => {
    expect(beforeAfter(run('done', finished), 'run', 'advantage')).toEqual({
      before: metric('run', 'advantage.before', 0.41, 0.37, 0.45),
      after: metric('run', 'advantage.after', 0.12, 0.09, 0.15)
    })
    const fromSeries = beforeAfter(run('cancelled', [], sevenEpochs), 'backdoored', 'weightDrift')
    expect(fromSeries.before?.value).toBe(0)
    expect(fromSeries.after?.value).toBe(0.12)
    expect(beforeAfter(run('running'), 'clean', 'loss')).toEqual({
      before: undefined,
      after: undefined
    })
  })
})

describe('number formatting', () => {
  it('writes shares as percentages with sensible precision', () => {
    expect(sharePercent(0.38)).toBe('38%')
    expect(sharePercent(0.042)).toBe('4.2%')
    expect(sharePercent(0.0003)).toBe('0.03%')
    expect(sharePercent(0)).toBe('0%')
  })

  it('writes an interval only when both ends are known', () => {
    expect(withInterval({ value: 0.5, lower: 0.4, upper: 0.6 })).toBe('0.50 [0.40, 0.60]')
    expect(withInterval({ value: 0.5, lower: 0.4, upper: null })).toBe('0.50')
    expect(withInterval({ value: null })).toBe('—')
  })
})
