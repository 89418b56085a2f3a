/** What the run page says around each universality chart, from the run's numbers. */
import { findSeries } from '../../shared/results'
import type { ChartCardWords } from '../../shared/chartEntry'
import { type RunDetail } from '../../shared/results'
import { className } from './classes'
import type { UniversalityConfig } from './config'
import { universalityFacts } from './facts'

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

/** Which heads the matched gap compares, in words: "clean accuracy 92% to 100%". */
function matchedWords(run: RunDetail): string {
  const f = universalityFacts(run)
  const accuracy = f.attacker.accuracy?.value
  if (f.margin == null || accuracy == null || f.majorityRate == null) return ''
  const from = Math.max(0, accuracy - f.margin)
  const to = Math.min(1, accuracy + f.margin)
  return ` The accuracy-matched gap compares the ${f.matched.heads ?? ''} heads with clean accuracy ${percent(from)} to ${percent(to)} (within ${f.margin} of the attacker’s head), ${f.matched.random ?? 0} of them random heads.`
}

export const scatterCard: ChartCardWords = {
  heading: () => 'Every head: clean accuracy against ASR',
  caption: (run) =>
    `One point per head, ASR for target ${targetName(run)} on held-out inputs not already in it (whiskers: 95% Wilson intervals over the held-out inputs of this one network, not the key, the weights or the data). Shaded: ASR ≥ ${UNIVERSAL_ASR}, where a universal backdoor would put every head. The theorem says some head gets 0.${matchedWords(run)}`,
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
    return `ASR measured as if each class c were the target, for the attacker’s head (trained for target ${targetName(run)}) and the trigger-nullifying head, with 95% whiskers over this network’s held-out inputs. Every family, on this encoder and the clean one, is in the table below.${classes}`
  },
  label: () =>
    "Attack success rate per target class of the attacker's head and the trigger-nullifying head",
  shown: (run) =>
    hasHeadResults(run) &&
    (has(run, 'attacker', 'asrPerTarget') || has(run, 'nullifying', 'asrPerTarget'))
}
