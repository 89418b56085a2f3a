/**
 * Experiment B, head universality (SCIENCE.md section 7, the paper's Theorem 3.1): the witness
 * head for every target, the witness input when the config names none, and the
 * trigger-nullifying projection, checked from the reported scores and recomputed from the seed
 * streams.
 */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../main/lab/backend'
import { argmax, beatenBySomeOtherClass } from '../../main/lab/heads'
import { gaussianMixture } from '../../main/lab/mixture'
import { CHOICE_CODES, chooseWitnessInput, type WitnessChoice } from './run'
import { encoder64, run, small, type Run } from './run.fixture'

beforeAll(async () => {
  await initBackend()
})

describe('runUniversality: the witness head of Theorem 3.1', () => {
  it('defeats Activate on the chosen input for every target at L = 3, 5, 10, checked from the reported scores', async () => {
    for (const L of [3, 5, 10]) {
      let backdoorWorkedThere = 0
      for (let y = 0; y < L; y++) {
        const r = await run(
          small({
            dataset: { kind: 'mixture', L, spread: 0.5 },
            m: 64,
            n: 150,
            nTest: 150,
            probes: 0,
            randomHeads: 0,
            target: y,
            witnessTarget: y,
            witnessIndex: 7 + y,
            head: { epochs: 60 }
          })
        )
        const scores = (name: string) => r.seriesOf('witness', name).points.map((p) => p.value!)
        const witnessTriggered = scores('scores.witness.triggered')
        expect(witnessTriggered).toHaveLength(L)
        // The proof's conditions, from the reported scores: some class other than y' strictly
        // outscores y' (a) on x and (b) on Activate(x).
        expect(beatenBySomeOtherClass(scores('scores.witness.clean'), y), `L=${L} y'=${y}`).toBe(
          true
        )
        expect(beatenBySomeOtherClass(witnessTriggered, y), `L=${L} y'=${y}`).toBe(true)
        expect(r.metricValue('run', 'witnessCleanNotTarget')).toBe(1)
        expect(r.metricValue('run', 'witnessTriggeredNotTarget')).toBe(1)
        expect(r.metricValue('run', 'witnessHolds')).toBe(1)
        expect(r.metricValue('run', 'witnessTarget')).toBe(y)
        expect(r.metricValue('run', 'witnessIndex')).toBe(7 + y)
        expect(r.metricValue('run', 'witnessLabel')).toBe(
          gaussianMixture({ L, d: 12, spread: 0.5, n: 150, nTest: 150 }, 1).test.labels[7 + y]
        )
        if (argmax(scores('scores.attacker.triggered')) === y) backdoorWorkedThere++
        // The ranking reversal negates the attacker's scores exactly.
        if (r.metricValue('run', 'witnessConstruction') === 1) {
          expect(scores('scores.witness.triggered')).toEqual(
            scores('scores.attacker.triggered').map((v) => -v)
          )
        }
      }
      // The witness defeats a backdoor that works under the attacker's own head, not only
      // inputs where it failed anyway.
      expect(backdoorWorkedThere, `L=${L}`).toBeGreaterThan(0)
    }
  })

  it("at L = 2 the reversed attacker head moves x itself to y' wherever the attacker classifies x as the other class; at L = 3 it need not", async () => {
    const failsA = { 2: 0, 3: 0 }
    for (const L of [2, 3] as const) {
      for (let i = 0; i < 6; i++) {
        const r = await run(
          small({
            dataset: { kind: 'mixture', L, spread: 0.5 },
            m: 64,
            n: 150,
            nTest: 150,
            probes: 2,
            randomHeads: 10,
            target: 1,
            witnessIndex: i,
            head: { epochs: 60 }
          })
        )
        const attackerOnX = argmax(
          r.seriesOf('witness', 'scores.attacker.clean').points.map((p) => p.value!)
        )
        const a = r.metricValue('run', 'reversalCleanNotTarget')
        // Reversing the attacker's head puts its lowest class on x first; at L = 2 that is y'.
        if (L === 2 && attackerOnX !== 1) expect(a, `input ${i}`).toBe(0)
        if (a === 0) failsA[L]++
        expect(r.metricValue('run', 'witnessHolds'), `L=${L} input ${i}`).toBe(1)
      }
    }
    expect(failsA[2]).toBeGreaterThan(failsA[3])
  })

  it('takes the input index modulo nTest and a witness target other than the attacker target', async () => {
    const r = await run(small({ witnessIndex: 401, witnessTarget: 2, target: 0 }))
    expect(r.metricValue('run', 'witnessIndex')).toBe(1)
    expect(r.metricValue('run', 'witnessTarget')).toBe(2)
    const triggered = r.seriesOf('witness', 'scores.witness.triggered').points.map((p) => p.value!)
    expect(beatenBySomeOtherClass(triggered, 2)).toBe(true)
  })
})

describe('runUniversality: the witness input when the config names none', () => {
  /** The attacker head's verdicts on x and Activate(x), from a run's reported scores. */
  const attackerOnX = (r: Run, yPrime: number) => {
    const scores = (name: string) => r.seriesOf('witness', name).points.map((p) => p.value!)
    return {
      notTarget: beatenBySomeOtherClass(scores('scores.attacker.clean'), yPrime),
      flipped: !beatenBySomeOtherClass(scores('scores.attacker.triggered'), yPrime)
    }
  }
  const code = (choice: WitnessChoice) => CHOICE_CODES[choice]

  it("picks the first held-out input the backdoor flips to y' under the attacker's head; every earlier input fails that rule", async () => {
    let earlierChecked = 0
    for (const target of [0, 1, 2]) {
      const cfg = small({ target, probes: 0, randomHeads: 0 })
      expect(cfg.witnessIndex).toBeUndefined()
      const r = await run(cfg)
      const chosen = r.metricValue('run', 'witnessIndex')!
      expect(r.metricValue('run', 'witnessChoice')).toBe(code('first input the backdoor flips'))
      // From the run's own scores: x is not classified y', Activate(x) is.
      expect(attackerOnX(r, target)).toEqual({ notTarget: true, flipped: true })
      const accuracy = r.metricValue('attacker', 'cleanAccuracy')
      // Every earlier input, from runs that name it (the attacker head does not depend on x).
      for (let i = 0; i < chosen; i++) {
        const earlier = await run({ ...cfg, witnessIndex: i })
        expect(earlier.metricValue('attacker', 'cleanAccuracy')).toBe(accuracy)
        expect(earlier.metricValue('run', 'witnessChoice')).toBe(code('chosen by you'))
        const v = attackerOnX(earlier, target)
        expect(v.notTarget && v.flipped, `target ${target}, input ${i}`).toBe(false)
        earlierChecked++
      }
    }
    // Not vacuous: some target's first input was passed over.
    expect(earlierChecked).toBeGreaterThan(0)
  })

  it("falls back to the first input not classified y' when the trigger flips none (lambda = 0)", async () => {
    const cfg = small({ lambda: 0, target: 1, probes: 0, randomHeads: 0 })
    const r = await run(cfg)
    expect(r.metricValue('run', 'witnessChoice')).toBe(code('first input not classified y′'))
    const chosen = r.metricValue('run', 'witnessIndex')!
    expect(attackerOnX(r, 1).notTarget).toBe(true)
    for (let i = 0; i < chosen; i++) {
      const earlier = await run({ ...cfg, witnessIndex: i })
      expect(attackerOnX(earlier, 1).notTarget, `input ${i}`).toBe(false)
    }
  })

  it('keeps an explicit index as given, 0 included, and reports it as chosen by you', async () => {
    for (const witnessIndex of [0, 5]) {
      const r = await run(small({ witnessIndex, probes: 0, randomHeads: 0 }))
      expect(r.metricValue('run', 'witnessIndex')).toBe(witnessIndex)
      expect(r.metricValue('run', 'witnessChoice')).toBe(code('chosen by you'))
    }
  })

  it('chooses the same input again for the same seed', async () => {
    const cfg = small({ target: 2, probes: 0, randomHeads: 0 })
    const [a, b] = [await run(cfg), await run(cfg)]
    expect(b.metricValue('run', 'witnessIndex')).toBe(a.metricValue('run', 'witnessIndex'))
    expect(b.seriesRecords).toEqual(a.seriesRecords)
  })

  it("applies the rules in order on hand-made features, input 0 when every input is classified y'", () => {
    // Two features, three classes: class c scores feature c (class 2 scores nothing).
    const head = { W: Float32Array.from([1, 0, 0, 0, 1, 0]), b: new Float32Array(3) }
    const choose = (clean: number[][], triggered: number[][]) => {
      const [x, t] = [clean, triggered].map((rows) => tf.tensor2d(rows))
      try {
        return chooseWitnessInput(head, x as tf.Tensor2D, t as tf.Tensor2D, 0, 3)
      } finally {
        tf.dispose([x, t])
      }
    }
    // Input 0 is in y' = 0; input 1 is not and stays out; input 2 is flipped to y'.
    expect(
      choose(
        [
          [1, 0],
          [0, 1],
          [0, 1]
        ],
        [
          [1, 0],
          [0, 2],
          [3, 1]
        ]
      )
    ).toEqual({
      index: 2,
      choice: 'first input the backdoor flips'
    })
    expect(
      choose(
        [
          [1, 0],
          [0, 1],
          [0, 1]
        ],
        [
          [1, 0],
          [0, 2],
          [0, 3]
        ]
      )
    ).toEqual({
      index: 1,
      choice: 'first input not classified y′'
    })
    // A tie with another class is not "beaten": y' counts as the class.
    expect(
      choose(
        [
          [1, 0],
          [1, 1]
        ],
        [
          [0, 1],
          [0, 1]
        ]
      )
    ).toEqual({ index: 0, choice: 'input 0' })
  })
})

describe('runUniversality: the trigger-nullifying head', () => {
  it("changes its logits by less than 1e-4 x their scale along the mean trigger shift, and its clean accuracy is reported next to the attacker head's", async () => {
    const r = await run(small())
    expect(r.metricValue('run', 'nullifyingResidual')).toBeLessThan(1e-4)
    expect(r.metricValue('run', 'triggerShiftNorm')).toBeGreaterThan(0)
    for (const model of ['attacker', 'nullifying']) {
      const acc = r.metricRecords.find((m) => m.model === model && m.name === 'cleanAccuracy')!
      expect(acc.value).toBeGreaterThan(0)
      expect(acc.lower).toBeLessThanOrEqual(acc.value!)
      expect(acc.upper).toBeGreaterThanOrEqual(acc.value!)
    }
  })

  it('reports triggerShiftNorm = ||mean(Phi(x + lambda s) - Phi(x))|| recomputed in float64 from the streams', async () => {
    const cfg = small({ probes: 0, randomHeads: 0, head: { epochs: 5 } })
    const r = await run(cfg)
    const { test } = gaussianMixture(
      { L: 3, d: cfg.d, spread: 0.5, n: cfg.n, nTest: cfg.nTest },
      cfg.seed
    )
    const phi = encoder64(cfg)
    const delta = new Float64Array(cfg.m)
    for (let i = 0; i < test.n; i++) {
      const x = Array.from(test.x.subarray(i * cfg.d, (i + 1) * cfg.d))
      const [clean, triggered] = phi(x)
      for (let j = 0; j < cfg.m; j++) delta[j] += (triggered[j] - clean[j]) / test.n
    }
    const norm = Math.hypot(...delta)
    // float32 features: relative error of order sqrt(d) * U per pre-activation, far below 1e-4.
    expect(Math.abs(r.metricValue('run', 'triggerShiftNorm')! - norm)).toBeLessThan(1e-4 * norm)
  })
})
