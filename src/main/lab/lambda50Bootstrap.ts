/**
 * The 95% interval of λ50 and of the λ50 ratio within one run (SCIENCE.md section 5): a
 * percentile bootstrap over the held-out inputs, B = 1000 resamples from a stream of its own.
 *
 * A resample draws nTest held-out inputs with replacement. The clean and the backdoored network
 * are measured on the same inputs, so one resample serves both (common random numbers): the
 * ratio's interval keeps their pairing. In each resample the attack candidates are the drawn
 * inputs not already in the target class, ASR(λ) is the share of them flipped at λ, and λ50 is
 * read from that curve exactly as the run reads it (`lambda50`). The interval covers the draw
 * of the held-out inputs of this one pair of networks, not the key, the weights or the data.
 *
 * Where λ50 is not reached on the grid in a resample, it is only known to lie beyond the grid's
 * largest λ; the ratio is then only known to lie in a range (or not at all). Each resample's
 * statistic is kept as the range [lo, hi] it is known to lie in (one number when defined), the
 * lower bound is the 2.5% order statistic of the lo ends, the upper the 97.5% one of the hi
 * ends, and a bound that falls on an undefined resample is left open (null) instead of invented.
 * With no undefined resample this is the plain percentile interval. The share of resamples
 * where the statistic is undefined is reported beside it.
 */
import type { Rng } from './rng'
import { lambda50 } from './stats'

/** SCIENCE.md section 5: B = 1000 resamples. */
export const BOOTSTRAP_RESAMPLES = 1000

/** One network's attack outcomes on the held-out inputs. */
export interface AttackOutcomes {
  /** 1 where the input is an attack candidate: not in the target class at λ = 0. */
  candidate: Uint8Array
  /**
   * Whether input i is put in the target class at the grid's j-th λ. Read once per input and λ;
   * a function, so that no input × λ table is held beside the run's score grid.
   */
  inTarget: (j: number, i: number) => boolean
}

/** A statistic with its bootstrap interval; a null bound is open. */
export interface BootstrapEstimate {
  /** On the held-out inputs as drawn; null when undefined (λ50 not reached on the grid). */
  value: number | null
  lower: number | null
  upper: number | null
  /** Share of the resamples in which the statistic is undefined. */
  undefinedShare: number
}

export interface Lambda50Intervals {
  clean: BootstrapEstimate
  backdoored: BootstrapEstimate
  /** λ50 clean ÷ λ50 backdoored. */
  ratio: BootstrapEstimate
  resamples: number
}

/**
 * The candidates of one network grouped by their pattern over the grid (which λ flip them):
 * a resample then costs one pass over its draws and one over the patterns, not over inputs × λ.
 * The patterns are few: the score f(x + λs) is convex in λ (a mean of ReLUs of lines), so the λ
 * that put an input in the target class form one interval of the grid.
 */
interface Patterns {
  /** Pattern of each input, -1 for an input that is not a candidate. */
  of: Int32Array
  /** count x grid flags, row-major. */
  flags: Uint8Array
  count: number
}

function patterns(outcomes: AttackOutcomes, n: number, grid: number): Patterns {
  const of = new Int32Array(n).fill(-1)
  const index = new Map<string, number>()
  const rows: Uint8Array[] = []
  const row = new Uint8Array(grid)
  for (let i = 0; i < n; i++) {
    if (!outcomes.candidate[i]) continue
    for (let j = 0; j < grid; j++) row[j] = outcomes.inTarget(j, i) ? 1 : 0
    const key = row.join('')
    let p = index.get(key)
    if (p === undefined) {
      p = rows.length
      index.set(key, p)
      rows.push(row.slice())
    }
    of[i] = p
  }
  const flags = new Uint8Array(rows.length * grid)
  rows.forEach((r, p) => flags.set(r, p * grid))
  return { of, flags, count: rows.length }
}

/** λ50 of the inputs drawn `counts[p]` times per pattern; NaN when the draw has no candidate. */
function lambda50OfCounts(
  lambdas: readonly number[],
  { flags, count }: Patterns,
  counts: Int32Array
): number | null {
  const grid = lambdas.length
  let candidates = 0
  const flipped = new Float64Array(grid)
  for (let p = 0; p < count; p++) {
    const c = counts[p]
    if (c === 0) continue
    candidates += c
    for (let j = 0; j < grid; j++) if (flags[p * grid + j]) flipped[j] += c
  }
  if (candidates === 0) return NaN
  return lambda50(
    lambdas,
    Array.from(flipped, (f) => f / candidates)
  )
}

/** What is known of one resample's statistic: the range it lies in, and whether it is defined. */
export interface KnownRange {
  lo: number
  hi: number
  defined: boolean
}

/** λ50: a number; beyond the grid when not reached; anything when there was no candidate. */
function knownLambda50(v: number | null): KnownRange {
  if (v === null) return { lo: Infinity, hi: Infinity, defined: false }
  if (Number.isNaN(v)) return { lo: -Infinity, hi: Infinity, defined: false }
  return { lo: v, hi: v, defined: true }
}

/** clean ÷ backdoored from what is known of each (λ50 beyond the grid lies above `top`). */
function knownRatio(clean: KnownRange, backdoored: KnownRange, top: number): KnownRange {
  if (clean.defined && backdoored.defined && backdoored.lo > 0) {
    const r = clean.lo / backdoored.lo
    return { lo: r, hi: r, defined: true }
  }
  const beyond = (k: KnownRange) => !k.defined && k.lo === Infinity
  if (beyond(clean) && backdoored.defined && backdoored.lo > 0)
    return { lo: top / backdoored.lo, hi: Infinity, defined: false }
  if (clean.defined && beyond(backdoored)) return { lo: 0, hi: clean.lo / top, defined: false }
  return { lo: 0, hi: Infinity, defined: false }
}

/**
 * The 95% percentile interval of resampled statistics known as ranges: the 2.5% order statistic
 * of the lo ends and the 97.5% one of the hi ends (the k-th from each side, k = ceil(0.025 B)),
 * each left open when it falls on an undefined resample.
 */
export function percentileInterval(
  known: readonly KnownRange[],
  alpha = 0.05
): { lower: number | null; upper: number | null; undefinedShare: number } {
  const B = known.length
  if (B === 0) throw new Error("'known' must hold at least one resample")
  const k = Math.max(1, Math.ceil((B * alpha) / 2))
  // Ties (and infinite ends, whose difference is NaN): defined values first, so the order is fixed.
  const definedFirst = (a: KnownRange, b: KnownRange) => Number(b.defined) - Number(a.defined)
  const byLo = [...known].sort((a, b) => a.lo - b.lo || definedFirst(a, b))
  const byHi = [...known].sort((a, b) => a.hi - b.hi || definedFirst(a, b))
  const low = byLo[k - 1]
  const high = byHi[B - k]
  return {
    lower: low.defined ? low.lo : null,
    upper: high.defined ? high.hi : null,
    undefinedShare: known.filter((x) => !x.defined).length / B
  }
}

function checkOutcomes(name: string, o: AttackOutcomes, n: number): void {
  if (o.candidate.length !== n) {
    throw new Error(
      `'${name}.candidate' must have nTest = ${n} entries (got ${o.candidate.length})`
    )
  }
}

/**
 * λ50 of the clean and the backdoored network and their ratio, each with its 95% percentile
 * bootstrap interval over the held-out inputs, resampled jointly for both networks.
 */
export function lambda50Bootstrap(
  lambdas: readonly number[],
  outcomes: { clean: AttackOutcomes; backdoored: AttackOutcomes },
  rng: Pick<Rng, 'int'>,
  resamples = BOOTSTRAP_RESAMPLES
): Lambda50Intervals {
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new Error(`'resamples' must be a positive integer (got ${resamples})`)
  }
  const grid = lambdas.length
  if (grid < 1) throw new Error("'lambdas' must hold at least one λ")
  const n = outcomes.clean.candidate.length
  if (n < 1) throw new Error("'outcomes' must cover at least one held-out input")
  checkOutcomes('clean', outcomes.clean, n)
  checkOutcomes('backdoored', outcomes.backdoored, n)
  const top = lambdas[grid - 1]
  const clean = patterns(outcomes.clean, n, grid)
  const backdoored = patterns(outcomes.backdoored, n, grid)

  const identity = {
    clean: new Int32Array(clean.count),
    backdoored: new Int32Array(backdoored.count)
  }
  for (let i = 0; i < n; i++) {
    if (clean.of[i] >= 0) identity.clean[clean.of[i]]++
    if (backdoored.of[i] >= 0) identity.backdoored[backdoored.of[i]]++
  }
  const point = {
    clean: lambda50OfCounts(lambdas, clean, identity.clean),
    backdoored: lambda50OfCounts(lambdas, backdoored, identity.backdoored)
  }

  const known = {
    clean: [] as KnownRange[],
    backdoored: [] as KnownRange[],
    ratio: [] as KnownRange[]
  }
  const countsClean = new Int32Array(clean.count)
  const countsBackdoored = new Int32Array(backdoored.count)
  for (let b = 0; b < resamples; b++) {
    countsClean.fill(0)
    countsBackdoored.fill(0)
    // One draw of the inputs for both networks.
    for (let i = 0; i < n; i++) {
      const drawn = rng.int(n)
      const c = clean.of[drawn]
      if (c >= 0) countsClean[c]++
      const d = backdoored.of[drawn]
      if (d >= 0) countsBackdoored[d]++
    }
    const c = knownLambda50(lambda50OfCounts(lambdas, clean, countsClean))
    const d = knownLambda50(lambda50OfCounts(lambdas, backdoored, countsBackdoored))
    known.clean.push(c)
    known.backdoored.push(d)
    known.ratio.push(knownRatio(c, d, top))
  }

  const valueOf = (v: number | null) => (v === null || Number.isNaN(v) ? null : v)
  const pointClean = knownLambda50(point.clean)
  const pointBackdoored = knownLambda50(point.backdoored)
  const pointRatio = knownRatio(pointClean, pointBackdoored, top)
  return {
    clean: { value: valueOf(point.clean), ...percentileInterval(known.clean) },
    backdoored: { value: valueOf(point.backdoored), ...percentileInterval(known.backdoored) },
    ratio: { value: pointRatio.defined ? pointRatio.lo : null, ...percentileInterval(known.ratio) },
    resamples
  }
}
