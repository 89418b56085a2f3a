/**
 * Sweeps and seed groups (SCIENCE.md section 12), as pure code: a sweep is a base config of any
 * kind, one or two swept fields (a list, or a linear or log range) and r seeds per point. Each
 * point is an ordinary run; a point's seeds derive from the sweep seed and the point's own values,
 * so adding a point changes no other. Aggregates are the mean and a t-interval over seeds.
 * No Node, no DOM.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import { z } from 'zod'
import { hash128 } from './hash'
import { int, MAX_SEED, real } from './schema'

/** The most runs one sweep may hold (points × seeds). */
export const MAX_SWEEP_RUNS = 500
/** The most seeds per point. */
export const MAX_SWEEP_SEEDS = 100

const sweptValue = z.union([z.number(), z.string(), z.boolean()], {
  error: 'a swept value must be a number, a word or true/false'
})

export const sweepRangeSchema = z
  .object({
    from: real('from', -1e12, 1e12, { label: 'From' }),
    to: real('to', -1e12, 1e12, { label: 'To' }),
    steps: int('steps', 2, MAX_SWEEP_RUNS, { label: 'Steps' }),
    scale: z.enum(['linear', 'log'], { error: "scale must be 'linear' or 'log'" }).default('linear')
  })
  .strict()
  .refine((r) => r.to !== r.from, { error: 'to must differ from from', path: ['to'] })
  .refine((r) => r.scale !== 'log' || (r.from > 0 && r.to > 0), {
    error: 'a log range needs from and to above 0',
    path: ['from']
  })
export type SweepRange = z.infer<typeof sweepRangeSchema>

export const sweepFieldSchema = z
  .object({
    /** The dotted config path swept: `theta`, `train.learningRate`, `train.optimizer`. */
    path: z.string({ error: 'path is required' }).min(1, { error: 'path is required' }),
    values: z.array(sweptValue).min(1, { error: 'values must name at least one value' }).optional(),
    range: sweepRangeSchema.optional()
  })
  .strict()
  .refine((f) => (f.values === undefined) !== (f.range === undefined), {
    error: 'give either values or range',
    path: ['values']
  })
export type SweepField = z.infer<typeof sweepFieldSchema>

export const sweepSchema = z
  .object({
    fields: z
      .array(sweepFieldSchema)
      .min(1, { error: 'a sweep varies one or two fields' })
      .max(2, { error: 'a sweep varies one or two fields' }),
    seeds: int('seeds', 1, MAX_SWEEP_SEEDS, {
      label: 'Seeds per point',
      symbol: 'r',
      help: 'Independent draws (data, key, weights) at each point; the page shows their mean and t-interval.'
    }).default(3),
    /** The seed the point seeds derive from. */
    seed: int('seed', 0, MAX_SEED, { label: 'Sweep seed' }).default(1)
  })
  .strict()
  .refine((s) => s.fields.length < 2 || s.fields[0].path !== s.fields[1].path, {
    error: 'the two swept fields must differ',
    path: ['fields', 1, 'path']
  })
export type Sweep = z.infer<typeof sweepSchema>

/** The values of a range: evenly spaced, or evenly spaced in log, both ends included. */
export function rangeValues(range: SweepRange): number[] {
  const { from, to, steps } = range
  return Array.from({ length: steps }, (_, i) => {
    if (i === 0) return from
    if (i === steps - 1) return to
    const t = i / (steps - 1)
    return range.scale === 'log'
      ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from)))
      : from + t * (to - from)
  })
}

export type SweptValue = number | string | boolean

export function fieldValues(field: SweepField): SweptValue[] {
  return field.values ?? rangeValues(field.range!)
}

/** One point of a sweep: the swept fields' values, by path, in the sweep's field order. */
export interface SweepPoint {
  index: number
  values: Record<string, SweptValue>
}

/** Every point: the first field's values, each with every value of the second (row-major). */
export function sweepPoints(sweep: Pick<Sweep, 'fields'>): SweepPoint[] {
  const [first, second] = sweep.fields
  const firstValues = fieldValues(first)
  const secondValues = second ? fieldValues(second) : [undefined]
  const points: SweepPoint[] = []
  for (const a of firstValues)
    for (const b of secondValues) {
      const values: Record<string, SweptValue> = { [first.path]: a }
      if (second && b !== undefined) values[second.path] = b
      points.push({ index: points.length, values })
    }
  return points
}

/** How many runs a sweep holds. */
export function sweepRunCount(sweep: Pick<Sweep, 'fields' | 'seeds'>): number {
  return sweepPoints(sweep).length * sweep.seeds
}

/** A point's values as one canonical text: its identity, whatever its index. */
export function pointKey(values: Record<string, SweptValue>): string {
  return JSON.stringify(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]])
  )
}

/**
 * The seed of replicate `j` of a point: from the sweep seed and the point's own values through
 * the lab's seed hash, so adding or removing a point changes no other point's seeds.
 */
export function pointSeed(
  sweepSeed: number,
  values: Record<string, SweptValue>,
  j: number
): number {
  const h = hash128(`sweep/${sweepSeed}/point/${pointKey(values)}/seed/${j}`)
  return (h[0] ^ h[1]) >>> 0
}

/** A copy of `config` with `path` (dotted) set to `value`. */
export function setPath<T extends object>(config: T, path: string, value: unknown): T {
  const out = structuredClone(config) as Record<string, unknown>
  const parts = path.split('.')
  let node = out
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || typeof node[part] !== 'object') node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
  return out as T
}

/** One child run of a sweep: its point, its replicate, its seed and its config. */
export interface SweepChild<C> {
  point: number
  replicate: number
  seed: number
  config: C
}

/** Every child run's config: the base with the point's values and the replicate's seed. */
export function sweepChildren<C extends { seed: number }>(base: C, sweep: Sweep): SweepChild<C>[] {
  return sweepPoints(sweep).flatMap((point) =>
    Array.from({ length: sweep.seeds }, (_, j) => {
      let config = base
      for (const [path, value] of Object.entries(point.values))
        config = setPath(config, path, value)
      const seed = pointSeed(sweep.seed, point.values, j)
      return { point: point.index, replicate: j, seed, config: { ...config, seed } }
    })
  )
}

/** The mean of a metric over the seeds of a point, with its spread and 95% t-interval. */
export interface Aggregate {
  mean: number | null
  sd: number | null
  /** Seeds with a value (a rate undefined in some seeds is left out there). */
  n: number
  /** Seeds in all, with a value or not. */
  of: number
  lower: number | null
  upper: number | null
}

/** t_{0.975, n-1}: the 95% two-sided quantile of Student's t with n - 1 degrees of freedom. */
export function t975(n: number): number {
  return tQuantile(0.975, n - 1)
}

/**
 * Mean, sd and the t-interval `mean ± t_{0.975, n-1} · sd / √n` of the finite values (SCIENCE.md
 * section 5); with one value there is a mean but no interval.
 */
export function aggregate(values: readonly (number | null | undefined)[]): Aggregate {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  const n = finite.length
  if (n === 0) return { mean: null, sd: null, n, of: values.length, lower: null, upper: null }
  const mean = finite.reduce((a, b) => a + b, 0) / n
  if (n === 1) return { mean, sd: null, n, of: values.length, lower: null, upper: null }
  const sd = Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1))
  const half = (t975(n) * sd) / Math.sqrt(n)
  return { mean, sd, n, of: values.length, lower: mean - half, upper: mean + half }
}
