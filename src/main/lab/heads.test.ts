/**
 * Heads on fixed features (SCIENCE.md section 7): the definitions of clean accuracy and ASR,
 * batched prediction against float64 sums, random heads from a stream, the nullifying
 * projection and the witness head of Theorem 3.1.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import {
  argmax,
  beatenBySomeOtherClass,
  column,
  headOutcome,
  headScores,
  logitChangeAlong,
  nullifyHead,
  predictBlock,
  predictHeads,
  randomHeadBlock,
  witnessHead,
  type Head
} from './heads'
import { stream, type Rng } from './rng'

beforeAll(async () => {
  await initBackend()
})

const U = 2 ** -24

function randomHead(m: number, L: number, rng: Rng): Head {
  return { W: rng.normals(m * L), b: rng.normals(L) }
}

/** Non-negative features, like ReLU outputs. */
function reluFeatures(n: number, m: number, rng: Rng): Float32Array {
  return Float32Array.from(rng.normals(n * m), (v) => Math.max(0, v))
}

describe('headOutcome: clean accuracy and ASR per target (SCIENCE.md section 5)', () => {
  it('counts by the definitions on a hand-made case', () => {
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2])
    const clean = Int32Array.from([0, 1, 1, 2, 1, 2])
    const triggered = Int32Array.from([0, 0, 0, 2, 2, 0])
    const o = headOutcome(clean, triggered, labels, 3)
    expect(o.cleanAccuracy.value).toBe(4 / 6)
    // Target 0: candidates (clean != 0) rows 1-5; after Activate rows 1, 2, 5 are 0.
    expect(o.asrPerTarget[0].value).toBe(3 / 5)
    // Target 1: candidates rows 0, 3, 5; none goes to 1.
    expect(o.asrPerTarget[1].value).toBe(0)
    // Target 2: candidates rows 0, 1, 2, 4; row 4 goes to 2.
    expect(o.asrPerTarget[2].value).toBe(1 / 4)
    for (const r of o.asrPerTarget) {
      expect(r.lower).toBeLessThanOrEqual(r.value)
      expect(r.upper).toBeGreaterThanOrEqual(r.value)
    }
  })

  it('gives NaN (no candidates) when the head already puts every input in the target', () => {
    const o = headOutcome(
      Int32Array.from([1, 1]),
      Int32Array.from([0, 1]),
      Int32Array.from([1, 0]),
      2
    )
    expect(o.asrPerTarget[1].value).toBeNaN()
    expect(o.asrPerTarget[0].value).toBe(1 / 2)
  })
})

describe('predictHeads / predictBlock: argmax of Phi W + b', () => {
  it('agrees with float64 sums wherever the top two scores differ by more than float32 error, across blocks', () => {
    const [n, m, L, H] = [50, 20, 4, 7]
    const rng = stream(1, 'test/heads/predict')
    const x = reluFeatures(n, m, rng)
    const heads = Array.from({ length: H }, () => randomHead(m, L, rng))
    const phi = tf.tensor2d(x, [n, m])
    // maxFloats 450 = blocks of 2 heads (n*L*2 = 400): four blocks, the last with one head.
    const [pred] = predictHeads([phi], heads, L, 450)
    const [whole] = predictHeads([phi], heads, L)
    phi.dispose()
    expect(pred).toEqual(whole)
    let checked = 0
    heads.forEach((head, h) => {
      for (let i = 0; i < n; i++) {
        const row = x.subarray(i * m, (i + 1) * m)
        const scores = headScores(head, row, L)
        // float32 dot product of m terms: error <= (m + 2) U sum_j |phi_j W_jc| + U |b_c|
        let bound = 0
        for (let c = 0; c < L; c++) {
          let abs = Math.abs(head.b[c])
          for (let j = 0; j < m; j++) abs += Math.abs(row[j] * head.W[j * L + c])
          bound = Math.max(bound, (m + 2) * U * abs)
        }
        const top = argmax(scores)
        const second = Math.max(...Array.from(scores).filter((_, c) => c !== top))
        if (scores[top] - second <= 2 * bound) continue
        checked++
        expect(pred[h][i], `head ${h} row ${i}`).toBe(top)
      }
    })
    expect(checked).toBeGreaterThan(0.95 * n * H)
  })

  it('draws random heads head by head from the stream, so more heads leave the first ones unchanged', () => {
    const [m, L] = [15, 3]
    const few = randomHeadBlock(m, L, 3, stream(2, 'heads/random'))
    const more = randomHeadBlock(m, L, 5, stream(2, 'heads/random'))
    for (let r = 0; r < 3; r++)
      for (let j = 0; j < m; j++)
        for (let c = 0; c < L; c++)
          expect(more[j * 5 * L + r * L + c]).toBe(few[j * 3 * L + r * L + c])
    // Entries are N(0, 1): mean and mean square within 5 standard errors.
    const N = more.length
    const mean = more.reduce((a, v) => a + v, 0) / N
    const meanSq = more.reduce((a, v) => a + v * v, 0) / N
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(N))
    expect(Math.abs(meanSq - 1)).toBeLessThan(5 * Math.sqrt(2 / N))
  })

  it('predicts a block of random heads (b = 0) as the same heads one by one', () => {
    const [n, m, L, H] = [30, 12, 5, 4]
    const rng = stream(3, 'test/heads/block')
    const phi = tf.tensor2d(reluFeatures(n, m, rng), [n, m])
    const block = randomHeadBlock(m, L, H, rng)
    const [byBlock] = predictBlock([phi], block, null, H, L)
    const heads = Array.from({ length: H }, (_, h) => {
      const W = new Float32Array(m * L)
      for (let j = 0; j < m; j++)
        for (let c = 0; c < L; c++) W[j * L + c] = block[j * H * L + h * L + c]
      return { W, b: new Float32Array(L) }
    })
    const [oneByOne] = predictHeads([phi], heads, L, n * L) // one head per block
    phi.dispose()
    for (let h = 0; h < H; h++) expect(column(byBlock, H, h)).toEqual(oneByOne[h])
  })
})

describe("nullifyHead: W' = (I - u u^T) W", () => {
  const [n, m, L] = [40, 30, 4]
  const rng = stream(4, 'test/heads/nullify')
  const head = randomHead(m, L, rng)
  const phi = reluFeatures(n, m, rng)
  const delta = Float32Array.from(rng.normals(m), (v) => Math.abs(v) + 0.1)

  /** max over inputs and classes of |logits(phi_i + a_i u) - logits(phi_i)|, summed in float64. */
  function maxChange(h: Head, u: Float64Array, a: number[]): number {
    let worst = 0
    for (let i = 0; i < n; i++) {
      const row = Array.from(phi.subarray(i * m, (i + 1) * m))
      const moved = row.map((v, j) => v + a[i] * u[j])
      const before = headScores(h, row, L)
      const after = headScores(h, moved, L)
      for (let c = 0; c < L; c++) worst = Math.max(worst, Math.abs(after[c] - before[c]))
    }
    return worst
  }

  it('leaves every logit unchanged (< 1e-4 x the logit scale) when the features move along u; the attacker head does not', () => {
    const { head: nulled, u, norm } = nullifyHead(head, delta, L)
    expect(norm).toBeCloseTo(Math.hypot(...delta), 5)
    const a = Array.from({ length: n }, () => 3 * rng.normal()) // shifts along u
    let scale = 0
    for (let i = 0; i < n; i++)
      for (const v of headScores(nulled, phi.subarray(i * m, (i + 1) * m), L))
        scale = Math.max(scale, Math.abs(v))
    expect(maxChange(nulled, u, a) / scale).toBeLessThan(1e-4)
    // The same move changes the attacker head's logits at order 1 relative to their scale.
    expect(maxChange(head, u, a) / scale).toBeGreaterThan(1e-2)
    // u^T W' vanishes to float32 rounding of W' (|u^T W'_c| <= U sum_j |u_j W_jc|).
    const along = logitChangeAlong(nulled, u, L)
    for (let c = 0; c < L; c++) {
      let bound = 0
      for (let j = 0; j < m; j++) bound += Math.abs(u[j] * head.W[j * L + c])
      expect(Math.abs(along[c])).toBeLessThan(2 * U * bound + 1e-12)
    }
  })

  it('changes nothing orthogonal to u, keeps b, and is the identity when delta = 0', () => {
    const { head: nulled, u } = nullifyHead(head, delta, L)
    expect(nulled.b).toEqual(head.b)
    const v = Array.from({ length: m }, () => rng.normal())
    const vu = v.reduce((acc, x, j) => acc + x * u[j], 0)
    const orth = v.map((x, j) => x - vu * u[j])
    const a = logitChangeAlong(head, orth, L)
    const b = logitChangeAlong(nulled, orth, L)
    for (let c = 0; c < L; c++)
      expect(Math.abs(a[c] - b[c])).toBeLessThan(1e-5 * (1 + Math.abs(a[c])))
    const same = nullifyHead(head, new Float32Array(m), L)
    expect(same.head.W).toEqual(head.W)
    expect(same.norm).toBe(0)
  })
})

describe("witnessHead: Theorem 3.1, a head under which Activate(x) is not classified y'", () => {
  it("defeats the trigger for every target y' at L = 3, 5, 10, checked from the scores", () => {
    const rng = stream(5, 'test/heads/witness')
    const m = 25
    const constructions = new Set<string>()
    for (const L of [3, 5, 10]) {
      for (let trial = 0; trial < 20; trial++) {
        const attacker = randomHead(m, L, rng)
        const triggered = reluFeatures(1, m, rng)
        for (let y = 0; y < L; y++) {
          const { head, construction } = witnessHead(attacker, triggered, y, L)
          constructions.add(construction)
          const scores = headScores(head, triggered, L)
          expect(beatenBySomeOtherClass(scores, y), `L=${L} y'=${y} ${construction}`).toBe(true)
          expect(argmax(scores)).not.toBe(y)
        }
      }
    }
    // Random attackers make y' the attacker's lowest class for some (head, y'): both forms ran.
    expect(constructions).toEqual(new Set(['ranking reversal', 'single class']))
  })

  it("reverses the ranking when the backdoor works under the attacker head (y' on top)", () => {
    const L = 4
    const m = 6
    const triggered = Float32Array.from([1, 0, 2, 0.5, 0, 3])
    // Attacker scores on the triggered input: class 2 on top, class 0 at the bottom.
    const W = new Float32Array(m * L)
    for (let j = 0; j < m; j++) {
      W[j * L + 0] = -1
      W[j * L + 1] = 0.5
      W[j * L + 2] = 2
      W[j * L + 3] = 1
    }
    const attacker = { W, b: new Float32Array(L) }
    expect(argmax(headScores(attacker, triggered, L))).toBe(2)
    const w = witnessHead(attacker, triggered, 2, L)
    expect(w.construction).toBe('ranking reversal')
    const scores = headScores(w.head, triggered, L)
    expect(argmax(scores)).toBe(0) // the attacker's lowest class wins
    expect(Array.from(scores)).toEqual(Array.from(headScores(attacker, triggered, L), (v) => -v))
  })

  it("falls back to the single-class head when y' is the attacker's lowest class, even for all-zero features", () => {
    const L = 3
    const m = 4
    const attacker = { W: new Float32Array(m * L), b: Float32Array.from([1, 2, 0]) }
    for (const triggered of [new Float32Array(m), Float32Array.from([0.5, 0, 1, 0])]) {
      const w = witnessHead(attacker, triggered, 2, L)
      expect(w.construction).toBe('single class')
      const scores = headScores(w.head, triggered, L)
      expect(beatenBySomeOtherClass(scores, 2)).toBe(true)
      expect(argmax(scores)).toBe(w.winner)
      expect(w.winner).not.toBe(2)
    }
  })
})
