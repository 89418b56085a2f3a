/**
 * What a run found, in words and headline numbers, built by pure code from its stored metrics and
 * series so that the run page, the runs list and any export say the same thing. No Node, no DOM.
 */
import type { Estimate, RunDetail, SeriesPoint } from './results'
import { findMetric, findSeries } from './results'

type FinetuneRun = Pick<RunDetail, 'status' | 'config' | 'metrics' | 'series' | 'progress'>

/** A number with up to `digits` significant digits, trailing zeros trimmed. */
function sig(value: number, digits = 3): string {
  if (value === 0) return '0'
  const abs = Math.abs(value)
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 1)
  if (abs >= 10 ** digits) return Math.round(value).toLocaleString('en-US')
  return String(Number(value.toPrecision(digits)))
}

/** Two decimals for rates, advantages and energies of ordinary size ("0.41", "1.20"). */
function fixed(value: number): string {
  return Math.abs(value) < 1000 ? value.toFixed(2) : sig(value)
}

/** A share as a percentage: "38%", "4.2%", "0.03%". */
export function sharePercent(value: number): string {
  const p = value * 100
  if (p === 0) return '0%'
  if (Math.abs(p) >= 10) return `${p.toFixed(0)}%`
  if (Math.abs(p) >= 1) return `${p.toFixed(1)}%`
  return `${Number(p.toPrecision(1))}%`
}

/** "0.41 [0.37, 0.45]", or "0.41" when the interval is not known. */
export function withInterval(e: Estimate, format: (v: number) => string = fixed): string {
  if (e.value == null) return '—'
  const interval =
    e.lower != null && e.upper != null ? ` [${format(e.lower)}, ${format(e.upper)}]` : ''
  return `${format(e.value)}${interval}`
}

const known = (e: Estimate | undefined): e is Estimate & { value: number } =>
  e != null && typeof e.value === 'number' && Number.isFinite(e.value)

function pointEstimate(point: SeriesPoint | undefined): Estimate | undefined {
  return point ? { value: point.value, lower: point.lower, upper: point.upper } : undefined
}

/** The last point of an epoch series after epoch 0, i.e. after at least one epoch. */
function lastEpoch(run: FinetuneRun, model: string, name: string): SeriesPoint | undefined {
  const points = findSeries(run, model, name)?.points ?? []
  return points
    .filter((p) => p.x > 0)
    .reduce<SeriesPoint | undefined>((last, p) => (!last || p.x >= last.x ? p : last), undefined)
}

function epochZero(run: FinetuneRun, model: string, name: string): SeriesPoint | undefined {
  return findSeries(run, model, name)?.points.find((p) => p.x === 0)
}

/**
 * A quantity before and after fine-tuning: the `<name>.before` / `<name>.after` metrics, or, for a
 * run that stopped before writing them, epoch 0 and the last finished epoch of `epoch.<name>`.
 */
export function beforeAfter(
  run: FinetuneRun,
  model: string,
  name: string
): { before: Estimate | undefined; after: Estimate | undefined } {
  const before = findMetric(run, model, `${name}.before`)
  const after = findMetric(run, model, `${name}.after`)
  return {
    before: known(before) ? before : pointEstimate(epochZero(run, model, `epoch.${name}`)),
    after: known(after) ? after : pointEstimate(lastEpoch(run, model, `epoch.${name}`))
  }
}

/** Epochs the run was configured for (0 for other kinds). */
export function totalEpochs(run: Pick<RunDetail, 'config'>): number {
  return run.config.kind === 'finetune' ? run.config.train.epochs : 0
}

/**
 * Epochs finished: the lab's `epochsCompleted`, else the last epoch recorded in a series, else
 * the step of a live fine-tuning progress report.
 */
export function epochsCompleted(run: FinetuneRun): number {
  const metric = findMetric(run, 'run', 'epochsCompleted')
  if (known(metric)) return metric.value
  const last = Math.max(
    0,
    ...run.series
      .filter((s) => s.name.startsWith('epoch.'))
      .flatMap((s) => s.points.filter((p) => p.value != null).map((p) => p.x))
  )
  const live = run.progress?.phase === 'fine-tuning' ? run.progress.step : 0
  return Math.max(last, live)
}

export function trackLambdaOf(run: Pick<RunDetail, 'config' | 'metrics'>): number | null {
  const metric = findMetric(run, 'run', 'trackLambda')
  if (known(metric)) return metric.value
  return run.config.kind === 'finetune' ? run.config.trackLambda : null
}

/** The headline numbers of a fine-tuning run, each undefined until the run has measured it. */
export function finetuneFacts(run: FinetuneRun) {
  const advantage = beforeAfter(run, 'run', 'advantage')
  const spike = beforeAfter(run, 'backdoored', 'spikeEnergy')
  const driftMetric = findMetric(run, 'backdoored', 'weightDrift.after')
  const drift = known(driftMetric)
    ? driftMetric
    : pointEstimate(lastEpoch(run, 'backdoored', 'epoch.weightDrift'))
  return {
    total: totalEpochs(run),
    done: epochsCompleted(run),
    lambda: trackLambdaOf(run),
    theta: run.config.theta,
    advantage,
    spike,
    drift
  }
}

const stoppedWord: Partial<Record<RunDetail['status'], string>> = {
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  failed: 'Failed'
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

  /** "advantage at λ=2 went from … to … while …; its spike energy went from … to … (θ = 4)" */
  const change = (): string | null => {
    if (!advBefore || !advAfter) return null
    let text = `advantage${at} went from ${withInterval(advBefore)} to ${withInterval(advAfter)}`
    if (drift != null) text += ` while the backdoored weights moved ${sharePercent(drift)}`
    if (spikeBefore != null && spikeAfter != null) {
      text += `; its spike energy went from ${fixed(spikeBefore)} to ${fixed(spikeAfter)} ${theta}`
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
  const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
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
  const all = change()
  if (all) return `${capitalised(all)}.`
  return `Fine-tuned for ${of}; the run recorded no advantage to compare.`
}

/** The one number the runs list shows for a run, by kind; null until the run has it. */
export function keyMetric(run: FinetuneRun): { label: string; value: string } | null {
  if (run.config.kind === 'effectiveness') {
    const ratio = findMetric(run, 'run', 'lambda50Ratio')
    return known(ratio) ? { label: 'λ50 ratio', value: sig(ratio.value) } : null
  }
  if (run.config.kind === 'finetune') {
    const { before, after } = beforeAfter(run, 'run', 'advantage')
    if (!known(before)) return null
    const lambda = trackLambdaOf(run)
    const label = lambda == null ? 'advantage' : `advantage at λ=${sig(lambda)}`
    return {
      label,
      value: known(after) ? `${fixed(before.value)} → ${fixed(after.value)}` : fixed(before.value)
    }
  }
  return null
}

/*
 * Universality (SCIENCE.md section 7): the heads the defender can pick, each with its clean
 * accuracy and ASR for the target, and the gap between the most and the least fooled head.
 */

type UniversalityRun = Pick<RunDetail, 'status' | 'config' | 'metrics'>

/** The estimate of `model`/`name` when the run has a finite value for it. */
function measured(run: Pick<RunDetail, 'metrics'>, model: string, name: string) {
  const metric = findMetric(run, model, name)
  return known(metric) ? metric : undefined
}

/** A head family summarised over its heads: mean clean accuracy and mean, min, max ASR. */
export interface FamilySpread {
  accuracy: number | undefined
  asrMean: number | undefined
  asrMin: number | undefined
  asrMax: number | undefined
}

function familySpread(run: Pick<RunDetail, 'metrics'>, model: string): FamilySpread {
  return {
    accuracy: measured(run, model, 'cleanAccuracy.mean')?.value,
    asrMean: measured(run, model, 'attackSuccessRate.mean')?.value,
    asrMin: measured(run, model, 'attackSuccessRate.min')?.value,
    asrMax: measured(run, model, 'attackSuccessRate.max')?.value
  }
}

/**
 * How the witness head was built, by its reported code (the lab's CONSTRUCTION_CODES). Runs from
 * before the proof's condition (a) was checked reported 1 for the same reversed attacker head and
 * 2 for a head that is constant on ReLU features.
 */
export const WITNESS_CONSTRUCTIONS: Record<
  number,
  'reversed attacker head' | 'constant head' | 'clean probe' | 'nullifying head' | 'random head'
> = {
  1: 'reversed attacker head',
  2: 'constant head',
  3: 'clean probe',
  4: 'nullifying head',
  5: 'random head'
}

/**
 * How the witness input x was chosen, by its reported code (the lab's CHOICE_CODES): by the
 * user, or automatically as the first held-out input passing the first rule that any input
 * passes. Runs from before the automatic choice report none (their x was chosen by the config).
 */
export const WITNESS_CHOICES: Record<
  number,
  'chosen by you' | 'first input the backdoor flips' | 'first input not classified y′' | 'input 0'
> = {
  1: 'chosen by you',
  2: 'first input the backdoor flips',
  3: 'first input not classified y′',
  4: 'input 0'
}

/** The headline numbers of a universality run, each undefined until the run has measured it. */
export function universalityFacts(run: Pick<RunDetail, 'config' | 'metrics'>) {
  const config = run.config.kind === 'universality' ? run.config : null
  const head = (model: string) => ({
    accuracy: measured(run, model, 'cleanAccuracy'),
    asr: measured(run, model, 'attackSuccessRate')
  })
  const value = (name: string) => measured(run, 'run', name)?.value
  const holds = value('witnessHolds')
  const construction = value('witnessConstruction')
  const choice = value('witnessChoice')
  const flag = (name: string) => {
    const v = value(name)
    return v == null ? undefined : v === 1
  }
  return {
    target: config?.target,
    backdoored: config?.backdoored ?? true,
    probes: config?.probes ?? 0,
    randomHeads: config?.randomHeads ?? 0,
    attacker: head('attacker'),
    nullifying: head('nullifying'),
    witness: {
      ...head('witness'),
      index: value('witnessIndex'),
      target: value('witnessTarget'),
      label: value('witnessLabel'),
      /** How x was chosen; undefined for runs from before the lab could choose it. */
      choice: choice == null ? undefined : WITNESS_CHOICES[choice],
      construction: construction == null ? undefined : WITNESS_CONSTRUCTIONS[construction],
      holds: holds == null ? undefined : holds === 1,
      /** (a) x is not classified y' under the witness head; undefined for runs from before. */
      cleanNotTarget: flag('witnessCleanNotTarget'),
      /** (b) Activate(x) is not classified y'. */
      triggeredNotTarget: flag('witnessTriggeredNotTarget')
    },
    /** Conditions (a) and (b) for the reversed attacker head (W' = -W), chosen or not. */
    reversedAttacker: {
      cleanNotTarget: flag('reversalCleanNotTarget'),
      triggeredNotTarget: flag('reversalTriggeredNotTarget')
    },
    /** rankingReversalRate: the attacker's, and the mean over probes and over random heads. */
    reversal: {
      attacker: measured(run, 'attacker', 'rankingReversalRate')?.value,
      probe: measured(run, 'probe', 'rankingReversalRate.mean')?.value,
      random: measured(run, 'random', 'rankingReversalRate.mean')?.value
    },
    probe: familySpread(run, 'probe'),
    random: familySpread(run, 'random'),
    gap: measured(run, 'run', 'universalityGap'),
    L: value('L'),
    d: value('d'),
    n: value('n'),
    nTest: value('nTest'),
    nullifyingResidual: value('nullifyingResidual'),
    triggerShiftNorm: value('triggerShiftNorm')
  }
}

/** Gaps whose interval stays above this say the heads disagree: the backdoor is not universal. */
export const UNIVERSAL_GAP = 0.1

/**
 * Whether the heads disagree about the trigger: 'not universal' when the gap's interval lies
 * above UNIVERSAL_GAP, 'same for every head' when it does not and the attacker's head is fooled
 * at least half the time, 'no effect' when not even the attacker's head is.
 */
export function universalityVerdict(
  run: Pick<RunDetail, 'config' | 'metrics'>
): 'not universal' | 'same for every head' | 'no effect' | undefined {
  const f = universalityFacts(run)
  if (!f.gap) return undefined
  const low = f.gap.lower ?? f.gap.value
  if (low > UNIVERSAL_GAP) return 'not universal'
  const top = f.attacker.asr?.value ?? f.random.asrMax ?? f.probe.asrMax
  return top != null && top >= 0.5 ? 'same for every head' : 'no effect'
}

/**
 * One sentence saying, in numbers, which heads the trigger fools: e.g. "The attacker's head
 * reaches ASR 0.89 [0.88, 0.91] at 97% clean accuracy; projecting out the mean trigger shift
 * drops it to 0.07 at 96% accuracy; random heads range from 0.00 to 0.94: the backdoor is not
 * universal (gap 0.94 [0.91, 0.96])." Runs not finished say where they are.
 */
export function universalitySentence(run: UniversalityRun): string {
  const f = universalityFacts(run)
  const heads = `${f.randomHeads} random heads and ${f.probes} clean probes`
  if (run.status === 'queued') return `Waiting for a free worker: ${heads} to evaluate.`
  if (run.status === 'running' && !f.gap) {
    return `Training the attacker's head and the probes, then evaluating ${heads}…`
  }
  const stopped = stoppedWord[run.status]
  if (!f.gap) {
    return stopped
      ? `${stopped} before the heads were evaluated.`
      : 'The run recorded no heads to compare.'
  }

  const parts: string[] = []
  const { attacker, nullifying } = f
  if (attacker.asr) {
    const at = attacker.accuracy
      ? ` at ${sharePercent(attacker.accuracy.value)} clean accuracy`
      : ''
    const subject = f.backdoored
      ? "The attacker's head"
      : "With a clean encoder, the attacker's head"
    parts.push(`${subject} reaches ASR ${withInterval(attacker.asr)}${at}`)
    if (nullifying.asr) {
      const verb = nullifying.asr.value < attacker.asr.value ? 'drops it to' : 'leaves it at'
      const acc = nullifying.accuracy
        ? ` at ${sharePercent(nullifying.accuracy.value)} accuracy`
        : ''
      parts.push(
        `projecting out the mean trigger shift ${verb} ${fixed(nullifying.asr.value)}${acc}`
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

  const gap = `gap ${withInterval(f.gap)}`
  const verdict = universalityVerdict(run)
  const conclusion =
    verdict === 'not universal'
      ? `the backdoor is not universal (${gap})`
      : verdict === 'same for every head'
        ? `every head evaluated is fooled about equally (${gap})`
        : `the trigger fools none of the heads (${gap})`
  const body =
    parts.length > 0
      ? `${parts.join('; ')}: ${conclusion}`
      : conclusion.charAt(0).toUpperCase() + conclusion.slice(1)
  return stopped ? `${stopped} after the heads were evaluated. ${body}.` : `${body}.`
}

/** The universality gap as the runs list would show it; null until the run has it. */
export function universalityKeyMetric(
  run: Pick<RunDetail, 'config' | 'metrics'>
): { label: string; value: string } | null {
  const gap = measured(run, 'run', 'universalityGap')
  return gap ? { label: 'universality gap', value: fixed(gap.value) } : null
}

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
  const points = findSeries(run, 'witness', 'scores.attacker.clean')?.points ?? []
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
