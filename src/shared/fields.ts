/**
 * What a config field means to a person: its label, symbol, help line, unit and bounds, kept
 * with the schema itself (a zod registry), so that the form, the config rows, sweeps and error
 * messages all read one description. No Node, no DOM.
 */
import { z } from 'zod'

export interface FieldMeta {
  /** The form's label: "Hidden width". */
  label: string
  /** SCIENCE.md's symbol: "m". */
  symbol?: string
  /** One line on what the field does. */
  help?: string
  unit?: string
  /** `'1'` for whole numbers, `'any'` for decimals. */
  step?: '1' | 'any'
  min?: number
  max?: number
  /** The words for each value of a choice, in the order offered. */
  options?: Readonly<Record<string, string>>
}

export const fieldMeta = z.registry<FieldMeta>()

/** Attaches `meta` to `schema` (merged with what it already has) and returns the schema. */
export function withMeta<T extends z.ZodType>(schema: T, meta: Partial<FieldMeta>): T {
  const known = fieldMeta.get(schema)
  fieldMeta.remove(schema)
  fieldMeta.add(schema, { ...known, ...meta } as FieldMeta)
  return schema
}

/** The kinds of control a field can have, from its schema. */
export type FieldType = 'number' | 'choice' | 'boolean' | 'choices' | 'other'

export interface FieldDescription {
  path: string
  type: FieldType
  meta: FieldMeta
  /** May be left empty (no default is filled in, the field is left out of the config). */
  optional: boolean
  /** The values of a choice (or of each entry of `choices`), in order. */
  values: readonly (string | number)[]
  /** The schema of the field itself, defaults and optionals unwrapped. */
  schema: z.ZodType
}

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[] }
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

/** Unwraps defaults and optionals, noting whether the field may be left out. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; metas: FieldMeta[] } {
  let inner = schema
  let optional = false
  const metas: FieldMeta[] = []
  for (;;) {
    const meta = fieldMeta.get(inner)
    if (meta) metas.push(meta)
    const def = defOf(inner)
    if (def.type === 'optional') optional = true
    if (
      (def.type === 'default' || def.type === 'optional' || def.type === 'nullable') &&
      def.innerType
    ) {
      inner = def.innerType
      continue
    }
    return { inner, optional, metas }
  }
}

function choicesOf(schema: z.ZodType): (string | number)[] | null {
  const def = defOf(schema)
  if (def.type === 'enum') return (schema as z.ZodEnum).options as string[]
  if (def.type === 'literal') return [...(schema as z.ZodLiteral).values] as (string | number)[]
  if (def.type === 'union' && def.options) {
    const all = def.options.map((o) => choicesOf(o))
    return all.every((a) => a !== null) ? (all.flat() as (string | number)[]) : null
  }
  return null
}

/**
 * The field at dotted `path` of an object schema (`train.learningRate`). Inside a discriminated
 * union (a data set) the branch is the one whose discriminator `values` name.
 */
export function describeField(
  schema: z.ZodType,
  path: string,
  pick: (union: z.ZodType, at: string) => z.ZodType | undefined = () => undefined
): FieldDescription | undefined {
  let current: z.ZodType | undefined = schema
  const parts = path.split('.')
  const prefix: string[] = []
  let outer: FieldMeta[] = []
  let optional = false
  for (const part of parts) {
    if (!current) return undefined
    let { inner } = unwrap(current)
    if (defOf(inner).type === 'union') inner = pick(inner, prefix.join('.')) ?? inner
    const shape = (inner as unknown as { shape?: Record<string, z.ZodType> }).shape
    if (!shape || !(part in shape)) return undefined
    current = shape[part]
    prefix.push(part)
  }
  if (!current) return undefined
  const unwrapped = unwrap(current)
  outer = unwrapped.metas
  optional = unwrapped.optional
  const inner = unwrapped.inner
  const meta = Object.assign(
    { label: parts[parts.length - 1] },
    ...[...outer].reverse()
  ) as FieldMeta
  const def = defOf(inner)
  let type: FieldType = 'other'
  let values: (string | number)[] = []
  if (def.type === 'number') type = 'number'
  else if (def.type === 'boolean') type = 'boolean'
  else if (def.type === 'array' && def.element) {
    const each = choicesOf(unwrap(def.element).inner)
    if (each) {
      type = 'choices'
      values = each
    }
  } else {
    const choices = choicesOf(inner)
    if (choices) {
      type = 'choice'
      values = choices
    }
  }
  return { path, type, meta, optional, values, schema: inner }
}

/** The label of a field with its symbol, as a sentence names it: "hidden width m". */
export function fieldName(meta: Pick<FieldMeta, 'label' | 'symbol'>): string {
  const label = meta.label.charAt(0).toLowerCase() + meta.label.slice(1)
  return meta.symbol && meta.symbol !== label ? `${label} ${meta.symbol}` : label
}

/** The edit distance between two names (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    previous = current
  }
  return previous[b.length]
}

/** The known name closest to `name`, when one is close enough to be a typo of it. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))
    ? best
    : undefined
}

/**
 * Every field of `input` that `schema` does not know, each named by its dotted path with the
 * closest known field suggested: "thetaa: unknown field; did you mean theta?". Inside a data-set
 * union the branch is the one the input's `kind` names.
 */
export function unknownFields(
  schema: z.ZodType,
  input: unknown,
  prefix = ''
): { field: string; message: string }[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return []
  let { inner } = unwrap(schema)
  if (defOf(inner).type === 'union') {
    const options = (inner as unknown as { options?: z.ZodType[] }).options ?? []
    const kind = (input as { kind?: unknown }).kind
    const branch = options.find(
      (o) =>
        (o as unknown as { shape?: { kind?: { value?: unknown } } }).shape?.kind?.value === kind
    )
    if (!branch) return []
    inner = branch
  }
  const shape = (inner as unknown as { shape?: Record<string, z.ZodType> }).shape
  if (!shape) return []
  const known = Object.keys(shape)
  const errors: { field: string; message: string }[] = []
  for (const [key, value] of Object.entries(input)) {
    const field = prefix ? `${prefix}.${key}` : key
    if (!(key in shape)) {
      const suggestion = closestName(key, known)
      errors.push({
        field,
        message: `${field}: unknown field; ${
          suggestion
            ? `did you mean ${prefix ? `${prefix}.` : ''}${suggestion}?`
            : `the fields${prefix ? ` of ${prefix}` : ''} are: ${known.join(', ')}`
        }`
      })
    } else errors.push(...unknownFields(shape[key], value, field))
  }
  return errors
}

/**
 * A config field and its value in a table's words, from the schema of its kind: "Learning rate
 * η" and "SGD + momentum" for `train.optimizer = momentum`. Unknown fields keep their key.
 */
export function configWords(
  schema: z.ZodType,
  path: string,
  value: unknown
): { label: string; value: string } {
  const field = describeField(schema, path, (union, at) => {
    void at
    return (union as unknown as { options?: z.ZodType[] }).options?.find(
      (o) =>
        (o as unknown as { shape?: Record<string, unknown> }).shape &&
        path.split('.').pop()! in ((o as unknown as { shape: Record<string, unknown> }).shape ?? {})
    )
  })
  const text = value === undefined ? '—' : value === null ? '—' : String(value)
  if (path === 'kind') return { label: 'Experiment', value: text }
  if (path.endsWith('.kind')) {
    const parent = describeField(schema, path.slice(0, -'.kind'.length))
    if (parent?.meta.label && parent.meta.label !== path.split('.').slice(-2)[0])
      return { label: parent.meta.label, value: text }
  }
  if (!field) return { label: path, value: text }
  const { label, symbol, options } = field.meta
  const shown = symbol && isMathSymbol(symbol) ? `${label} ${symbol}` : label
  return { label: shown, value: options?.[text] ?? text }
}

/** Whether a symbol reads as mathematics beside a label (m, θ, λ₁), not as another word. */
export function isMathSymbol(symbol: string): boolean {
  return symbol.length <= 3 && !/^#/.test(symbol) && !/^[a-z]{3,}$/i.test(symbol)
}
