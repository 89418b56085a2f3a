/**
 * Universality runs (SCIENCE.md section 7) as the run page handles them: the classes' names, the
 * L = 2 twin of a run, and a run of the same config with another witness input. Pure functions of
 * a run's config; the lab computes everything they start.
 */
import { IRIS_CLASS_NAMES } from '../../shared/datasets'
import type { UniversalityConfig } from './config'

/** Number of classes L the config asks for; null for a CSV file (its label values decide). */
export function configuredClasses(config: Pick<UniversalityConfig, 'dataset'>): number | null {
  switch (config.dataset.kind) {
    case 'mixture':
      return config.dataset.L
    case 'iris':
      return 3
    case 'mnist':
      return config.dataset.digits.length
    case 'csv':
      return null
  }
}

/** What class c stands for: "setosa", "digit 3"; null when the class is just its number. */
export function className(config: Pick<UniversalityConfig, 'dataset'>, c: number): string | null {
  switch (config.dataset.kind) {
    case 'iris':
      return IRIS_CLASS_NAMES[c] ?? null
    case 'mnist': {
      const digit = config.dataset.digits[c]
      return digit == null ? null : `digit ${digit}`
    }
    default:
      return null
  }
}

/** "0 (setosa)", or "2" when the class has no other name. */
export function classLabel(config: Pick<UniversalityConfig, 'dataset'>, c: number): string {
  const name = className(config, c)
  return name ? `${c} (${name})` : String(c)
}

export type TwinPlan =
  { ok: true; config: UniversalityConfig; name: string } | { ok: false; reason: string }

/** The suffix of a twin's name. */
export const TWIN_SUFFIX = ' (L = 2 twin)'

/**
 * The same experiment with two classes, to set next to this one: the mixture with L = 2, MNIST
 * with the first two chosen digits; targets above 1 become class 1. Iris (three species) and CSV
 * files (classes are their label values) have no such twin; neither has a run that is already
 * L = 2 or is itself a twin.
 */
export function l2Twin(run: { id: number; name: string; config: UniversalityConfig }): TwinPlan {
  const c = run.config
  if (c.twinOf != null) {
    return { ok: false, reason: `This run is itself the L = 2 twin of run #${c.twinOf}.` }
  }
  const clamp = (v: number) => Math.min(v, 1)
  const common = {
    ...c,
    target: clamp(c.target),
    ...(c.witnessTarget == null ? {} : { witnessTarget: clamp(c.witnessTarget) }),
    twinOf: run.id
  }
  const name = withSuffix(run.name, TWIN_SUFFIX)
  switch (c.dataset.kind) {
    case 'mixture':
      if (c.dataset.L <= 2) return { ok: false, reason: 'This run already has L = 2 classes.' }
      return { ok: true, name, config: { ...common, dataset: { ...c.dataset, L: 2 } } }
    case 'mnist':
      if (c.dataset.digits.length <= 2) {
        return { ok: false, reason: 'This run already has L = 2 classes (two digits).' }
      }
      return {
        ok: true,
        name,
        config: { ...common, dataset: { ...c.dataset, digits: c.dataset.digits.slice(0, 2) } }
      }
    case 'iris':
      return {
        ok: false,
        reason:
          'Iris has exactly three species; a two-class twin would have to drop one, which changes the data rather than L alone.'
      }
    case 'csv':
      return {
        ok: false,
        reason:
          'A CSV file’s classes are the values of its label column; the lab cannot choose two of them for a twin.'
      }
  }
}

/** The startRun limit on names. */
const MAX_NAME = 200

/** `base + suffix`, the base shortened so the whole stays within the name limit. */
function withSuffix(base: string, suffix: string): string {
  const room = MAX_NAME - suffix.length
  return (base.length > room ? `${base.slice(0, room - 1)}…` : base) + suffix
}

const witnessSuffix = / \(witness #\d+ → \d+\)$/

/**
 * The same config with another witness input and target y', named after the run; it is not a
 * twin of anything, even when this run is.
 */
export function witnessRerun(
  run: { name: string; config: UniversalityConfig },
  witnessIndex: number,
  witnessTarget: number
): { config: UniversalityConfig; name: string } {
  const { twinOf: _twinOf, ...config } = run.config
  const base = run.name.replace(witnessSuffix, '')
  return {
    config: { ...config, witnessIndex, witnessTarget },
    name: withSuffix(base, ` (witness #${witnessIndex} → ${witnessTarget})`)
  }
}
