/**
 * Statistics of SCIENCE.md section 5: Wilson intervals, the interval of a difference of two
 * rates, threshold fitting for tau, lambda50. Plain numbers; no tensors.
 */

export const Z95 = 1.959963984540054

export interface Interval {
  value: number
  lower: number
  upper: number
}

/** Wilson score interval for `successes` out of `trials` (95% by default). */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (!Number.isInteger(trials) || trials < 0) {
    throw new Error(`'trials' must be a non-negative integer (got ${trials})`)
  }
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new Error(
      `'successes' must be an integer in [0, trials] (got ${successes}, trials=${trials})`
    )
  }
  if (trials === 0) return { value: NaN, lower: 0, upper: 1 }
  const p = successes / trials
  const z2 = z * z
  const denominator = 1 + z2 / trials
  const centre = (p + z2 / (2 * trials)) / denominator
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))
  // At the edges centre - half and centre + half are 0 and 1 exactly in closed form; computed,
  // they can miss by a rounding error and exclude the observed rate.
  return {
    value: p,
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === trials ? 1 : Math.min(1, centre + half)
  }
}

/**
 * Newcombe's hybrid score interval for the difference a - b of two independent rates, built from
 * their Wilson intervals (Newcombe 1998, method 10).
 */
export function differenceInterval(a: Interval, b: Interval): Interval {
  const value = a.value - b.value
  return {
    value,
    lower: value - Math.sqrt((a.value - a.lower) ** 2 + (b.upper - b.value) ** 2),
    upper: value + Math.sqrt((a.upper - a.value) ** 2 + (b.value - b.lower) ** 2)
  }
}

export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error("'values' must not be empty")
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new Error("'values' must not be empty")
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i]
  return sum / values.length
}

/**
 * The threshold tau on the scores that minimises training error of `h(x) = +1 iff f(x) > tau`
 * (SCIENCE.md section 3). The threshold sits at the midpoint between the two scores on either
 * side of the best cut; where several cuts are equally good, the middle one of them is taken.
 */
export function fitThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length
  if (n === 0) throw new Error("'scores' must not be empty")
  if (labels.length !== n) {
    throw new Error(`'labels' must have the length of 'scores' (got ${labels.length}, ${n})`)
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b])
  // Cut c puts the c lowest scores at -1. Errors(c) = positives below + negatives above.
  let negativesAbove = 0
  for (let i = 0; i < n; i++) if (labels[i] !== 1) negativesAbove++
  let errors = negativesAbove
  let best = errors
  let bestCuts = [0]
  for (let c = 1; c <= n; c++) {
    const i = order[c - 1]
    errors += labels[i] === 1 ? 1 : -1
    // A cut only exists between distinct scores.
    if (c < n && scores[order[c]] === scores[i]) continue
    if (errors < best) {
      best = errors
      bestCuts = [c]
    } else if (errors === best) {
      bestCuts.push(c)
    }
  }
  const cut = bestCuts[(bestCuts.length - 1) >> 1]
  const below = cut === 0 ? null : scores[order[cut - 1]]
  const above = cut === n ? null : scores[order[cut]]
  if (below === null) return (above as number) - 1
  if (above === null) return below + 1
  return (below + above) / 2
}

/** tau for unlabelled data: the median score. */
export function medianThreshold(scores: ArrayLike<number>): number {
  return median(scores)
}

/**
 * lambda50: the smallest lambda on the grid where the rate reaches 0.5, linearly interpolated
 * between the grid point below and the first one at or above 0.5; null if it never does.
 */
export function lambda50(lambdas: readonly number[], rates: readonly number[]): number | null {
  if (lambdas.length !== rates.length) {
    throw new Error(
      `'rates' must have the length of 'lambdas' (got ${rates.length}, ${lambdas.length})`
    )
  }
  for (let i = 0; i < lambdas.length; i++) {
    if (rates[i] >= 0.5) {
      if (i === 0) return lambdas[0]
      const [x0, x1, y0, y1] = [lambdas[i - 1], lambdas[i], rates[i - 1], rates[i]]
      return x0 + ((0.5 - y0) / (y1 - y0)) * (x1 - x0)
    }
  }
  return null
}

/**
 * The majority-class rate of labelled data: the share of its inputs that carry its most common
 * label, with a Wilson interval. It is the accuracy of the best constant answer on these inputs;
 * a classifier whose accuracy does not clear it has learned nothing (SCIENCE.md section 5).
 */
export function majorityRate(labels: ArrayLike<number>): Interval {
  const counts = new Map<number, number>()
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1)
  return wilsonInterval(Math.max(0, ...counts.values()), labels.length)
}

/**
 * BackdoorBench's robust accuracy (R-Acc) as counts: among the inputs whose true label is not
 * `target`, how many are still given their true label after Activate (`triggered[i]` is the
 * label given to input i with the trigger).
 */
export function robustCounts(
  labels: ArrayLike<number>,
  triggered: ArrayLike<number>,
  target: number
): { correct: number; total: number } {
  if (triggered.length !== labels.length) {
    throw new Error(
      `'triggered' must have the length of 'labels' (got ${triggered.length}, ${labels.length})`
    )
  }
  let correct = 0
  let total = 0
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === target) continue
    total++
    if (triggered[i] === labels[i]) correct++
  }
  return { correct, total }
}
