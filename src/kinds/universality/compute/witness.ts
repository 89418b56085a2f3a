/**
 * The witness of Theorem 3.1's proof for one held-out input (run.ts, SCIENCE.md section 7): how
 * the input is chosen, the witness head, its conditions and the nullifying head's residual.
 * Main bundle only.
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  beatenBySomeOtherClass,
  MAX_BLOCK_FLOATS,
  headOutcome,
  headScores,
  logitChangeAlong,
  predictHeads,
  witnessConditions,
  witnessHolds as holds,
  witnessHead,
  type Head,
  type WitnessConstruction
} from '../../../main/lab/heads'
import { encode, evaluateHeads, trainHeads, type Context } from './encoder'

/** witnessConstruction as reported (a metric is a number). */
export const CONSTRUCTION_CODES: Record<WitnessConstruction, number> = {
  'reversed attacker head': 1,
  'constant head': 2,
  'clean probe': 3,
  'nullifying head': 4,
  'random head': 5
}

/**
 * How the witness input was chosen: by the user (an explicit witnessIndex), or automatically as
 * the first held-out input, in held-out order, that passes the first of these rules it can:
 * the attacker's head does not classify x as y' but does classify Activate(x) as y' (the backdoor
 * works on x, so defeating it means something); else x is not classified y'; else input 0.
 */
export type WitnessChoice =
  'chosen by you' | 'first input the backdoor flips' | 'first input not classified y′' | 'input 0'

/** witnessChoice as reported (a metric is a number). */
export const CHOICE_CODES: Record<WitnessChoice, number> = {
  'chosen by you': 1,
  'first input the backdoor flips': 2,
  'first input not classified y′': 3,
  'input 0': 4
}

/**
 * The encoder of the config with every head, the rankings, the nullifying residual and the
 * witness head for one held-out input and target y' (see the header).
 */
export function measureWithWitness(G: Float32Array, ctx: Context, yPrime: number) {
  const { config, test } = ctx
  const { m } = config
  const { L } = test
  const nTest = test.n
  const f = encode(G, ctx, 'features')
  try {
    const trained = trainHeads(f, ctx)
    const { attacker } = trained

    // The witness input x (chosen by the user, or the first meaningful one): its features and
    // those of Activate(x).
    const { index: witnessIndex, choice: witnessChoice } =
      config.witnessIndex === undefined
        ? chooseWitnessInput(attacker, f.phiTest, f.phiTrig, yPrime, L)
        : { index: config.witnessIndex % nTest, choice: 'chosen by you' as const }
    const [xRow, xTrigRow] = [f.phiTest, f.phiTrig].map((phi) => {
      const row = tf.slice(phi, [witnessIndex, 0], [1, m])
      const values = Float32Array.from(row.dataSync())
      row.dispose()
      return values
    })

    // The first random head that is a witness for x is kept as a candidate (see witnessHead).
    let randomWitness: Head | null = null
    const heads = evaluateHeads(f, trained, ctx, {
      rankings: true,
      visitRandom: (head) => {
        if (randomWitness !== null) return
        const candidate = head()
        if (holds(witnessConditions(candidate, xRow, xTrigRow, yPrime, L))) {
          randomWitness = candidate
        }
      }
    })
    const { nullified, probes } = heads
    const nullifying = nullified.head
    const probeOutcomes = heads.outcomes.probe

    // Witness head for one held-out input and target y': accurate heads first (probes by
    // clean accuracy, then the nullifying head), then the proof's constructions (witnessHead).
    const candidates: { construction: WitnessConstruction; head: Head }[] = [
      ...probes
        .map((head, i) => ({ head, accuracy: probeOutcomes[i].cleanAccuracy.value }))
        .sort((a, b) => b.accuracy - a.accuracy)
        .map(({ head }) => ({ construction: 'clean probe' as const, head })),
      { construction: 'nullifying head', head: nullifying },
      ...(randomWitness ? [{ construction: 'random head' as const, head: randomWitness }] : [])
    ]
    const witness = witnessHead(attacker, xRow, xTrigRow, yPrime, L, candidates)
    const witnessScores = {
      'scores.attacker.clean': headScores(attacker, xRow, L),
      'scores.attacker.triggered': headScores(attacker, xTrigRow, L),
      'scores.witness.clean': headScores(witness.head, xRow, L),
      'scores.witness.triggered': headScores(witness.head, xTrigRow, L)
    }
    // Computed from the reported scores, not from the construction: (a) some class other than y'
    // strictly outscores y' on x, (b) and on Activate(x), under the witness head.
    const witnessClean = beatenBySomeOtherClass(witnessScores['scores.witness.clean'], yPrime)
    const witnessTriggered = beatenBySomeOtherClass(
      witnessScores['scores.witness.triggered'],
      yPrime
    )
    const [witnessPredictions] = [predictHeads([f.phiTest, f.phiTrig], [witness.head], L)]
    const witnessOutcome = headOutcome(
      witnessPredictions[0][0],
      witnessPredictions[1][0],
      test.labels,
      L
    )
    ctx.tick('witness')

    // The nullifying head's logit change along u, relative to the scale of its logits:
    // <Phi(x + lambda s) - Phi(x), u> for every held-out input, times max_c |(u^T W')_c|.
    const alongT = tf.tidy(() =>
      tf.max(
        tf.abs(
          tf.matMul(
            tf.sub(f.phiTrig, f.phiTest),
            tf.tensor2d(Float32Array.from(nullified.u), [m, 1])
          )
        )
      )
    )
    const maxAlong = alongT.dataSync()[0]
    alongT.dispose()
    const perUnit = logitChangeAlong(nullifying, nullified.u, L)
    const maxChange = maxAlong * Math.max(...Array.from(perUnit, Math.abs))
    const logitScale = maxAbsLogit(f.phiTest, nullifying, L)

    const flag = (b: boolean) => (b ? 1 : 0)
    const runValues = {
      witnessHolds: flag(witnessClean && witnessTriggered),
      witnessCleanNotTarget: flag(witnessClean),
      witnessTriggeredNotTarget: flag(witnessTriggered),
      reversalCleanNotTarget: flag(witness.reversal.cleanNotTarget),
      reversalTriggeredNotTarget: flag(witness.reversal.triggeredNotTarget),
      witnessIndex,
      witnessChoice: CHOICE_CODES[witnessChoice],
      // x's own class: when it is y', no accurate head can meet (a), and the attack is moot on x.
      witnessLabel: test.labels[witnessIndex],
      witnessTarget: yPrime,
      witnessConstruction: CONSTRUCTION_CODES[witness.construction],
      nullifyingResidual: logitScale === 0 ? 0 : maxChange / logitScale,
      triggerShiftNorm: nullified.norm
    }
    return { heads, witnessOutcome, witnessScores, runValues }
  } finally {
    tf.dispose([f.phiTrain, f.phiPoison, f.phiTest, f.phiTrig].filter((t) => t !== undefined))
  }
}

/**
 * The automatic witness input (see WitnessChoice), judged from the attacker's float64 scores as
 * the witness panel shows them ("not classified y'": some other class strictly outscores y').
 * Rows are read in blocks, so the scan stops early without copying every feature row at once.
 */
export function chooseWitnessInput(
  attacker: Head,
  phiTest: tf.Tensor2D,
  phiTrig: tf.Tensor2D,
  yPrime: number,
  L: number
): { index: number; choice: Exclude<WitnessChoice, 'chosen by you'> } {
  const [nTest, m] = phiTest.shape
  const rowsPerBlock = Math.max(1, Math.floor(MAX_BLOCK_FLOATS / 2 / m))
  let firstNotTarget: number | null = null
  for (let start = 0; start < nTest; start += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, nTest - start)
    const [clean, triggered] = [phiTest, phiTrig].map((phi) => {
      const block = tf.slice(phi, [start, 0], [rows, m])
      const values = block.dataSync() as Float32Array
      block.dispose()
      return values
    })
    for (let r = 0; r < rows; r++) {
      const x = headScores(attacker, clean.subarray(r * m, (r + 1) * m), L)
      if (!beatenBySomeOtherClass(x, yPrime)) continue
      const activated = headScores(attacker, triggered.subarray(r * m, (r + 1) * m), L)
      if (!beatenBySomeOtherClass(activated, yPrime)) {
        return { index: start + r, choice: 'first input the backdoor flips' }
      }
      firstNotTarget ??= start + r
    }
  }
  return firstNotTarget === null
    ? { index: 0, choice: 'input 0' }
    : { index: firstNotTarget, choice: 'first input not classified y′' }
}

function maxAbsLogit(phi: tf.Tensor2D, head: Head, L: number): number {
  const t = tf.tidy(() =>
    tf.max(
      tf.abs(tf.add(tf.matMul(phi, tf.tensor2d(head.W, [phi.shape[1], L])), tf.tensor1d(head.b)))
    )
  )
  const value = t.dataSync()[0]
  t.dispose()
  return value
}
