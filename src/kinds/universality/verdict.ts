/**
 * What a universality run shows, in words built from its numbers (SCIENCE.md sections 5 and 7):
 * the verdict uses the encoder's own contribution (the attacker head's ASR on this encoder minus
 * on its clean-encoder twin) and the gap over accuracy-matched heads, never the raw max - min over
 * every head, which random heads at chance make as large with a clean encoder as with a backdoor.
 */
import { count } from '../../shared/configRows'
import { fixed, sharePercent, sig, stoppedWord, withInterval } from '../../shared/format'
import { type RunDetail } from '../../shared/results'
import {
  hasTwinNumbers,
  OPTIMIZER_WORDS,
  universalityFacts,
  type FamilySpread,
  type UniversalityFacts
} from './facts'

type UniversalityRun = Pick<RunDetail, 'status' | 'config' | 'metrics'>

/** Matched gaps whose interval stays above this say the heads disagree. */
export const UNIVERSAL_GAP = 0.1

/**
 * - 'at chance': the attacker head's clean accuracy is within its interval of the majority-class
 *   rate (or below): it learned nothing, and no ASR of this run means much;
 * - 'clean encoder': the config has no backdoor: the run shows what poisoning the head alone does;
 * - 'no encoder effect': the encoder's contribution's interval reaches 0: the attacker head's ASR
 *   comes from poisoning the head, and the gaps say nothing about the backdoor;
 * - 'not universal': the encoder contributes, and the matched gap's interval lies above
 *   UNIVERSAL_GAP: some head as accurate as the attacker's is fooled much less;
 * - 'same for every head': the encoder contributes, the matched gap does not lie above
 *   UNIVERSAL_GAP and the attacker's head is fooled at least half the time;
 * - 'no effect': the same, but not even the attacker's head is fooled half the time.
 * Undefined until the run has its numbers, and for runs made before the lab measured the
 * clean-encoder twin and the matched gap.
 */
export type UniversalityVerdict =
  | 'at chance'
  | 'clean encoder'
  | 'no encoder effect'
  | 'not universal'
  | 'same for every head'
  | 'no effect'

/** The verdict in a few words, for tables and highlights. */
export const VERDICT_WORDS: Record<UniversalityVerdict, string> = {
  'at chance': 'at chance: the attacker’s head learned nothing',
  'clean encoder': 'no backdoor: what poisoning the head alone does',
  'no encoder effect': 'no encoder effect measured: the ASR comes from poisoning the head',
  'not universal': 'not universal: an equally accurate head is fooled much less',
  'same for every head': 'every equally accurate head is fooled about equally',
  'no effect': 'the trigger fools no equally accurate head half the time'
}

export function universalityVerdict(
  run: Pick<RunDetail, 'config' | 'metrics'>
): UniversalityVerdict | undefined {
  const f = universalityFacts(run)
  if (!hasTwinNumbers(f)) return undefined
  if (f.atChance) return 'at chance'
  if (!f.backdoored) return 'clean encoder'
  const c = f.contribution
  if (!c) return undefined
  if ((c.lower ?? c.value) <= 0) return 'no encoder effect'
  const gap = f.matched.gap
  if (!gap) return undefined
  if ((gap.lower ?? gap.value) > UNIVERSAL_GAP) return 'not universal'
  return (f.attacker.asr?.value ?? 0) >= 0.5 ? 'same for every head' : 'no effect'
}

/**
 * What one run can and cannot show (SCIENCE.md section 5): its intervals cover the held-out
 * inputs of one network; the key, the weights and the data vary across seeds.
 */
export function oneRunNote(f: Pick<UniversalityFacts, 'nTest'>): string {
  const inputs = f.nTest == null ? 'the held-out inputs' : `the ${count(f.nTest)} held-out inputs`
  return `One run, one seed: the intervals cover ${inputs} of this one network, not the key, the weights or the training data; for the spread across those, run the same configuration over several seeds (a seed sweep).`
}

/**
 * The run in a few sentences, e.g. "The attacker's head reaches ASR 0.89 [0.88, 0.91] at 97%
 * clean accuracy, and 0.87 [0.85, 0.89] on the clean encoder from the same draws: the encoder's
 * contribution, 0.02 [-0.00, 0.05], is not distinguishable from 0, so that ASR comes from
 * poisoning the head. …", ending with what one run can show. Runs not finished say where they
 * are; runs made before the clean-encoder twin say what they lack.
 */
export function universalitySentence(run: UniversalityRun): string {
  const f = universalityFacts(run)
  const heads = `${f.randomHeads} random heads and ${f.probes} clean probes`
  if (run.status === 'queued') return `Waiting for a free worker: ${heads} to evaluate.`
  if (run.status === 'running' && !f.gap) {
    return f.backdoored
      ? `Training the attacker's head and the probes on this encoder and on its clean twin, then evaluating ${heads} on each…`
      : `Training the attacker's head and the probes, then evaluating ${heads}…`
  }
  const stopped = stoppedWord[run.status]
  if (!f.gap) {
    return stopped
      ? `${stopped} before the heads were evaluated.`
      : 'The run recorded no heads to compare.'
  }
  const body = !hasTwinNumbers(f)
    ? olderRunSentences(f)
    : f.atChance
      ? chanceSentence(f)
      : findingSentences(f, universalityVerdict(run))
  const lead = stopped ? `${stopped} after the heads were evaluated. ` : ''
  return `${lead}${body} ${oneRunNote(f)}`
}

const at = (accuracy: { value: number | null } | undefined, words: string) =>
  accuracy?.value != null ? ` at ${sharePercent(accuracy.value)} ${words}` : ''

/** The chance flag: nothing else of the run means much. */
function chanceSentence(f: UniversalityFacts): string {
  const acc = f.attacker.accuracy!
  const asr = f.attacker.asr ? `its ASR (${withInterval(f.attacker.asr)})` : 'its ASR'
  return `The attacker's head is at chance: clean accuracy ${withInterval(acc, sharePercent)} against a majority-class rate of ${sharePercent(f.majorityRate!)}, so the classifier learned nothing, and ${asr} and the gaps mean little.`
}

/** The nullifying head, with the optimiser its ASR depends on. */
function nullifyingSentence(f: UniversalityFacts): string | null {
  const { attacker, nullifying } = f
  if (!attacker.asr || !nullifying.asr) return null
  const verb = nullifying.asr.value < attacker.asr.value ? 'drops it to' : 'leaves it at'
  return `Projecting out the mean trigger shift ${verb} ${fixed(nullifying.asr.value)}${at(nullifying.accuracy, 'accuracy')} (heads trained by ${OPTIMIZER_WORDS[f.optimizer]}).`
}

/** "Over the 12 heads within 0.05 of its clean accuracy (none of the 200 random heads), …" */
function matchedClause(f: UniversalityFacts): string | null {
  const { gap, heads, random } = f.matched
  if (!gap || heads == null) return null
  const margin = f.margin == null ? 'the margin' : sig(f.margin)
  const randoms =
    f.randomHeads === 0
      ? ''
      : random === 0 || random == null
        ? ` (none of the ${count(f.randomHeads)} random heads)`
        : ` (${random} of the ${count(f.randomHeads)} random heads)`
  const noun = heads === 1 ? 'head' : 'heads'
  return `Over the ${heads} ${noun} within ${margin} of its clean accuracy${randoms}, the ASR gap is ${withInterval(gap)}`
}

function findingSentences(f: UniversalityFacts, verdict: UniversalityVerdict | undefined): string {
  const { attacker, contribution: c } = f
  if (!attacker.asr)
    return 'The attacker’s head has no ASR to report: every held-out input is already in the target class.'
  const clean = f.cleanEncoder.attacker.asr
  const sentences: string[] = []
  if (!f.backdoored) {
    sentences.push(
      `With a clean encoder (no backdoor), the attacker's head reaches ASR ${withInterval(attacker.asr)}${at(attacker.accuracy, 'clean accuracy')}, all of it from poisoning the head.`
    )
  } else {
    const twin = clean
      ? `, and ${withInterval(clean)} on the clean encoder from the same draws`
      : ''
    const part = !c
      ? ''
      : verdict === 'no encoder effect'
        ? `: the encoder's contribution, ${withInterval(c)}, is not distinguishable from 0, so that ASR comes from poisoning the head`
        : `: the encoder contributes ${withInterval(c)} of it, the rest comes from poisoning the head`
    sentences.push(
      `The attacker's head reaches ASR ${withInterval(attacker.asr)}${at(attacker.accuracy, 'clean accuracy')}${twin}${part}.`
    )
  }
  const nullifying = nullifyingSentence(f)
  if (nullifying) sentences.push(nullifying)
  const matched = matchedClause(f)
  if (matched) {
    const conclusion: Record<UniversalityVerdict, string> = {
      'at chance': '',
      'clean encoder': ': what poisoning alone does, the baseline for a backdoored encoder',
      'no encoder effect': ', which here measures the poisoning, not the backdoor',
      'not universal':
        ': an equally accurate head is fooled much less, so the backdoor is not universal',
      'same for every head': ': every equally accurate head is fooled about equally',
      'no effect': ': the trigger fools none of them half the time'
    }
    sentences.push(`${matched}${verdict ? conclusion[verdict] : ''}.`)
  }
  return sentences.join(' ')
}

/** Runs made before the clean-encoder twin: their numbers, and what they cannot say. */
function olderRunSentences(f: UniversalityFacts): string {
  const parts: string[] = []
  const { attacker, nullifying } = f
  if (attacker.asr) {
    parts.push(
      `The attacker's head reaches ASR ${withInterval(attacker.asr)}${at(attacker.accuracy, 'clean accuracy')}`
    )
    if (nullifying.asr) {
      const verb = nullifying.asr.value < attacker.asr.value ? 'drops it to' : 'leaves it at'
      parts.push(
        `projecting out the mean trigger shift ${verb} ${fixed(nullifying.asr.value)}${at(nullifying.accuracy, 'accuracy')}`
      )
    }
  }
  const spread = (family: FamilySpread, words: string) =>
    family.asrMin != null && family.asrMax != null
      ? `${words} range from ${fixed(family.asrMin)} to ${fixed(family.asrMax)}`
      : null
  const range =
    (f.randomHeads > 0 ? spread(f.random, 'random heads') : null) ??
    (f.probes > 0 ? spread(f.probe, 'clean probes') : null)
  if (range) parts.push(range)
  const numbers = parts.length > 0 ? `${parts.join('; ')} ` : ''
  const gap = `(gap over every head ${withInterval(f.gap!)})`
  const lead = numbers ? `${numbers}${gap}.` : `${gap.slice(1, -1)}.`
  return `${lead.charAt(0).toUpperCase()}${lead.slice(1)} The version of the lab that made this run did not measure the clean-encoder twin or the accuracy-matched gap, so it cannot tell the encoder's part from the poisoning of the head, and gives no verdict; run it again to measure them.`
}
