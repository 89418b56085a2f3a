/**
 * What an L >= 3 universality run and its L = 2 twin show together, sentence by sentence (the
 * proof of Theorem 3.1, SCIENCE.md section 7).
 */
import { seriesOf } from './outputs'
import { sharePercent, withInterval } from '../../shared/format'
import { type RunDetail, type SeriesPoint } from '../../shared/results'
import { universalityFacts } from './facts'

/** A reversal rate at least this high counts as close to the ranking-reversing backdoor. */
export const NEAR_REVERSAL = 0.95

/**
 * What the L >= 3 run and its L = 2 twin show, sentence by sentence, each built from their
 * numbers (SCIENCE.md section 7 and the proof of Theorem 3.1): the ideal ranking-reversing
 * backdoor and how close this one comes (rankingReversalRate), which head is a witness at each L,
 * and whether the reversed attacker head is one. Empty until both runs have their numbers.
 */
export function twinSentences(
  original: Pick<RunDetail, 'config' | 'metrics' | 'series'>,
  twin: Pick<RunDetail, 'config' | 'metrics' | 'series'>
): string[] {
  const [o, t] = [universalityFacts(original), universalityFacts(twin)]
  if (!o.gap || !t.gap) return []
  const L = o.L ?? '≥ 3'
  const sentences = [
    `A backdoor below the last layer can at best reverse every head’s ranking of the classes (in the proof’s idealisation Φ(Activate(x)) ≈ −k·Φ(x)). At L = 2 that flips the label under every bias-free head, so such a backdoor would be universal; at L ≥ 3 it puts each head’s lowest class first, which is not a chosen target.`
  ]

  const family = t.reversal.random != null && o.reversal.random != null ? 'random' : 'probe'
  const [r2, r3] = [t.reversal[family], o.reversal[family]]
  if (r2 != null && r3 != null) {
    const heads = family === 'random' ? 'random heads’' : 'clean probes’'
    const near = r2 >= NEAR_REVERSAL
    sentences.push(
      `This backdoor sends Activate(x) to the class ranked lowest on x for ${sharePercent(r2)} of the held-out inputs at L = 2 and ${sharePercent(r3)} at L = ${L} (mean over the ${heads} rankings; the reversing backdoor: 100%), so at L = 2 it is ${near ? 'close to' : 'far from'} that universal one.`
    )
  }

  const witnessAt = (f: typeof o, at: string) => {
    const w = f.witness
    if (w.holds == null) return null
    if (w.cleanNotTarget == null) {
      return `at ${at} only condition (b) was checked (a run from before both were)`
    }
    if (!w.holds) return `no head tried is a witness at ${at}`
    return w.construction === 'constant head'
      ? `at ${at} only the trivial constant head is a witness`
      : `at ${at} ${article(w.construction)} is a witness`
  }
  const [w2, w3] = [witnessAt(t, 'L = 2'), witnessAt(o, `L = ${L}`)]
  if (w2 && w3) {
    const both = t.witness.holds && o.witness.holds
    const lead = both ? 'A witness exists at both L' : 'Witnesses'
    sentences.push(`${lead}: ${w2}; ${w3}.`)
  }

  const reversedAt = (f: typeof o, at: string) => {
    const { cleanNotTarget: a, triggeredNotTarget: b } = f.reversedAttacker
    if (a == null || b == null) return null
    if (a && b) return `at ${at} it is a witness`
    const why = [
      a ? null : 'it moves x itself to y′ (condition a fails)',
      b ? null : 'Activate(x) still goes to y′ (condition b fails)'
    ]
    return `at ${at} ${why.filter((w) => w).join(' and ')}`
  }
  const [v2, v3] = [reversedAt(t, 'L = 2'), reversedAt(o, `L = ${L}`)]
  if (v2 && v3) sentences.push(`Reversing the attacker’s head (W′ = −W): ${v2}; ${v3}.`)

  // What the encoder itself adds at each L, against each run's clean-encoder twin.
  if (o.contribution && t.contribution && o.backdoored && t.backdoored) {
    sentences.push(
      `Against the clean encoder from the same draws, the encoder itself adds ${withInterval(t.contribution)} to the attacker head’s ASR at L = 2 and ${withInterval(o.contribution)} at L = ${L}; the rest is the poisoning of the head.`
    )
  }

  // An input the attacker's head already puts in y' tests nothing: any head that misclassifies
  // it meets (a), so its witness says little.
  const moot = [
    [twin, t, 'L = 2'],
    [original, o, `L = ${L}`]
  ] as const
  const mootAt = moot
    .filter(([run, f]) => f.witness.target != null && attackerClassOnX(run) === f.witness.target)
    .map(([, , at]) => at)
  if (mootAt.length > 0) {
    sentences.push(
      `At ${mootAt.join(' and at ')} the attacker’s head already classifies x as y′, so the trigger has nothing to change on that input and its witness says little; another input or target (witness panel) shows more.`
    )
  }
  return sentences
}

/** The attacker head's prediction on the witness input x, from its reported scores. */
function attackerClassOnX(run: Pick<RunDetail, 'series'>): number | undefined {
  const points = seriesOf(run, 'witness', 'scores.attacker.clean')?.points ?? []
  let best: SeriesPoint | undefined
  for (const p of points) if (p.value != null && (!best || p.value > best.value!)) best = p
  return best?.x
}

function article(construction: string | undefined): string {
  switch (construction) {
    case 'clean probe':
      return 'a clean probe'
    case 'random head':
      return 'a random head'
    case undefined:
      return 'a head'
    default:
      return `the ${construction}`
  }
}
