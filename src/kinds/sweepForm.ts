/**
 * The Sweep part of the New experiment form, as data: what the researcher typed for the swept
 * fields (a list of values or a range, one or two fields), the seeds per point and the sweep
 * seed, turned into the sweep config the lab checks (parseSweepConfig), with each error the lab
 * names (`sweep.fields.0.values.3`) brought back to the box it was typed in. No Node, no DOM.
 */
import { describeField, fieldName } from '../shared/fields'
import { typedNumber, type DraftValue } from '../shared/form'
import type { DataFacts } from '../shared/datasets'
import { formatMemory } from '../shared/limits'
import { ConfigError, type FieldError } from '../shared/schema'
import { rangeValues, setPath, sweepPoints, type SweptValue } from '../shared/sweep'
import { findKind, type ExperimentConfig } from './registry'
import { childConfigs, parseSweepConfig, sweepableFields, type SweepConfig } from './sweep'
import { pointWords, sweptField } from './sweepWords'

export interface SweptFieldDraft {
  path: string
  mode: 'values' | 'range'
  /** As typed: numbers as the boxes give them ('' when empty); a choice's chosen values. */
  values: DraftValue[]
  range: { from: DraftValue; to: DraftValue; steps: DraftValue; scale: 'linear' | 'log' }
}

export interface SweepDraft {
  fields: SweptFieldDraft[]
  seeds: DraftValue
  seed: DraftValue
}

/** How a swept field is typed: numbers (whole or not), or one of its values. */
export interface SweptFieldType {
  type: 'number' | 'choice'
  whole: boolean
  options: { value: SweptValue; label: string }[]
}

export function sweptFieldType(kindName: string, path: string): SweptFieldType {
  const schema = findKind(kindName)?.schema
  const field = schema ? describeField(schema, path) : undefined
  if (!field || field.type === 'number') {
    return { type: 'number', whole: field?.meta.step === '1', options: [] }
  }
  const words = field.meta.options ?? {}
  const values: SweptValue[] = field.type === 'boolean' ? [true, false] : [...field.values]
  return {
    type: 'choice',
    whole: false,
    options: values.map((value) => ({
      value,
      label:
        typeof value === 'boolean'
          ? value
            ? 'yes'
            : 'no'
          : (words[String(value)] ?? String(value))
    }))
  }
}

/** The value of `path` in a config (dotted). */
function valueAt(config: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, part) =>
        node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined,
      config
    )
}

/** A new swept field starting around the kind's default: half, it, and twice it (or 0, 1, 2). */
export function newSweptField(kindName: string, path: string): SweptFieldDraft {
  const type = sweptFieldType(kindName, path)
  const start = valueAt(findKind(kindName)?.defaults, path)
  let values: DraftValue[]
  if (type.type === 'choice') values = type.options.slice(0, 2).map((o) => o.value as string)
  else {
    const b = typeof start === 'number' && start > 0 ? start : 0
    const round = (v: number) => (type.whole ? Math.max(1, Math.round(v)) : v)
    values = b > 0 ? [...new Set([round(b / 2), b, round(b * 2)])] : [0, 1, 2]
  }
  const first = typeof start === 'number' && start > 0 ? start : 1
  return {
    path,
    mode: 'values',
    values,
    range: { from: first, to: first * 10, steps: 5, scale: 'linear' }
  }
}

/**
 * The sweep a kind's form starts from: θ at three values, 3 seeds; for a kind without a θ of its
 * own (a frontier runs a grid of θ), the hidden width m, else its first field.
 */
export function initialSweepDraft(kindName: string): SweepDraft {
  const paths = sweepableFields(kindName).map((f) => f.path)
  const path = ['theta', 'm'].find((p) => paths.includes(p)) ?? paths[0]
  return { fields: path ? [newSweptField(kindName, path)] : [], seeds: 3, seed: 1 }
}

/**
 * The fields a sweep can vary, under the titles of the form's sections they sit in (so that a
 * grid's "From λ₀" reads under its grid's title); those no section shows come last.
 */
export function sweptFieldGroups(
  kindName: string
): { title: string; fields: { path: string; label: string }[] }[] {
  const fields = sweepableFields(kindName)
  const sections = findKind(kindName)?.form.sections ?? []
  const placed = new Set<string>()
  const groups = sections.map((section) => {
    const paths = new Set(section.fields.map((f) => (typeof f === 'string' ? f : f.path)))
    const inIt = fields.filter((f) => paths.has(f.path) && !placed.has(f.path))
    inIt.forEach((f) => placed.add(f.path))
    return { title: section.title, fields: inIt }
  })
  groups.push({ title: 'Other fields', fields: fields.filter((f) => !placed.has(f.path)) })
  return groups.filter((g) => g.fields.length > 0)
}

/** What a number box holds, for the config: a number, or the text as typed (then refused). */
function typedValue(value: DraftValue): SweptValue | null {
  if (typeof value === 'boolean') return value
  const n = typedNumber(value)
  if (n === null) return null
  return Number.isFinite(n) ? n : String(value)
}

/** A sweep config built from the form, and how to bring the lab's errors back to it. */
export interface SweepFromForm {
  config: Record<string, unknown>
  /** Per swept field, the box each sent value came from (empty boxes are not sent). */
  boxes: number[][]
  /** Per swept field, the whole numbers a range of a whole-number field was rounded to. */
  rounded: (number[] | null)[]
}

function rangeOf(draft: SweptFieldDraft) {
  return {
    from: typedNumber(draft.range.from),
    to: typedNumber(draft.range.to),
    steps: typedNumber(draft.range.steps),
    scale: draft.range.scale
  }
}

/**
 * The sweep config for the base config and the sweep the form describes. A range of a
 * whole-number field whose values are not whole (a log range of widths) is sent as its values
 * rounded (and said so); the base takes each swept field's first value, so that it is valid
 * whenever the sweep is.
 */
export function sweepFromForm(
  kindName: string,
  base: Record<string, unknown>,
  draft: SweepDraft
): SweepFromForm {
  const boxes: number[][] = []
  const rounded: (number[] | null)[] = []
  let config: Record<string, unknown> = { ...base }
  const fields = draft.fields.map((f, i) => {
    const type = sweptFieldType(kindName, f.path)
    boxes[i] = []
    rounded[i] = null
    if (f.mode === 'range' && type.type === 'number') {
      const range = rangeOf(f)
      const complete = range.from != null && range.to != null && range.steps != null
      if (type.whole && complete && Number.isInteger(range.steps) && range.steps! >= 2) {
        const values = rangeValues(range as Parameters<typeof rangeValues>[0])
        if (values.every(Number.isFinite) && values.some((v) => !Number.isInteger(v))) {
          rounded[i] = [...new Set(values.map((v) => Math.round(v)))]
          config = setPath(config, f.path, rounded[i]![0])
          return { path: f.path, values: rounded[i] }
        }
      }
      if (range.from != null) config = setPath(config, f.path, range.from)
      return { path: f.path, range }
    }
    const values: SweptValue[] = []
    f.values.forEach((v, box) => {
      const value = type.type === 'number' ? typedValue(v) : (v as SweptValue)
      if (value === null) return
      values.push(value)
      boxes[i].push(box)
    })
    if (values.length > 0) config = setPath(config, f.path, values[0])
    return { path: f.path, values }
  })
  config.sweep = { fields, seeds: typedNumber(draft.seeds), seed: typedNumber(draft.seed) }
  return { config, boxes, rounded }
}

/**
 * An error of the lab at the form's field: a swept value's index becomes its box's, and an error
 * of the base at a swept path (the base takes the first value) becomes the first value's.
 */
export function formField(field: string, form: SweepFromForm, draft: SweepDraft): string {
  const bare = field.replace(/^config\./, '')
  const ranged = (i: number) =>
    draft.fields[i]?.mode === 'range' &&
    sweptFieldType(String(form.config.kind), draft.fields[i].path).type === 'number'
  const value = /^sweep\.fields\.(\d+)\.values\.(\d+)$/.exec(bare)
  if (value) {
    const [i, j] = [Number(value[1]), Number(value[2])]
    // A range sent as its rounded values: the error is the range's.
    if (ranged(i)) return `sweep.fields.${i}.range`
    return `sweep.fields.${i}.values.${form.boxes[i]?.[j] ?? j}`
  }
  const swept = draft.fields.findIndex((f) => f.path === bare)
  if (swept >= 0) {
    return ranged(swept)
      ? `sweep.fields.${swept}.range`
      : `sweep.fields.${swept}.values.${form.boxes[swept]?.[0] ?? 0}`
  }
  return bare
}

/**
 * Each point's memory against the budget, as the lab checks it before saving: the error names
 * the swept value (or the field) and the point, in the lab's words.
 */
export function sweepMemoryErrors(
  parsed: SweepConfig,
  children: { point: number; config: ExperimentConfig }[],
  facts: DataFacts | null,
  budget: number
): FieldError[] {
  const kind = findKind(parsed.base.kind)
  if (!kind) return []
  const points = sweepPoints(parsed.sweep)
  const errors: FieldError[] = []
  const seen = new Set<number>()
  for (const child of children) {
    if (seen.has(child.point)) continue
    seen.add(child.point)
    const estimate = kind.memory(child.config, facts)
    if (estimate.bytes <= budget) continue
    const values = points[child.point].values
    const field = sweptField(parsed, estimate.field, values) ?? estimate.field
    const described = describeField(kind.schema, estimate.field)
    const named = described ? fieldName(described.meta) : estimate.field
    const message = `at ${pointWords(parsed.base.kind, values)}, a run would hold about ${formatMemory(estimate.bytes)} (mostly ${estimate.what}), over the lab’s ${formatMemory(budget)} per run: lower ${named} (or raise BACKDOOR_LAB_MEMORY_BUDGET)`
    if (!errors.some((e) => e.field === field && e.message === message)) {
      errors.push({ field, message })
    }
  }
  return errors.slice(0, 10)
}

/** What the form knows of a sweep before it is sent: its checked config, or the lab's errors. */
export interface CheckedSweep {
  parsed: SweepConfig | null
  children: { point: number; config: ExperimentConfig }[]
  errors: FieldError[]
}

/** Checks the sweep as the lab will: the config whole, then every point's config. */
export function checkSweep(config: Record<string, unknown>): CheckedSweep {
  try {
    const parsed = parseSweepConfig(config)
    const children = childConfigs({ ...parsed, sweep: { ...parsed.sweep, seeds: 1 } })
    return { parsed, children, errors: [] }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return { parsed: null, children: [], errors: error.errors }
  }
}

/** One config per point (its first seed), for the time estimate. */
export function pointConfigs(checked: CheckedSweep): ExperimentConfig[] {
  return checked.children.map((c) => c.config)
}
