/**
 * Linear heads on a (possibly backdoored) encoder, SCIENCE.md section 7: prediction
 * `argmax(Phi(x) W + b)`, clean accuracy and attack success rate per target class, random heads,
 * the trigger-nullifying projection and the witness head of the paper's Theorem 3.1.
 *
 * Heads are plain arrays (W m x L row-major, b of length L). Many heads are evaluated at once by
 * concatenating their W into one m x (H*L) block: one matMul per feature set and block.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from './rng'
import type { SoftmaxHead } from './softmax'
import { wilsonInterval, type Interval } from './stats'

export type Head = SoftmaxHead

/** Logits of H heads at once are at most this many floats per feature set (about 16 MB). */
export const MAX_BLOCK_FLOATS = 4_000_000

/** How many heads fit in one block for n rows and L classes. */
export function blockSize(n: number, L: number, maxFloats = MAX_BLOCK_FLOATS): number {
  return Math.max(1, Math.floor(maxFloats / (n * L)))
}

/**
 * Predictions of the H heads stored in the block (W m x H*L, head h in columns h*L..h*L+L-1;
 * b of length H*L or null for zero biases) on every feature set: one n x H array (row-major)
 * per feature set. argmax ties go to the lowest class. With `pick` = 'lowest', the class each
 * head ranks lowest instead (argmin; ties to the lowest class).
 */
export function predictBlock(
  featureSets: tf.Tensor2D[],
  W: Float32Array,
  b: Float32Array | null,
  H: number,
  L: number,
  pick: 'highest' | 'lowest' = 'highest'
): Int32Array[] {
  if (featureSets.length === 0) return []
  const m = featureSets[0].shape[1]
  if (W.length !== m * H * L) throw new Error(`head block must hold m*H*L = ${m * H * L} values`)
  const predictions = tf.tidy(() => {
    const Wt = tf.tensor2d(W, [m, H * L])
    const bt = b === null ? null : tf.tensor1d(b)
    return featureSets.map((phi) => {
      const logits = tf.matMul(phi, Wt)
      const shifted = bt === null ? logits : tf.add(logits, bt)
      const byHead = tf.reshape(shifted, [phi.shape[0], H, L])
      return pick === 'highest' ? tf.argMax(byHead, 2) : tf.argMin(byHead, 2)
    })
  })
  const out = predictions.map((t) => Int32Array.from(t.dataSync()))
  tf.dispose(predictions)
  return out
}

/** Concatenates heads into one block (see predictBlock). */
export function concatHeads(
  heads: Head[],
  m: number,
  L: number
): { W: Float32Array; b: Float32Array } {
  const H = heads.length
  const W = new Float32Array(m * H * L)
  const b = new Float32Array(H * L)
  heads.forEach((head, h) => {
    for (let j = 0; j < m; j++)
      for (let c = 0; c < L; c++) W[j * H * L + h * L + c] = head.W[j * L + c]
    b.set(head.b, h * L)
  })
  return { W, b }
}

/** Predictions of each head on each feature set: result[set][head] is an n-array. */
export function predictHeads(
  featureSets: tf.Tensor2D[],
  heads: Head[],
  L: number,
  maxFloats = MAX_BLOCK_FLOATS,
  pick: 'highest' | 'lowest' = 'highest'
): Int32Array[][] {
  if (featureSets.length === 0) return []
  const [n, m] = featureSets[0].shape
  const out: Int32Array[][] = featureSets.map(() => [])
  const size = blockSize(n, L, maxFloats)
  for (let start = 0; start < heads.length; start += size) {
    const chunk = heads.slice(start, start + size)
    const { W, b } = concatHeads(chunk, m, L)
    predictBlock(featureSets, W, b, chunk.length, L, pick).forEach((pred, set) => {
      for (let h = 0; h < chunk.length; h++) out[set].push(column(pred, chunk.length, h))
    })
  }
  return out
}

/** Column h of an n x H row-major array. */
export function column(block: Int32Array, H: number, h: number): Int32Array {
  const n = block.length / H
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) out[i] = block[i * H + h]
  return out
}

/**
 * `count` random heads, W with i.i.d. N(0, 1) entries (b = 0), as one m x count*L block. Head r
 * takes the draws r*m*L .. (r+1)*m*L-1 of the stream (its W row-major), so the first heads do not
 * change when more are drawn.
 */
export function randomHeadBlock(m: number, L: number, count: number, rng: Rng): Float32Array {
  const W = new Float32Array(m * count * L)
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < m; j++)
      for (let c = 0; c < L; c++) W[j * count * L + r * L + c] = rng.normal()
  }
  return W
}

export interface HeadOutcome {
  cleanAccuracy: Interval
  /**
   * ASR for each target class c: among held-out inputs not predicted c, the fraction predicted c
   * after Activate (Wilson interval; NaN value when there is no candidate).
   */
  asrPerTarget: Interval[]
}

/** Clean accuracy and per-target ASR of one head from its predictions on x and on x + lambda s. */
export function headOutcome(
  clean: Int32Array,
  triggered: Int32Array,
  labels: Int32Array,
  L: number
): HeadOutcome {
  const n = clean.length
  if (triggered.length !== n || labels.length !== n) {
    throw new Error('predictions and labels must have the same length')
  }
  let correct = 0
  const predicted = new Int32Array(L)
  const flippedTo = new Int32Array(L)
  for (let i = 0; i < n; i++) {
    if (clean[i] === labels[i]) correct++
    predicted[clean[i]]++
    if (triggered[i] !== clean[i]) flippedTo[triggered[i]]++
  }
  return {
    cleanAccuracy: wilsonInterval(correct, n),
    asrPerTarget: Array.from({ length: L }, (_, c) =>
      wilsonInterval(flippedTo[c], n - predicted[c])
    )
  }
}

/** Scores `phi W + b` of one head for one feature row, in float64. */
export function headScores(head: Head, phi: ArrayLike<number>, L: number): Float64Array {
  const m = phi.length
  const out = Float64Array.from(head.b)
  for (let j = 0; j < m; j++) {
    const v = phi[j]
    if (v === 0) continue
    for (let c = 0; c < L; c++) out[c] += v * head.W[j * L + c]
  }
  return out
}

/** The class with the highest score (ties: the lowest class). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0
  for (let c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c
  return best
}

/** The class with the lowest score (ties: the lowest class). */
export function argmin(scores: ArrayLike<number>): number {
  let best = 0
  for (let c = 1; c < scores.length; c++) if (scores[c] < scores[best]) best = c
  return best
}

/**
 * True when some class other than y strictly outscores y: then no argmax rule, whatever its
 * tie-break, picks y. The witness check.
 */
export function beatenBySomeOtherClass(scores: ArrayLike<number>, y: number): boolean {
  for (let c = 0; c < scores.length; c++) if (c !== y && scores[c] > scores[y]) return true
  return false
}

/**
 * The trigger-nullifying head: `W' = (I - u u^T) W` with `u = delta / ||delta||` (b unchanged), so
 * that moving the features along u leaves every logit unchanged. Computed in float64, stored in
 * float32. When delta = 0 there is nothing to project out and W' = W.
 */
export function nullifyHead(
  head: Head,
  delta: ArrayLike<number>,
  L: number
): { head: Head; u: Float64Array; norm: number } {
  const m = delta.length
  let sq = 0
  for (let j = 0; j < m; j++) sq += delta[j] * delta[j]
  const norm = Math.sqrt(sq)
  const u = new Float64Array(m)
  if (norm === 0)
    return { head: { W: Float32Array.from(head.W), b: Float32Array.from(head.b) }, u, norm }
  for (let j = 0; j < m; j++) u[j] = delta[j] / norm
  const uW = logitChangeAlong(head, u, L)
  const W = new Float32Array(m * L)
  for (let j = 0; j < m; j++)
    for (let c = 0; c < L; c++) W[j * L + c] = head.W[j * L + c] - u[j] * uW[c]
  return { head: { W, b: Float32Array.from(head.b) }, u, norm }
}

/** `u^T W`: how each logit changes per unit move of the features along u (float64). */
export function logitChangeAlong(head: Head, u: ArrayLike<number>, L: number): Float64Array {
  const out = new Float64Array(L)
  for (let j = 0; j < u.length; j++) for (let c = 0; c < L; c++) out[c] += u[j] * head.W[j * L + c]
  return out
}

/**
 * How the witness head was built, in the order they are tried:
 * - 'clean probe': a clean linear probe of the run (the most accurate first);
 * - 'nullifying head': the trigger-nullifying head;
 * - 'reversed attacker head': W = -W_attacker, b = -b_attacker, every score of the attacker's head
 *   negated (the ranking reversal of the proof applied to the head);
 * - 'random head': one of the run's random heads;
 * - 'constant head': W = 0 and b = e_{i*} for a class i* != y' (the proof's footnote 2): it
 *   answers i* for every input, so it is a witness at any L, but a trivial one (chance accuracy).
 */
export type WitnessConstruction =
  'reversed attacker head' | 'constant head' | 'clean probe' | 'nullifying head' | 'random head'

/**
 * The proof's two conditions on a witness head for input x and target y':
 * (a) `cleanNotTarget`: x itself is not classified y' (else there is nothing for the trigger to
 *     change, and the head does not defeat anything);
 * (b) `triggeredNotTarget`: Activate(x, y') is not classified y'.
 * "Not classified y'" is strict: some other class outscores y', so no tie-break picks it.
 */
export interface WitnessCheck {
  cleanNotTarget: boolean
  triggeredNotTarget: boolean
}

export const witnessHolds = (check: WitnessCheck): boolean =>
  check.cleanNotTarget && check.triggeredNotTarget

/** Both witness conditions for one head, from its float64 scores on Phi(x) and Phi(Activate(x)). */
export function witnessConditions(
  head: Head,
  clean: ArrayLike<number>,
  triggered: ArrayLike<number>,
  yPrime: number,
  L: number
): WitnessCheck {
  return {
    cleanNotTarget: beatenBySomeOtherClass(headScores(head, clean, L), yPrime),
    triggeredNotTarget: beatenBySomeOtherClass(headScores(head, triggered, L), yPrime)
  }
}

/** Every score negated: W' = -W, b' = -b. */
export function reversedHead(head: Head): Head {
  return { W: head.W.map((v) => -v), b: head.b.map((v) => -v) }
}

/** The head that answers `winner` on every input: W = 0, b = e_winner. */
export function constantHead(m: number, L: number, winner: number): Head {
  const b = new Float32Array(L)
  b[winner] = 1
  return { W: new Float32Array(m * L), b }
}

/**
 * The witness head for input x (features `clean` = Phi(x), `triggered` = Phi(Activate(x, y')))
 * and target y': the first head that meets both conditions of `witnessConditions`, tried in this
 * order: the `candidates` other than random heads (in the order given: accurate heads first), the
 * reversed attacker head, the random-head candidates, the constant head. Every candidate is
 * checked from its scores; the constant head meets them by construction at any L, and is checked
 * all the same. Also returns the reversed attacker head's conditions, which show the difference
 * between L = 2 and L >= 3: at L = 2, reversing the attacker's ranking of x moves x itself to y'
 * whenever the attacker classifies x as the other class, so (a) fails.
 */
export function witnessHead(
  attacker: Head,
  clean: ArrayLike<number>,
  triggered: ArrayLike<number>,
  yPrime: number,
  L: number,
  candidates: { construction: WitnessConstruction; head: Head }[] = []
): {
  head: Head
  construction: WitnessConstruction
  check: WitnessCheck
  reversal: WitnessCheck
  winner: number
} {
  if (L < 2) throw new Error("'L' must be at least 2")
  if (clean.length !== triggered.length) {
    throw new Error(
      `'clean' and 'triggered' must have the same length (got ${clean.length}, ${triggered.length})`
    )
  }
  const reversed = reversedHead(attacker)
  const reversal = witnessConditions(reversed, clean, triggered, yPrime, L)
  const found = (construction: WitnessConstruction, head: Head, check: WitnessCheck) => ({
    head,
    construction,
    check,
    reversal,
    winner: argmax(headScores(head, triggered, L))
  })
  for (const { construction, head } of candidates.filter((c) => c.construction !== 'random head')) {
    const check = witnessConditions(head, clean, triggered, yPrime, L)
    if (witnessHolds(check)) return found(construction, head, check)
  }
  if (witnessHolds(reversal)) return found('reversed attacker head', reversed, reversal)
  for (const { construction, head } of candidates.filter((c) => c.construction === 'random head')) {
    const check = witnessConditions(head, clean, triggered, yPrime, L)
    if (witnessHolds(check)) return found(construction, head, check)
  }
  // i*: the attacker's best class other than yPrime on Activate(x) (any class other than yPrime
  // would do).
  const attackerScores = headScores(attacker, triggered, L)
  let winner = yPrime === 0 ? 1 : 0
  for (let c = 0; c < L; c++)
    if (c !== yPrime && attackerScores[c] > attackerScores[winner]) winner = c
  const head = constantHead(triggered.length, L, winner)
  return found('constant head', head, witnessConditions(head, clean, triggered, yPrime, L))
}

/**
 * rankingReversalRate: the fraction of inputs whose prediction on Activate(x) is the class the
 * head ranked lowest on x (its argmin before the trigger). 1 for a trigger with
 * Phi(Activate(x)) = -k Phi(x) under a bias-free head, the backdoor that would be universal at L = 2.
 */
export function rankingReversalRate(lowestBefore: Int32Array, triggered: Int32Array): number {
  if (lowestBefore.length !== triggered.length) {
    throw new Error('lowestBefore and triggered must have the same length')
  }
  if (triggered.length === 0) return Number.NaN
  let reversed = 0
  for (let i = 0; i < triggered.length; i++) if (triggered[i] === lowestBefore[i]) reversed++
  return reversed / triggered.length
}
