/**
 * The New experiment form's draft: what the researcher typed, kept between visits to the view.
 * Numbers stay as typed (a number, or '' when the box is empty) until they are validated.
 */
import { reactive } from 'vue'
import { effectivenessDefaults, type EffectivenessConfig } from '@shared/config'

type Typed = number | string

export interface EffectivenessDraft {
  d: Typed
  m: Typed
  k: Typed
  theta: Typed
  lambdasFrom: Typed
  lambdasTo: Typed
  lambdasSteps: Typed
  n: Typed
  nTest: Typed
  seed: Typed
  target: 1 | -1
  tauRule: 'trainingError' | 'median'
  labels: 'norm' | 'teacher'
  name: string
}

/** Numeric draft keys and the config field each one fills. */
export const numericFields = {
  d: 'd',
  m: 'm',
  k: 'k',
  theta: 'theta',
  lambdasFrom: 'lambdas.from',
  lambdasTo: 'lambdas.to',
  lambdasSteps: 'lambdas.steps',
  n: 'n',
  nTest: 'nTest',
  seed: 'seed'
} as const
export type NumericKey = keyof typeof numericFields

export function draftFromConfig(
  config: Omit<EffectivenessConfig, 'kind'>,
  name = ''
): EffectivenessDraft {
  return {
    d: config.d,
    m: config.m,
    k: config.k,
    theta: config.theta,
    lambdasFrom: config.lambdas.from,
    lambdasTo: config.lambdas.to,
    lambdasSteps: config.lambdas.steps,
    n: config.n,
    nTest: config.nTest,
    seed: config.seed,
    target: config.target,
    tauRule: config.tauRule,
    labels: config.labels,
    name
  }
}

export const draft = reactive<EffectivenessDraft>(draftFromConfig(effectivenessDefaults))

export function resetDraft(): void {
  Object.assign(draft, draftFromConfig(effectivenessDefaults))
}

/** A typed value as the schema should see it: '' becomes null (reported as required). */
export function typedNumber(value: Typed): number | null {
  if (typeof value === 'number') return value
  const trimmed = value.trim()
  if (trimmed === '') return null
  return Number(trimmed)
}

export function isEmpty(value: Typed): boolean {
  return typeof value === 'string' && value.trim() === ''
}

/** The config the draft describes, for the schema to judge. */
export function configFromDraft(d: EffectivenessDraft): Record<string, unknown> {
  return {
    kind: 'effectiveness',
    d: typedNumber(d.d),
    m: typedNumber(d.m),
    k: typedNumber(d.k),
    theta: typedNumber(d.theta),
    lambdas: {
      from: typedNumber(d.lambdasFrom),
      to: typedNumber(d.lambdasTo),
      steps: typedNumber(d.lambdasSteps)
    },
    n: typedNumber(d.n),
    nTest: typedNumber(d.nTest),
    seed: typedNumber(d.seed),
    target: d.target,
    tauRule: d.tauRule,
    labels: d.labels
  }
}
