/** What the run page says around each universality chart, from the run's numbers. */
import { findSeries } from '../../shared/results'
import type { ChartCardWords } from '../../shared/chartEntry'
import { type RunDetail } from '../../shared/results'
import { className } from './classes'
import type { UniversalityConfig } from './config'
import { universalityFacts } from './summary'

/** The ASR above which a head counts as fooled, for the shaded "universal backdoor" band. */
export const UNIVERSAL_ASR = 0.9

const rate = (v: number | null | undefined) => (v == null ? '—' : v.toFixed(2))
const percent = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`)
const configOf = (run: RunDetail) => run.config as UniversalityConfig
const has = (run: RunDetail, model: string, name: string) => !!findSeries(run, model, name)

/** "2 (digit 7)", or "2" when the class has no other name. */
export function targetName(run: RunDetail): string {
  const c = configOf(run)
  const name = className(c, c.target)
  return name ? `${c.target} (${name})` : String(c.target)
}

/** Whether every head has been trained and measured (the charts appear then). */
export function hasHeadResults(run: RunDetail): boolean {
  return (
    universalityFacts(run).gap != null ||
    ['attacker', 'probe', 'random', 'nullifying'].some((m) => has(run, m, 'scatter'))
  )
}

export const scatterCard: ChartCardWords = {
  heading: () => 'Every head: clean accuracy against ASR',
  caption: (run) =>
    `One point per head, ASR for target ${targetName(run)} on held-out inputs not already in it (whiskers: 95% Wilson intervals). Shaded: ASR ≥ ${UNIVERSAL_ASR}, where a universal backdoor would put every head. The theorem says some head gets 0.`,
  label: (run) => {
    const f = universalityFacts(run)
    return (
      `Clean accuracy against attack success rate for target ${targetName(run)}, one point per head. ` +
      `Attacker's head ${rate(f.attacker.asr?.value)} at ${percent(f.attacker.accuracy?.value)}; ` +
      `nullifying head ${rate(f.nullifying.asr?.value)}; random heads from ${rate(f.random.asrMin)} to ${rate(f.random.asrMax)}.`
    )
  },
  shown: hasHeadResults
}

export const histogramCard: ChartCardWords = {
  heading: (run) => `ASR over ${configOf(run).randomHeads} random heads`,
  caption: () =>
    'Heads with W ~ N(0, 1) entries and no bias, binned by ASR. Dashed: the attacker’s head and the trigger-nullifying head. A trigger that worked whatever the head would pile every random head up on the right.',
  label: (run) => {
    const f = universalityFacts(run)
    return `Histogram of the attack success rate of random heads, from ${rate(f.random.asrMin)} to ${rate(f.random.asrMax)}`
  },
  shown: (run) => hasHeadResults(run) && has(run, 'random', 'asrHistogram')
}

export const perTargetCard: ChartCardWords = {
  heading: () => 'ASR for each target class',
  caption: (run) => {
    const data = configOf(run).dataset
    const classes =
      data.kind === 'mnist'
        ? ` Class c is digit ${data.digits.join(', ')} in that order.`
        : data.kind === 'iris'
          ? ' Classes: 0 setosa, 1 versicolor, 2 virginica.'
          : ''
    return `ASR measured as if each class c were the target, for the attacker’s head (trained for target ${targetName(run)}) and the trigger-nullifying head, with 95% whiskers.${classes}`
  },
  label: () =>
    "Attack success rate per target class of the attacker's head and the trigger-nullifying head",
  shown: (run) =>
    hasHeadResults(run) &&
    (has(run, 'attacker', 'asrPerTarget') || has(run, 'nullifying', 'asrPerTarget'))
}
