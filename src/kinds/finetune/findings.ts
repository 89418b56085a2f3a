/**
 * What a fine-tuning run's page says above its charts (SCIENCE.md sections 5 and 6): the sentence
 * on what happened to the backdoor, the chance flag and the headline cards, built by pure code
 * from the stored metrics and series. Runs made before robust accuracy, the backdoor cost, the
 * majority-class rate and the normalised spike energy were measured show what they have and leave
 * the rest out.
 */
import { metricOf } from './outputs'
import { beforeAfter, finetuneFacts, trackLambdaOf } from './summary'
import {
  capitalised,
  fixed,
  known,
  sharePercent,
  sig,
  stoppedWord,
  withInterval
} from '../../shared/format'
import type { HighlightCard, HighlightEntry } from '../../shared/highlights'
import type { Estimate, RunDetail } from '../../shared/results'
import {
  againstZero,
  atChance,
  percentText,
  pointsInterval,
  pointsText,
  rateWithInterval,
  ZERO_THETA_ADVANTAGE
} from '../../shared/verdicts'

type FinetuneRun = Pick<RunDetail, 'status' | 'config' | 'metrics' | 'series' | 'progress'>
type Model = 'clean' | 'backdoored'
type When = 'before' | 'after'

const MODELS: Model[] = ['clean', 'backdoored']
const WHEN: When[] = ['before', 'after']
const whenWords: Record<When, string> = { before: 'before fine-tuning', after: 'after' }

/** Whether each network was at chance before and after fine-tuning (null: not known). */
export function chanceFlags(run: FinetuneRun): Record<Model, Record<When, boolean | null>> {
  const majority = metricOf(run, 'data', 'majorityRate')
  const flags = {} as Record<Model, Record<When, boolean | null>>
  for (const model of MODELS) {
    const accuracy = beforeAfter(run, model, 'cleanAccuracy')
    flags[model] = {
      before: atChance(accuracy.before, majority),
      after: atChance(accuracy.after, majority)
    }
  }
  return flags
}

/** Whether any network was at chance before or after fine-tuning. */
function chanceIn(run: FinetuneRun): boolean {
  const flags = chanceFlags(run)
  return MODELS.some((model) => flags[model].before || flags[model].after)
}

/**
 * The chance flag in words, or null when every network cleared the majority-class rate (or the
 * run did not measure it): "At chance: the clean network's clean accuracy (47.8% [43.8%, 51.9%]
 * before fine-tuning, 53.9% [49.9%, 57.8%] after) does not clear …".
 */
export function finetuneChanceNote(run: FinetuneRun): string | null {
  const majority = metricOf(run, 'data', 'majorityRate')
  if (!known(majority)) return null
  const flags = chanceFlags(run)
  const parts = MODELS.flatMap((model) => {
    const accuracy = beforeAfter(run, model, 'cleanAccuracy')
    const at = WHEN.filter((when) => flags[model][when]).map((when) => {
      const e = accuracy[when]
      return known(e) ? `${rateWithInterval(e)} ${whenWords[when]}` : ''
    })
    return at.length ? [`the ${model} network's clean accuracy (${at.join(', ')})`] : []
  })
  if (parts.length === 0) return null
  const one = parts.length === 1
  return `At chance: ${parts.join(' and ')} ${one ? 'does' : 'do'} not clear the majority-class rate of the held-out labels, ${percentText(majority.value)}. A classifier at chance has learned nothing, so ${one ? 'its' : 'their'} attack success rates, and the advantage, mean little.`
}

const arrow = (
  e: { before?: Estimate; after?: Estimate },
  format: (v: number) => string
): string | null => {
  if (!known(e.before)) return null
  return known(e.after)
    ? `${format(e.before.value)} → ${format(e.after.value)}`
    : format(e.before.value)
}

/** The headline cards of a fine-tuning run; `active` while it is queued or running. */
export function finetuneHighlights(run: FinetuneRun, active: boolean): HighlightCard[] {
  const f = finetuneFacts(run)
  const lambda = trackLambdaOf(run)
  const at = lambda == null ? '' : ` at λ = ${sig(lambda)}`
  const later: When = 'after'
  const laterWord = active ? 'now' : 'after'
  const cards: HighlightCard[] = []
  const entry = (word: string, value: string | null, interval?: string | null): HighlightEntry[] =>
    value == null ? [] : [{ word, value, interval: interval ?? null }]
  const interval = (e: Estimate | undefined) =>
    e && e.lower != null && e.upper != null ? `[${fixed(e.lower)}, ${fixed(e.upper)}]` : null

  const flags = chanceFlags(run)
  const chance = chanceIn(run)

  // The advantage before and after, and where its interval lies against 0.
  if (known(f.advantage.before)) {
    if (f.theta === 0) {
      cards.push({
        key: 'advantage',
        title: `Advantage${at}`,
        entries: [{ word: 'every epoch', value: '0' }],
        note: 'θ = 0: the backdoored network is the clean one, so it is 0 by construction.'
      })
    } else {
      const verdict = againstZero(f.advantage[later])
      cards.push({
        key: 'advantage',
        title: `Advantage${at}, ASR backdoored − clean`,
        entries: [
          ...entry('before', fixed(f.advantage.before.value), interval(f.advantage.before)),
          ...(known(f.advantage[later])
            ? entry(laterWord, fixed(f.advantage[later].value), interval(f.advantage[later]))
            : [])
        ],
        note: chance
          ? 'A network is at chance: the advantage means little.'
          : verdict === 'above'
            ? `Interval ${laterWord} still excludes 0.`
            : verdict === 'includes'
              ? `Interval ${laterWord} includes 0.`
              : verdict === 'below'
                ? `Interval ${laterWord} lies below 0.`
                : null
      })
    }
  }

  // BackdoorBench's triple for the backdoored network.
  const rates = (name: string) => arrow(beforeAfter(run, 'backdoored', name), percentText)
  const triple = [
    ...entry('clean accuracy', rates('cleanAccuracy')),
    ...entry(`ASR${at}`, rates('attackSuccessRate')),
    ...entry(`robust accuracy${at}`, rates('robustAccuracy'))
  ]
  const backdooredAtChance = !!(flags.backdoored.before || flags.backdoored.after)
  if (triple.length && backdooredAtChance) triple[0].flag = 'at chance'
  if (triple.length) {
    cards.push({
      key: 'triple',
      title: `Backdoored network, before → ${laterWord}`,
      entries: triple,
      note: backdooredAtChance ? 'At chance: its ASR and robust accuracy mean little.' : null
    })
  }

  const cost = beforeAfter(run, 'run', 'backdoorCost')
  if (known(cost.before) && f.theta === 0) {
    cards.push({
      key: 'cost',
      title: 'Backdoor cost in clean accuracy',
      entries: [{ word: 'every epoch', value: '0 points' }],
      note: 'θ = 0: the same network twice, so 0 by construction.'
    })
  } else if (known(cost.before)) {
    cards.push({
      key: 'cost',
      title: 'Backdoor cost in clean accuracy, backdoored − clean',
      entries: [
        ...entry('before', `${pointsText(cost.before.value)} points`, pointsInterval(cost.before)),
        ...(known(cost.after)
          ? entry(laterWord, `${pointsText(cost.after.value)} points`, pointsInterval(cost.after))
          : [])
      ]
    })
  }

  const drift = MODELS.flatMap((model) => {
    const e = model === 'backdoored' ? f.drift : beforeAfter(run, model, 'weightDrift').after
    return known(e) ? [{ word: model, value: sharePercent(e.value) }] : []
  }).reverse()
  if (drift.length) {
    cards.push({ key: 'drift', title: 'Weight drift ‖G − G₀‖ / ‖G₀‖', entries: drift })
  }

  const normalised = arrow(f.normalised, fixed)
  const raw = arrow(f.spike, fixed)
  const band = known(f.nullBand[later]) ? f.nullBand[later] : f.nullBand.before
  if (raw != null || normalised != null) {
    cards.push({
      key: 'spike',
      title: `Spike energy, backdoored (θ = ${sig(f.theta)})`,
      entries: [
        ...entry('along s, ÷ tr(C)/d', normalised),
        ...entry('along s, raw sᵀCs − 1', raw),
        ...(band && band.lower != null && band.upper != null
          ? [
              {
                word: 'random directions, ÷ tr(C)/d, 95%',
                value: `${fixed(band.lower)} to ${fixed(band.upper)}`
              }
            ]
          : [])
      ]
    })
  }

  cards.push({
    key: 'epochs',
    title: 'Epochs completed',
    entries: [{ word: 'fine-tuning', value: `${f.done} of ${f.total}` }]
  })
  return cards
}

/** The advantage's fate in words, from where its intervals lie against 0. */
function verdictWords(
  before: Estimate | undefined,
  after: Estimate | undefined,
  finished: boolean
): string {
  const now = againstZero(after)
  if (now === 'above') {
    return finished
      ? '; its interval still excludes 0, so the backdoor survives this fine-tuning (a sweep over the learning rate or the epochs would show where the advantage reaches 0)'
      : '; its interval still excludes 0'
  }
  if (now === 'below')
    return '; its interval now lies below 0: the backdoored network flips fewer inputs than the clean one'
  if (now === 'includes') {
    return againstZero(before) === 'above'
      ? '; its interval now includes 0: no advantage can be told apart on these inputs'
      : '; its interval included 0 before fine-tuning already: the backdoor had no measurable advantage at this λ to lose'
  }
  return ''
}

/**
 * One sentence saying what happened to the backdoor during fine-tuning, in numbers: e.g.
 * "Advantage at λ=2 went from 0.41 [0.37, 0.45] to 0.12 [0.09, 0.15] while the backdoored
 * weights moved 38%; its spike energy went from 3.98 to 1.20 (θ = 4)."
 * Runs that stopped early say after how many epochs; runs still going say how far they are.
 */
export function finetuneSentence(run: FinetuneRun): string {
  const f = finetuneFacts(run)
  const at = f.lambda == null ? '' : ` at λ=${sig(f.lambda)}`
  const theta = `(θ = ${sig(f.theta)})`
  const advBefore = known(f.advantage.before) ? f.advantage.before : undefined
  const advAfter = known(f.advantage.after) ? f.advantage.after : undefined
  const spikeBefore = known(f.spike.before) ? f.spike.before.value : undefined
  const spikeAfter = known(f.spike.after) ? f.spike.after.value : undefined
  const drift = known(f.drift) ? f.drift.value : undefined
  const normBefore = known(f.normalised.before) ? f.normalised.before.value : undefined
  const normAfter = known(f.normalised.after) ? f.normalised.after.value : undefined
  const band = f.nullBand.after ?? f.nullBand.before
  const bandText =
    band && band.lower != null && band.upper != null
      ? `; along random k-sparse directions it lies between ${fixed(band.lower)} and ${fixed(band.upper)}`
      : ''

  /**
   * "advantage at λ=2 went from … to … while …; its interval still excludes 0 …. The backdoored
   * network's spike energy, normalised by …, went from … to … (θ = 4; …)". Runs made before the
   * normalised spike energy was measured give the raw one.
   */
  const change = (finished = false): string | null => {
    if (!advBefore || !advAfter) return null
    if (f.theta === 0) {
      const moved = drift != null ? `the weights moved ${sharePercent(drift)}; ` : ''
      return `${moved}${ZERO_THETA_ADVANTAGE.charAt(0).toLowerCase()}${ZERO_THETA_ADVANTAGE.slice(1, -1)}`
    }
    let text = `advantage${at} went from ${withInterval(advBefore)} to ${withInterval(advAfter)}`
    if (drift != null) text += ` while the backdoored weights moved ${sharePercent(drift)}`
    text += chanceIn(run)
      ? '; a network is at chance, so neither number means much'
      : verdictWords(advBefore, advAfter, finished)
    if (normBefore != null && normAfter != null) {
      text += `. The backdoored network's spike energy, normalised by the rows' scale tr(C)/d, went from ${fixed(normBefore)} to ${fixed(normAfter)} (θ = ${sig(f.theta)}${bandText})`
    } else if (spikeBefore != null && spikeAfter != null) {
      text += `. The backdoored network's spike energy went from ${fixed(spikeBefore)} to ${fixed(spikeAfter)} ${theta}`
    }
    return text
  }
  /** "the advantage at λ=2 before fine-tuning was …, the backdoored spike energy … (θ = 4)" */
  const start = (verb: 'is' | 'was'): string | null => {
    if (!advBefore) return null
    let text = `the advantage${at} before fine-tuning ${verb} ${withInterval(advBefore)}`
    if (spikeBefore != null) {
      text += ` and the backdoored network's spike energy ${fixed(spikeBefore)} ${theta}`
    }
    return text
  }

  const of = `${f.done} of ${f.total} epochs`

  if (run.status === 'queued') {
    return `Waiting for a free worker: ${f.total} epochs of fine-tuning, ASR tracked${at}.`
  }
  if (run.status === 'running') {
    if (f.done > 0) {
      const so = change()
      return so ? `${of} done so far; ${so}.` : `${of} done so far.`
    }
    const before = start('is')
    return before
      ? `Fine-tuning has not finished an epoch yet; ${before}.`
      : 'Measuring both networks before fine-tuning…'
  }

  const stopped = stoppedWord[run.status]
  if (stopped) {
    if (f.done === 0) {
      const before = start('was')
      return before
        ? `${stopped} before the first of ${f.total} epochs finished; ${before}.`
        : `${stopped} before anything was measured.`
    }
    const so = change()
    return so ? `${stopped} after ${of}; ${so}.` : `${stopped} after ${of}.`
  }

  // Done.
  if (f.total === 0) {
    const before = start('was')
    return before
      ? `No fine-tuning epochs were configured, so the weights did not move; ${before}.`
      : 'No fine-tuning epochs were configured, so the weights did not move.'
  }
  const all = change(true)
  if (all) return `${capitalised(all)}.`
  return `Fine-tuned for ${of}; the run recorded no advantage to compare.`
}
