/**
 * How long a sweep will take, estimated from what the lab knows: the durations of finished runs
 * of the same kind in its history. A point of the sweep is timed by the runs of exactly its
 * configuration when there are some, else by the runs nearest to it (fewest fields differing),
 * each scaled by the ratio of the two configs' sizes (the peak memory the lab estimates, a proxy
 * for the work of their largest matrices). The sum over runs is divided by the runs computed at
 * once (but is never less than the longest run). The estimate says what it rests on, and says so when it has nothing to rest on. Pure; no
 * Node, no DOM.
 */
import { flattenConfig } from './history'
import { seedGroupKey } from './seedGroups'

/** A finished run of the history: its config and how long it computed (start to finish). */
export interface TimedRun {
  config: unknown
  seconds: number
}

export interface SweepTimeEstimate {
  /** Wall time in seconds; null when nothing in the history can time the sweep. */
  seconds: number | null
  /** Finished runs of the history it rests on. */
  fromRuns: number
  /** Points timed by runs of exactly their configuration. */
  exactPoints: number
  /** Points timed by scaling the nearest runs, and the fields in which those differ. */
  scaledPoints: number
  differing: string[]
  /** Runs computed at once. */
  parallel: number
}

/** The fields (dotted) in which two flattened configs differ, the seed left out. */
function differences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  keys.delete('seed')
  return [...keys].filter((k) => a[k] !== b[k])
}

/**
 * The time of a sweep whose points have these configs (one per point, any seed) and `seeds`
 * runs each, from the timed runs of the history; `size` is a config's size (null when unknown:
 * then the nearest runs' times are used unscaled).
 */
export function estimateSweepTime(
  points: readonly unknown[],
  seeds: number,
  history: readonly TimedRun[],
  options: { parallel: number; size: (config: unknown) => number | null }
): SweepTimeEstimate {
  const runs = points.length * seeds
  const parallel = Math.max(1, Math.min(options.parallel, runs))
  const timed = history.filter((h) => Number.isFinite(h.seconds) && h.seconds >= 0)
  const empty = { fromRuns: 0, exactPoints: 0, scaledPoints: 0, differing: [], parallel }
  if (timed.length === 0 || points.length === 0) return { seconds: null, ...empty }
  const known = timed.map((h) => ({
    ...h,
    key: seedGroupKey(h.config),
    flat: flattenConfig(h.config),
    size: options.size(h.config)
  }))
  const used = new Set<number>()
  const differing = new Set<string>()
  let exactPoints = 0
  let total = 0
  let longest = 0
  for (const config of points) {
    const key = seedGroupKey(config)
    const same = known.flatMap((h, i) => (h.key === key ? [i] : []))
    if (same.length > 0) {
      exactPoints++
      same.forEach((i) => used.add(i))
      const each = same.reduce((s, i) => s + known[i].seconds, 0) / same.length
      total += seeds * each
      longest = Math.max(longest, each)
      continue
    }
    const flat = flattenConfig(config)
    const distances = known.map((h) => differences(flat, h.flat))
    const fewest = Math.min(...distances.map((d) => d.length))
    const nearest = known.flatMap((h, i) => (distances[i].length === fewest ? [i] : []))
    const size = options.size(config)
    let sum = 0
    for (const i of nearest) {
      used.add(i)
      distances[i].forEach((f) => differing.add(f))
      const h = known[i]
      const scale = size != null && h.size != null && h.size > 0 ? size / h.size : 1
      sum += h.seconds * scale
    }
    total += (seeds * sum) / nearest.length
    longest = Math.max(longest, sum / nearest.length)
  }
  return {
    seconds: Math.max(total / parallel, longest),
    fromRuns: used.size,
    exactPoints,
    scaledPoints: points.length - exactPoints,
    differing: [...differing].sort(),
    parallel
  }
}

/** "about 3 min 20 s", "about 40 s": the estimate as the form shows it. */
export function roughDuration(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `about ${minutes} min`
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** What the estimate rests on, in words (the form shows it beside the time). */
export function estimateBasis(
  e: SweepTimeEstimate,
  words: { noun: string; field: (path: string) => string }
): string {
  if (e.seconds == null) {
    return `No estimate: no finished ${words.noun} run in the history to time it by.`
  }
  const parts: string[] = []
  if (e.exactPoints > 0) {
    parts.push(
      `${e.exactPoints} ${e.exactPoints === 1 ? 'point' : 'points'} timed by runs of the same configuration`
    )
  }
  if (e.scaledPoints > 0) {
    const fields = e.differing.map(words.field)
    parts.push(
      `${e.scaledPoints} ${e.scaledPoints === 1 ? 'point' : 'points'} scaled by peak memory from the nearest runs${fields.length ? ` (they differ in ${fields.join(', ')})` : ''}`
    )
  }
  const runs = `${e.fromRuns} finished ${words.noun} ${e.fromRuns === 1 ? 'run' : 'runs'}`
  return `From ${runs} in the history: ${parts.join('; ')}; ${e.parallel} ${e.parallel === 1 ? 'run' : 'runs'} at a time.`
}
