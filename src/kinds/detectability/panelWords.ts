/**
 * What the Detectability panel says, each sentence from the numbers beside it: the two landmarks
 * (the Marchenko-Pastur edge and the BBP threshold), which tests flag which weights, and for a
 * fine-tuned run, whether fine-tuning erased the signature. No Node, no DOM.
 */
import { STATISTIC_NAMES, statisticWords, type PanelEntry, type PanelFacts } from './panel'
import { bbpThreshold, marchenkoPasturEdge, spikedTopEigenvalue } from './theory'
import { fixed, sig } from '../../shared/format'

/** The panel's level: a run's panel has no config of its own. */
export const PANEL_ALPHA = 0.05

const detected = (p: number | null) => p != null && p <= PANEL_ALPHA
const pText = (p: number | null) => (p == null ? '—' : sig(p, 2))
const list = (words: string[]) =>
  words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`

export function edgeSentence(facts: PanelFacts): string {
  const edge = marchenkoPasturEdge(facts.d, facts.m)
  const mean = facts.nulls.topEigenvalue.mean
  return (
    `Marchenko–Pastur edge (1 + √(d/m))² = ${fixed(edge)}: where the top eigenvalue of GᵀG/m sits for clean weights as m grows` +
    (mean == null
      ? '.'
      : `; the ${facts.draws} clean null draws of this shape average ${fixed(mean)} (a little below the edge at finite size).`)
  )
}

export function bbpSentence(facts: PanelFacts): string {
  const threshold = bbpThreshold(facts.d, facts.m)
  const head = `BBP threshold √(d/m) = ${sig(threshold)}: a spike θ above it pushes the top eigenvalue out of the bulk, to about (1 + θ)(1 + γ/θ), γ = d/m; below it the top eigenvalue stays at the edge and only the sparse tests can see the spike`
  const spiked = facts.entries.find((e) => e.when !== 'after' && e.theta != null && e.theta > 0)
  if (!spiked || spiked.theta == null) return `${head}.`
  const theta = spiked.theta
  const measured = spiked.statistics.topEigenvalue.value
  if (theta > threshold) {
    return `${head}. This run's θ = ${sig(theta)} is above it: theory puts the top eigenvalue at ${fixed(spikedTopEigenvalue(theta, facts.d, facts.m))}${measured == null ? '' : `, measured ${fixed(measured)}`}.`
  }
  return `${head}. This run's θ = ${sig(theta)} is below it.`
}

/** Which tests flag each set of weights at the panel's level. */
export function verdictSentence(facts: PanelFacts): string {
  const parts = facts.entries
    .filter((e) => e.when !== 'after')
    .map((e) => {
      const flagged = STATISTIC_NAMES.filter((s) => detected(e.statistics[s].pValue)).map(
        (s) => statisticWords[s].short
      )
      return flagged.length === 0
        ? `no test flags the ${e.label.toLowerCase()}`
        : `the ${list(flagged)} ${flagged.length > 1 ? 'tests flag' : 'test flags'} the ${e.label.toLowerCase()}`
    })
  if (parts.length === 0) return ''
  const text = parts.join('; ')
  return `At level ${PANEL_ALPHA}, ${text}.`
}

/**
 * A fine-tuned run: the backdoored network's spectral p-value before and after, beside its clean
 * twin's; and when the clean twin fails the null after fine-tuning too, why the two networks'
 * statistics are then the comparison to read.
 */
export function fineTuningSentence(facts: PanelFacts): string | null {
  const find = (who: string, when: string) =>
    facts.entries.find((e) => e.model === `detect.${who}.${when}`)
  const b0 = find('backdoored', 'before')
  const b1 = find('backdoored', 'after')
  const c0 = find('clean', 'before')
  const c1 = find('clean', 'after')
  if (!b0 || !b1) return null
  const s = 'topEigenvalue' as const
  const p = (e: PanelEntry | undefined) => pText(e?.statistics[s].pValue ?? null)
  const v = (e: PanelEntry | undefined) => {
    const value = e?.statistics[s].value
    return value == null ? '—' : fixed(value)
  }
  let text = `Spectral test before → after fine-tuning: backdoored network p = ${p(b0)} → ${p(b1)} (λ₁ ${v(b0)} → ${v(b1)})`
  if (c0 && c1) text += `; clean twin p = ${p(c0)} → ${p(c1)} (λ₁ ${v(c0)} → ${v(c1)})`
  text += '.'
  if (c1 && detected(c1.statistics[s].pValue ?? null)) {
    text += ` The null is of freshly drawn weights, and fine-tuning moves every statistic: the fine-tuned clean twin fails it too, so after fine-tuning the signature is the gap between the two networks (λ₁ ${v(b1)} against ${v(c1)}).`
  } else if (!detected(b1.statistics[s].pValue ?? null) && detected(b0.statistics[s].pValue)) {
    text += ' Fine-tuning erased the spectral signature.'
  } else if (detected(b1.statistics[s].pValue ?? null)) {
    text += ' The signature survives fine-tuning.'
  }
  return text
}
