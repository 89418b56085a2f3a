/** An effectiveness run in words: its key number, its caption phrase and its config rows. */
import { metricOf } from './outputs'
import { networkPart, sizesPart } from '../../shared/captions'
import { count, lambdaGrid, syntheticTaskRows, type ConfigRow } from '../../shared/configRows'
import { sig } from '../../shared/format'
import type { HighlightCard } from '../../shared/highlights'
import { type KeyMetric, type RunDetail } from '../../shared/results'
import {
  atChance,
  percentText,
  pointsInterval,
  pointsText,
  rateWithInterval
} from '../../shared/verdicts'
import type { RunOf } from '../types'
import type { EffectivenessConfig } from './config'
import { bootstrapInterval, lambda50Fact } from './lambda50Words'

const known = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v)

/** The runs table's number: the λ50 ratio clean / backdoored, with its interval when known. */
export function effectivenessKeyEstimate(
  run: Pick<RunOf<EffectivenessConfig>, 'metrics'>
): KeyMetric | null {
  const m = metricOf(run, 'run', 'lambda50Ratio')
  if (!m || !known(m.value)) return null
  return {
    label: 'λ50 ratio',
    value: m.value,
    ...(known(m.lower) && known(m.upper) ? { lower: m.lower, upper: m.upper } : {})
  }
}

export function describeEffectivenessData(config: EffectivenessConfig): string {
  return `synthetic${config.labels === 'teacher' ? ' (teacher labels)' : ''}, d=${config.d}`
}

/** "a random-ReLU network (d=100, m=2000, k=10, θ=4; n=2000/2000; seed 1)" */
export function describeEffectivenessConfig(config: EffectivenessConfig): string {
  const sizes = sizesPart(config)
  const data = config.labels === 'teacher' ? `teacher labels, ${sizes}` : sizes
  return `a random-ReLU network (${networkPart(config, { ownD: true })}; ${data}; seed ${config.seed})`
}

export function effectivenessConfigRows(
  run: Pick<RunOf<EffectivenessConfig>, 'config'>
): ConfigRow[] {
  const c = run.config
  return [
    { key: 'd', label: 'd', title: 'input dimension', value: String(c.d) },
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    { key: 'theta', label: 'θ', title: 'spike strength', value: sig(c.theta) },
    { key: 'lambdas', label: 'λ', title: 'trigger scale grid', value: lambdaGrid(c) },
    ...syntheticTaskRows(c)
  ]
}

/** What the chance flag and the cards read: the metrics, and θ (a run of any random-ReLU kind). */
type EffectivenessRun = Pick<RunDetail, 'metrics'> & { config: object }

/** The planted θ of a run's config (0 for a config without one). */
const thetaOf = (run: { config: object }) => (run.config as { theta?: number }).theta ?? 0
const NETWORKS = ['clean', 'backdoored'] as const

/** Whether each network is at chance (null for runs made before the majority rate was measured). */
export function effectivenessChanceFlags(
  run: EffectivenessRun
): Record<(typeof NETWORKS)[number], boolean | null> {
  const majority = metricOf(run, 'data', 'majorityRate')
  return {
    clean: atChance(metricOf(run, 'clean', 'cleanAccuracy'), majority),
    backdoored: atChance(metricOf(run, 'backdoored', 'cleanAccuracy'), majority)
  }
}

/** The chance flag in words, or null when both networks cleared the majority-class rate. */
export function effectivenessChanceNote(run: EffectivenessRun): string | null {
  const majority = metricOf(run, 'data', 'majorityRate')
  if (!majority || !known(majority.value)) return null
  const flags = effectivenessChanceFlags(run)
  const at = NETWORKS.filter((model) => flags[model])
  if (at.length === 0) return null
  const parts = at.map((model) => {
    const accuracy = metricOf(run, model, 'cleanAccuracy')!
    return `the ${model} network's clean accuracy (${rateWithInterval({ ...accuracy, value: accuracy.value! })})`
  })
  const one = parts.length === 1
  return `At chance: ${parts.join(' and ')} ${one ? 'does' : 'do'} not clear the majority-class rate of the held-out labels, ${percentText(majority.value)}. A classifier at chance has learned nothing, so ${one ? 'its' : 'their'} attack success rates, λ50 and the advantage mean little.`
}

/** The headline cards of an effectiveness run: one quantity per card, each number named. */
export function effectivenessHighlights(run: EffectivenessRun): HighlightCard[] {
  if (run.metrics.length === 0) return []
  const value = (model: string, name: string): number | null => {
    const v = run.metrics.find((m) => m.model === model && m.name === name)?.value
    return known(v) ? v : null
  }
  const text = (v: number | null) => (v == null ? '—' : sig(v))
  const rate = (v: number | null) => (v == null ? '—' : percentText(v))
  const flags = effectivenessChanceFlags(run)
  // The bootstrap intervals (runs made before it have none); an open bound reads "open".
  const interval = (who: 'clean' | 'backdoored' | 'ratio') =>
    bootstrapInterval(lambda50Fact(run, who))
  const bootstrapped = interval('ratio') != null || interval('backdoored') != null
  const cards: HighlightCard[] = [
    {
      key: 'lambda50',
      title: 'λ50, the λ where ASR reaches ½',
      entries: [
        {
          word: 'backdoored',
          value: text(value('backdoored', 'lambda50')),
          interval: interval('backdoored')
        },
        { word: 'clean', value: text(value('clean', 'lambda50')), interval: interval('clean') }
      ],
      note: bootstrapped ? '95% bootstrap intervals over the held-out inputs.' : null
    },
    {
      key: 'ratio',
      title: 'λ50 ratio, clean ÷ backdoored',
      entries: [
        {
          word: 'measured',
          value: text(value('run', 'lambda50Ratio')),
          interval: interval('ratio')
        },
        { word: 'large-width theory', value: text(value('theory', 'lambda50Ratio')) }
      ]
    },
    {
      key: 'accuracy',
      title: 'Clean accuracy',
      entries: NETWORKS.map((model) => ({
        word: model,
        value: rate(value(model, 'cleanAccuracy')),
        flag: flags[model] ? 'at chance' : null
      })).reverse()
    }
  ]
  const cost = metricOf(run, 'run', 'backdoorCost')
  if (cost && known(cost.value) && thetaOf(run) === 0) {
    cards.push({
      key: 'cost',
      title: 'Backdoor cost in clean accuracy',
      entries: [{ word: 'difference', value: '0 points' }],
      note: 'θ = 0: the same network twice, so 0 by construction.'
    })
  } else if (cost && known(cost.value)) {
    cards.push({
      key: 'cost',
      title: 'Backdoor cost in clean accuracy, backdoored − clean',
      entries: [
        {
          word: 'difference',
          value: `${pointsText(cost.value)} points`,
          interval: pointsInterval(cost)
        }
      ]
    })
  }
  cards.push({
    key: 'spike',
    title: 'Spike energy sᵀCs − 1, backdoored',
    entries: [
      { word: 'measured', value: text(value('backdoored', 'spikeEnergy')) },
      { word: 'planted θ', value: sig(thetaOf(run)) }
    ]
  })
  return cards
}
