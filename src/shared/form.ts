/**
 * The New experiment form, as data: each kind lays out its config's fields in sections (its
 * `form.ts`), the schema describes each field (fields.ts), and this module turns what the
 * researcher typed (a draft, keyed by dotted config path) into the config the schema judges.
 * The renderer draws the layout with one generic field component. No Node, no DOM.
 */
import type { z } from 'zod'
import { describeField, type FieldDescription, type FieldMeta } from './fields'
import type { FieldError } from './schema'

/** A value as typed: numbers stay as typed ('' when empty) until the schema judges them. */
export type DraftValue = string | number | boolean | null | (string | number)[]
/** What the researcher typed, by dotted config path (`train.learningRate`). */
export type Draft = Record<string, DraftValue>

/** What the form knows about the chosen data besides the draft. */
export interface FormContext {
  /** The input dimension of a real data set, when known. */
  dataDimension: { d: number; what: string } | null
  /** The number of classes of the chosen data, when known. */
  classCount: { L: number; what: string } | null
}

export interface FormField {
  path: string
  /** Shown (and sent) only when this holds; hidden fields take their defaults. */
  when?: (draft: Draft) => boolean
  /** Words that replace the schema's for this kind's form. */
  label?: string
  symbol?: string
  help?: string | ((draft: Draft) => string)
  placeholder?: string
  /** How a choice is offered: a list box (default), or one check box per value. */
  widget?: 'select' | 'checkboxes'
  /** The values offered, in order, with their words (choices the schema leaves open). */
  options?: readonly { value: string | number | boolean; label: string; symbol?: string }[]
  /** A part the schema cannot describe, drawn by the named component (e.g. 'csv'). */
  custom?: string
  /** Paths the custom part fills, so that they are sent and their errors shown there. */
  fills?: readonly string[]
  wide?: boolean
}

export interface FormSection {
  /** Names the section's data-testid: `section-<id>`. */
  id: string
  title: string
  /** Paragraphs under the title, from the draft. */
  notes?: ((draft: Draft, context: FormContext) => { text: string; testId?: string } | null)[]
  fields: readonly (string | FormField)[]
  /** Three columns instead of two. */
  narrow?: boolean
  /** Collapsed behind this summary unless one of its fields has an error. */
  advanced?: { summary: string; detail: string; testId: string }
  /** A line under the fields that says what they add up to. */
  preview?: { testId: string; text: (draft: Draft, context: FormContext) => string | null }
}

export interface FormLayout {
  lede: string
  namePlaceholder: string
  sections: readonly FormSection[]
  /** Values the draft starts from where they differ from the schema's defaults. */
  initial?: Draft
  /** Kinds whose drafts share this one's common fields when the form switches between them. */
  family: string
  /** Fills in what the form knows that the draft does not say (a real data set's d). */
  complete?: (config: Record<string, unknown>, draft: Draft, context: FormContext) => void
  /** Checks the schema cannot make from the config alone (classes of real data). */
  extraErrors?: (draft: Draft, context: FormContext) => FieldError[]
  /** The largest score matrix the run holds, in floats, for the form's memory bar. */
  cells?: (config: Record<string, unknown>) => number | null
  /** What the form knows of the chosen data: its dimension and its classes. */
  context?: (draft: Draft, csv: CsvFacts | null) => FormContext
  /** What a sweep of this kind charts, when its runs' results are more than numbers. */
  sweepNote?: string
}

/** What the form knows of an imported CSV file without reading it. */
export interface CsvFacts {
  name: string
  columns: string[]
  labelCandidates?: { column: string; values: unknown[] }[]
}

export const noContext: FormContext = { dataDimension: null, classCount: null }

export const fieldOf = (f: string | FormField): FormField =>
  typeof f === 'string' ? { path: f } : f

/** Every field of the layout with its `when`, custom parts expanded into the paths they fill. */
export function layoutFields(layout: FormLayout): FormField[] {
  return layout.sections.flatMap((s) => s.fields.map(fieldOf))
}

/** The paths shown (and sent) for this draft. */
export function visiblePaths(layout: FormLayout, draft: Draft): Set<string> {
  const paths = new Set<string>()
  for (const field of layoutFields(layout)) {
    if (field.when && !field.when(draft)) continue
    paths.add(field.path)
    for (const p of field.fills ?? []) paths.add(p)
  }
  return paths
}

/** A typed value as the schema should see it: '' becomes null (reported as required). */
export function typedNumber(value: DraftValue): number | null {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  if (trimmed === '') return null
  return Number(trimmed)
}

export function isEmpty(value: DraftValue | undefined): boolean {
  return value == null || (typeof value === 'string' && value.trim() === '')
}

/** A config as dotted paths; arrays stay whole. */
export function draftFromConfig(config: unknown, prefix = '', out: Draft = {}): Draft {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return out
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      draftFromConfig(value, path, out)
    } else if (value !== undefined) {
      out[path] = Array.isArray(value) ? [...value] : (value as DraftValue)
    }
  }
  return out
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
}

/**
 * The schema's description of a path for this draft: inside a data-set union, the branch the
 * draft's `dataset.kind` names.
 */
export function describeDraftField(
  schema: z.ZodType,
  path: string,
  draft: Draft
): FieldDescription | undefined {
  return describeField(schema, path, (union, at) => {
    const options = (union as unknown as { options?: z.ZodType[] }).options ?? []
    const chosen = draft[`${at}.kind`]
    return options.find((o) => {
      const shape = (o as unknown as { shape?: Record<string, z.ZodType> }).shape
      const literal = shape?.kind as unknown as { value?: unknown } | undefined
      return literal?.value === chosen
    })
  })
}

/**
 * The config the draft describes, for the schema to judge: the shown fields only (hidden ones
 * take their defaults), numbers as typed, an empty optional field left out.
 */
export function configFromDraft(
  kind: string,
  schema: z.ZodType,
  layout: FormLayout,
  draft: Draft,
  context: FormContext
): Record<string, unknown> {
  const config: Record<string, unknown> = { kind }
  for (const path of visiblePaths(layout, draft)) {
    if (!(path in draft)) continue
    const value = draft[path]
    const field = describeDraftField(schema, path, draft)
    if (field?.optional && isEmpty(value)) continue
    if (field?.type === 'number') setPath(config, path, typedNumber(value))
    else if (typeof value === 'string') {
      const trimmed = value.trim()
      if (trimmed === '' && field?.optional) continue
      setPath(config, path, trimmed)
    } else setPath(config, path, value)
  }
  layout.complete?.(config, draft, context)
  return config
}

/** Every branch default of the unions in `schema` (data sets), so switching keeps each choice. */
function branchDefaults(schema: z.ZodType): Draft {
  const draft: Draft = {}
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {}
  for (const [key, field] of Object.entries(shape)) {
    let inner = field as unknown as { _zod: { def: { type: string; innerType?: unknown } } }
    while (inner._zod.def.type === 'default' || inner._zod.def.type === 'optional') {
      inner = inner._zod.def.innerType as typeof inner
    }
    const options = (inner as unknown as { options?: z.ZodType[] }).options
    if (inner._zod.def.type !== 'union' || !options) continue
    // Later branches first, so that the default branch's values win where branches share a field.
    for (const option of [...options].reverse()) {
      const kindOf = (option as unknown as { shape?: { kind?: { value: unknown } } }).shape?.kind
      if (!kindOf) continue
      const parsed = (option as z.ZodType).safeParse({ kind: kindOf.value })
      if (parsed.success) Object.assign(draft, draftFromConfig(parsed.data, key))
    }
  }
  return draft
}

/** The draft a kind's form starts from: its schema's defaults, every data set's, the layout's. */
export function initialDraft(schema: z.ZodType, defaults: unknown, layout: FormLayout): Draft {
  return {
    ...branchDefaults(schema),
    ...draftFromConfig(defaults),
    ...layout.initial
  }
}

/** A field's words for this kind's form: the layout's where it has them, else the schema's. */
export function fieldWords(
  field: FormField,
  description: FieldDescription | undefined,
  draft: Draft
): FieldMeta {
  const meta: FieldMeta = { ...(description?.meta ?? { label: field.path }) }
  if (field.label) meta.label = field.label
  if (field.symbol) meta.symbol = field.symbol
  if (field.help) meta.help = typeof field.help === 'function' ? field.help(draft) : field.help
  return meta
}
