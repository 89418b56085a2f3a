/**
 * A sweep in words, for names and messages: a point as "θ = 2, m = 100" (each field by its
 * symbol), a sweep's default name, and the field of a sweep config an error on a swept value
 * belongs to. No Node, no DOM.
 */
import { describeField } from '../shared/fields'
import type { SweptValue } from '../shared/sweep'
import { findKind, shortTitle } from './registry'
import type { SweepConfig } from './sweep'

/** `sweep.fields.0.values.2` for an error on a swept field at that value, else null. */
export function sweptField(
  parsed: SweepConfig,
  field: string,
  values: Record<string, SweptValue>
): string | null {
  const i = parsed.sweep.fields.findIndex((f) => f.path === field)
  if (i < 0) return null
  const f = parsed.sweep.fields[i]
  if (!f.values) return `sweep.fields.${i}.range`
  return `sweep.fields.${i}.values.${f.values.indexOf(values[field])}`
}

/** A field's symbol (θ, m, λ₁), or its path when it has none. */
export function symbolOf(kind: string, path: string): string {
  const schema = findKind(kind)?.schema
  return (schema && describeField(schema, path)?.meta.symbol) || path
}

function valueWords(value: SweptValue): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value)
}

/** A point in words: "θ = 2, m = 100". */
export function pointWords(kind: string, values: Record<string, SweptValue>): string {
  return Object.entries(values)
    .map(([path, value]) => `${symbolOf(kind, path)} = ${valueWords(value)}`)
    .join(', ')
}

/** "Sweep of θ × m, 4 seeds: Backdoor effectiveness, synthetic, d=100". */
export function defaultSweepName(parsed: SweepConfig): string {
  const kind = findKind(parsed.base.kind)!
  const fields = parsed.sweep.fields.map((f) => symbolOf(kind.name, f.path)).join(' × ')
  const seeds = `${parsed.sweep.seeds} ${parsed.sweep.seeds === 1 ? 'seed' : 'seeds'}`
  return `Sweep of ${fields}, ${seeds}: ${shortTitle(kind)}, ${kind.describeData(parsed.base)}`.slice(
    0,
    200
  )
}
