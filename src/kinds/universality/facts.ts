/**
 * The numbers of a universality run by what they mean (SCIENCE.md sections 5 and 7): every head
 * family on the run's encoder and on its clean-encoder twin, the encoder's contribution, the
 * accuracy-matched gap, the chance flag and the witness. Each is undefined until the run has
 * measured it, and for runs made before the lab measured it.
 */
import { measured } from '../../shared/format'
import { type RunDetail } from '../../shared/results'

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

/** The head optimisers as the UI names them. */
export const OPTIMIZER_WORDS = { adam: 'Adam', gd: 'gradient descent' } as const

/** The heads of one encoder: one estimate per single head, a spread per family of many. */
function encoderHeads(run: Pick<RunDetail, 'metrics'>, prefix: '' | 'cleanEncoder.') {
  const head = (model: string) => ({
    accuracy: measured(run, `${prefix}${model}`, 'cleanAccuracy'),
    asr: measured(run, `${prefix}${model}`, 'attackSuccessRate')
  })
  const count = (model: string) => measured(run, `${prefix}${model}`, 'matchedHeads')?.value
  return {
    attacker: head('attacker'),
    nullifying: head('nullifying'),
    probe: familySpread(run, `${prefix}probe`),
    random: familySpread(run, `${prefix}random`),
    /** max - min ASR over the accuracy-matched heads, and how many there are, by family. */
    matched: {
      gap: measured(run, `${prefix}run`, 'matchedGap'),
      heads: count('run'),
      attacker: count('attacker'),
      probe: count('probe'),
      random: count('random'),
      nullifying: count('nullifying')
    }
  }
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
  const own = encoderHeads(run, '')
  const majorityRate = value('majorityRate')
  const attackerAccuracy = own.attacker.accuracy
  return {
    target: config?.target,
    backdoored: config?.backdoored ?? true,
    probes: config?.probes ?? 0,
    randomHeads: config?.randomHeads ?? 0,
    /** Runs made before the choice existed were trained by Adam. */
    optimizer: config?.head.optimizer ?? 'adam',
    /** Undefined for runs made before the accuracy-matched gap. */
    margin: config?.accuracyMargin,
    ...own,
    /** The same heads on the clean encoder built from the same draws (theta = 0). */
    cleanEncoder: encoderHeads(run, 'cleanEncoder.'),
    /** The attacker head's ASR on this encoder minus on the clean one (Newcombe interval). */
    contribution: measured(run, 'run', 'encoderContribution'),
    majorityRate,
    /**
     * The chance flag (SCIENCE.md section 5): the attacker head's clean accuracy is not above the
     * majority-class rate by more than its interval, so the classifier learned nothing.
     */
    atChance:
      attackerAccuracy && majorityRate != null
        ? (attackerAccuracy.lower ?? attackerAccuracy.value) <= majorityRate
        : undefined,
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
    /** max - min ASR over every head, random heads at chance included. */
    gap: measured(run, 'run', 'universalityGap'),
    L: value('L'),
    d: value('d'),
    n: value('n'),
    nTest: value('nTest'),
    nullifyingResidual: value('nullifyingResidual'),
    triggerShiftNorm: value('triggerShiftNorm')
  }
}
export type UniversalityFacts = ReturnType<typeof universalityFacts>

/**
 * Whether the run measured what the verdict needs: the clean-encoder twin, the accuracy-matched
 * gap and the majority-class rate, which the lab reports together. False for runs made before it
 * measured them (and before a run has its numbers).
 */
export function hasTwinNumbers(f: UniversalityFacts): boolean {
  return f.majorityRate != null
}
