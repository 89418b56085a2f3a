/**
 * A universality run in words and headline numbers (SCIENCE.md section 7): the heads the defender
 * can pick, each with its clean accuracy and ASR for the target, the gap between the most and the
 * least fooled head, the run's key number, caption phrase and config rows.
 */
import { metricOf } from './outputs'
import { captionNumber, captionPercent, networkPart, sizesPart } from '../../shared/captions'
import {
  count,
  measuredSize,
  type ConfigRow,
  type ConfigRowsContext
} from '../../shared/configRows'
import { describeDataset } from '../../shared/datasets'
import {
  fixed,
  known,
  measured,
  sharePercent,
  sig,
  stoppedWord,
  withInterval
} from '../../shared/format'
import { type KeyMetric, type RunDetail } from '../../shared/results'
import type { RunOf } from '../types'
import type { UniversalityConfig } from './config'

type UniversalityRun = Pick<RunDetail, 'status' | 'config' | 'metrics'>

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

/** The runs table's number: the universality gap, with its interval. */
export function universalityKeyEstimate(run: Pick<RunDetail, 'metrics'>): KeyMetric | null {
  const m = metricOf(run, 'run', 'universalityGap')
  if (!known(m)) return null
  const isNumber = (v: number | null | undefined): v is number =>
    typeof v === 'number' && Number.isFinite(v)
  return {
    label: 'universality gap',
    value: m.value,
    ...(isNumber(m.lower) && isNumber(m.upper) ? { lower: m.lower, upper: m.upper } : {})
  }
}

export function describeUniversalityData(config: UniversalityConfig): string {
  return describeDataset(config.dataset, config.d)
}

/** "a random-ReLU encoder with softmax heads (d=50, …; seed 1; λ=4, target class 0)" */
export function describeUniversalityConfig(config: UniversalityConfig): string {
  const data = config.dataset
  const mixture = data.kind === 'mixture'
  const dataPart = mixture
    ? `Gaussian mixture of L=${data.L} classes (spread ${captionNumber(data.spread)}), ${sizesPart(config)}`
    : `${describeUniversalityData(config)}, ${captionPercent(config.testFraction)} held out`
  const network = networkPart(config, { ownD: mixture, clean: !config.backdoored })
  return `a random-ReLU encoder with softmax heads (${network}; ${dataPart}; seed ${config.seed}; λ=${captionNumber(config.lambda)}, target class ${config.target})`
}

/** The L-class data set of a universality run in a few words; `csvName` is the imported file's. */
export function classDatasetDescription(
  dataset: UniversalityConfig['dataset'],
  csvName?: string
): string {
  switch (dataset.kind) {
    case 'mixture':
      return `Gaussian mixture, L = ${dataset.L}, σ_μ = ${sig(dataset.spread)}`
    case 'iris':
      return 'Iris, 3 species'
    case 'mnist':
      return `MNIST, digits ${dataset.digits.join(', ')}`
    case 'csv':
      return `${csvName ?? 'CSV'} (#${dataset.datasetId}), label ‘${dataset.labelColumn}’`
  }
}

export function universalityConfigRows(
  run: Pick<RunOf<UniversalityConfig>, 'config' | 'metrics'>,
  { csvName }: ConfigRowsContext
): ConfigRow[] {
  const c = run.config
  const real = c.dataset.kind !== 'mixture'
  const measured = measuredSize(run, 'run', real)
  const h = c.head
  return [
    {
      key: 'dataset',
      label: 'data',
      title: 'data set',
      value: classDatasetDescription(c.dataset, csvName)
    },
    { key: 'd', label: 'd', title: 'input dimension', value: measured('d', c.d) },
    { key: 'n', label: 'n', title: 'training samples', value: measured('n', c.n) },
    { key: 'nTest', label: 'n_test', title: 'held-out samples', value: measured('nTest', c.nTest) },
    ...(real
      ? [
          {
            key: 'testFraction',
            label: 'test',
            title: 'held-out share',
            value: sig(c.testFraction)
          }
        ]
      : []),
    { key: 'm', label: 'm', title: 'hidden width', value: count(c.m) },
    { key: 'k', label: 'k', title: 'secret sparsity', value: String(c.k) },
    {
      key: 'backdoored',
      label: 'G',
      title: 'encoder',
      value: c.backdoored ? `sPCA-backdoored, θ = ${sig(c.theta)}` : 'clean (θ ignored)'
    },
    { key: 'lambda', label: 'λ', title: 'trigger scale', value: sig(c.lambda) },
    { key: 'target', label: 'target', title: 'target class', value: String(c.target) },
    {
      key: 'poisonFraction',
      label: 'p',
      title: 'poison fraction (attacker head)',
      value: sig(c.poisonFraction)
    },
    {
      key: 'probes',
      label: 'r',
      title: 'clean probes, each on a share of the training set',
      value: `${c.probes} × ${sig(c.probeFraction)}`
    },
    { key: 'randomHeads', label: '#W', title: 'random heads', value: count(c.randomHeads) },
    {
      key: 'witness',
      label: 'x, y′',
      title: 'witness input and target',
      value: `${c.witnessIndex == null ? 'automatic' : `#${c.witnessIndex}`} → ${c.witnessTarget ?? c.target}${c.witnessTarget == null ? ' (target)' : ''}`
    },
    {
      key: 'head',
      label: 'heads',
      title: 'head training (Adam)',
      value: `${h.epochs} epochs, η = ${sig(h.learningRate)}, ℓ₂ = ${sig(h.l2)}`
    },
    { key: 'seed', label: 'seed', title: 'seed', value: String(c.seed) },
    ...(c.twinOf != null
      ? [{ key: 'twinOf', label: 'twin', title: 'L = 2 twin of', value: `run #${c.twinOf}` }]
      : [])
  ]
}
