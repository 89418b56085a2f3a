/**
 * Heads on fixed features (SCIENCE.md section 7): the definitions of clean accuracy and ASR,
 * batched prediction against float64 sums, random heads from a stream, the nullifying
 * projection, the witness head of Theorem 3.1 with both of its conditions, and a toy
 * ranking-reversing backdoor that is universal at L = 2 and not at L = 3.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from './backend'
import {
  argmax,
  argmin,
  beatenBySomeOtherClass,
  column,
  headOutcome,
  headScores,
  logitChangeAlong,
  nullifyHead,
  predictBlock,
  predictHeads,
  randomHeadBlock,
  rankingReversalRate,
  reversedHead,
  witnessConditions,
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

describe("witnessHead: Theorem 3.1's conditions, (a) x not classified y' and (b) Activate(x) not classified y'", () => {
  it("returns only heads that meet both conditions, checked from the scores, for every y' at L = 2, 3, 5, 10", () => {
    const rng = stream(5, 'test/heads/witness')
    const m = 25
    const constructions = new Set<string>()
    for (const L of [2, 3, 5, 10]) {
      for (let trial = 0; trial < 20; trial++) {
        const attacker = randomHead(m, L, rng)
        const [clean, triggered] = [reluFeatures(1, m, rng), reluFeatures(1, m, rng)]
        for (let y = 0; y < L; y++) {
          const w = witnessHead(attacker, clean, triggered, y, L)
          constructions.add(w.construction)
          const [a, b] = [clean, triggered].map((phi) => headScores(w.head, phi, L))
          expect(beatenBySomeOtherClass(a, y), `L=${L} y'=${y} ${w.construction} (a)`).toBe(true)
          expect(beatenBySomeOtherClass(b, y), `L=${L} y'=${y} ${w.construction} (b)`).toBe(true)
          expect(w.check).toEqual({ cleanNotTarget: true, triggeredNotTarget: true })
          expect(w.reversal).toEqual(
            witnessConditions(reversedHead(attacker), clean, triggered, y, L)
          )
        }
      }
    }
    // Random attackers make y' the reversed head's choice on x for some (head, y'): both forms ran.
    expect(constructions).toEqual(new Set(['reversed attacker head', 'constant head']))
  })

  it("reverses the attacker's ranking when the backdoor works under it (y' on top) and y' is not its lowest class on x", () => {
    const L = 4
    // Two features. Attacker scores: on x (feature 0) class 1 on top, class 0 at the bottom; on
    // Activate(x) (feature 1) class 2 on top.
    const attacker = { W: Float32Array.from([-1, 3, 2, 1, -1, 0.5, 2, 1]), b: new Float32Array(L) }
    const [clean, triggered] = [Float32Array.from([1, 0]), Float32Array.from([0, 1])]
    expect(argmax(headScores(attacker, triggered, L))).toBe(2)
    const w = witnessHead(attacker, clean, triggered, 2, L)
    expect(w.construction).toBe('reversed attacker head')
    const scores = headScores(w.head, triggered, L)
    expect(argmax(scores)).toBe(0) // the attacker's lowest class wins
    expect(Array.from(scores)).toEqual(Array.from(headScores(attacker, triggered, L), (v) => -v))
  })

  it('at L = 2 the reversed attacker head moves x itself to y′ (condition a fails), so another head is needed', () => {
    const L = 2
    // The attacker classifies x as 0 and Activate(x) as y' = 1: the backdoor works.
    const attacker = { W: Float32Array.from([2, -1, -1, 2]), b: new Float32Array(L) }
    const [clean, triggered] = [Float32Array.from([1, 0]), Float32Array.from([0, 1])]
    const w = witnessHead(attacker, clean, triggered, 1, L)
    expect(w.reversal).toEqual({ cleanNotTarget: false, triggeredNotTarget: true })
    expect(w.construction).toBe('constant head')
    // An accurate candidate that ignores the trigger is preferred to the constant head.
    const probe = { W: Float32Array.from([1, 0, 0, 0]), b: Float32Array.from([0.1, 0]) }
    const withProbe = witnessHead(attacker, clean, triggered, 1, L, [
      { construction: 'clean probe', head: probe }
    ])
    expect(withProbe.construction).toBe('clean probe')
    expect(withProbe.head).toBe(probe)
  })

  it('skips candidates that fail either condition and checks the constant head too, even on all-zero features', () => {
    const L = 3
    const m = 4
    const attacker = { W: new Float32Array(m * L), b: Float32Array.from([1, 2, 0]) }
    // Classifies everything as 2 = y': fails (a) and (b).
    const bad = { W: new Float32Array(m * L), b: Float32Array.from([0, 0, 1]) }
    for (const phi of [new Float32Array(m), Float32Array.from([0.5, 0, 1, 0])]) {
      const w = witnessHead(attacker, phi, phi, 2, L, [{ construction: 'clean probe', head: bad }])
      expect(w.construction).toBe('constant head')
      expect(w.winner).not.toBe(2)
      for (const v of [phi, phi]) expect(argmax(headScores(w.head, v, L))).toBe(w.winner)
    }
  })
})

describe('a ranking-reversing backdoor, Phi(Activate(x)) = -Phi(x): universal at L = 2, not at L >= 3', () => {
  const m = 12
  const n = 200
  const heads = 200
  /** Toy encoder: Gaussian features (not ReLU), and a trigger that negates them. */
  function toy(L: number) {
    const rng = stream(8, `test/heads/toy-reversal/${L}`)
    const z = rng.normals(n * m)
    const block = randomHeadBlock(m, L, heads, rng)
    return { z, zTrig: z.map((v) => -v), block }
  }

  it('its rankingReversalRate is 1 under every bias-free random head', () => {
    for (const L of [2, 3, 5]) {
      const { z, zTrig, block } = toy(L)
      const [phi, phiTrig] = [z, zTrig].map((v) => tf.tensor2d(v, [n, m]))
      const [, triggered] = predictBlock([phi, phiTrig], block, null, heads, L)
      const [lowest] = predictBlock([phi], block, null, heads, L, 'lowest')
      tf.dispose([phi, phiTrig])
      for (let h = 0; h < heads; h++) {
        const rate = rankingReversalRate(column(lowest, heads, h), column(triggered, heads, h))
        expect(rate, `L=${L} head ${h}`).toBe(1)
      }
    }
  })

  it('at L = 2 no bias-free head is a witness for any input; at L = 3 random heads are, wherever y′ is ranked in the middle', () => {
    for (const L of [2, 3]) {
      const { z, zTrig, block } = toy(L)
      let witnesses = 0
      for (let i = 0; i < 20; i++) {
        const [x, xTrig] = [z, zTrig].map((v) => v.subarray(i * m, (i + 1) * m))
        for (let h = 0; h < heads; h++) {
          const W = new Float32Array(m * L)
          for (let j = 0; j < m; j++)
            for (let c = 0; c < L; c++) W[j * L + c] = block[j * heads * L + h * L + c]
          const head = { W, b: new Float32Array(L) }
          for (let y = 0; y < L; y++) {
            const check = witnessConditions(head, x, xTrig, y, L)
            if (check.cleanNotTarget && check.triggeredNotTarget) {
              witnesses++
              // The proof's condition: y' neither first nor last in the head's ranking of x.
              const s = headScores(head, x, L)
              expect(argmax(s)).not.toBe(y)
              expect(argmax(s.map((v) => -v))).not.toBe(y)
            }
          }
        }
      }
      if (L === 2) expect(witnesses).toBe(0)
      // Each (input, head) ranks exactly one of the three classes in the middle.
      else expect(witnesses).toBe(20 * heads)
    }
  })

  it('so witnessHead falls back to the constant head at L = 2 and finds a random head at L = 3', () => {
    for (const [L, expected] of [
      [2, 'constant head'],
      [3, 'random head']
    ] as const) {
      const { z, zTrig, block } = toy(L)
      const [x, xTrig] = [z, zTrig].map((v) => v.subarray(0, m))
      const candidates = Array.from({ length: 10 }, (_, h) => {
        const W = new Float32Array(m * L)
        for (let j = 0; j < m; j++)
          for (let c = 0; c < L; c++) W[j * L + c] = block[j * heads * L + h * L + c]
        return { construction: 'random head' as const, head: { W, b: new Float32Array(L) } }
      })
      // The attacker's head: any bias-free head; the toy backdoor reverses it too.
      const attacker = candidates[0].head
      const y = argmin(headScores(attacker, x, L)) // the class the reversal moves x to
      const w = witnessHead(attacker, x, xTrig, y, L, candidates.slice(1))
      expect(w.construction, `L=${L}`).toBe(expected)
      expect(w.reversal.cleanNotTarget && w.reversal.triggeredNotTarget).toBe(false)
    }
  })
})
