import { describe, expect, it } from 'vitest'
import { universalityConfigSchema } from './config'
import type { MetricRecord, RunDetail, RunStatus } from '../../shared/results'
import { twinSentences } from './twin'
import { universalityFacts } from './facts'
import {
  describeUniversalityConfig,
  universalityConfigRows,
  universalityKeyEstimate
} from './summary'
import { universalitySentence, universalityVerdict, type UniversalityVerdict } from './verdict'
import { doneRun } from '../../shared/testing/runs'

const config = universalityConfigSchema.parse({ kind: 'universality' })

const metric = (
  model: string,
  name: string,
  value: number | null,
  lower?: number,
  upper?: number
): MetricRecord => ({ model, name, value, lower, upper })

/**
 * What examples/universality.json measured (rounded) before the lab measured the clean-encoder
 * twin: the records of an older run.
 */
const measured: MetricRecord[] = [
  metric('attacker', 'cleanAccuracy', 0.971, 0.963, 0.977),
  metric('attacker', 'attackSuccessRate', 0.894, 0.876, 0.909),
  metric('nullifying', 'cleanAccuracy', 0.9605, 0.951, 0.968),
  metric('nullifying', 'attackSuccessRate', 0.0663, 0.0544, 0.0807),
  metric('witness', 'cleanAccuracy', 0.002, 0.0008, 0.0051),
  metric('witness', 'attackSuccessRate', 0.0012, 0.0003, 0.0044),
  metric('probe', 'cleanAccuracy.mean', 0.9847),
  metric('probe', 'attackSuccessRate.mean', 0.0039),
  metric('probe', 'attackSuccessRate.min', 0),
  metric('probe', 'attackSuccessRate.max', 0.0104),
  metric('random', 'cleanAccuracy.mean', 0.3355),
  metric('random', 'attackSuccessRate.mean', 0.1875),
  metric('random', 'attackSuccessRate.min', 0),
  metric('random', 'attackSuccessRate.max', 0.937),
  metric('run', 'universalityGap', 0.937, 0.905, 0.957),
  metric('run', 'L', 3),
  metric('run', 'd', 50),
  metric('run', 'n', 2000),
  metric('run', 'nTest', 2000),
  metric('run', 'witnessHolds', 1),
  metric('run', 'witnessIndex', 0),
  metric('run', 'witnessTarget', 0),
  metric('run', 'witnessConstruction', 4),
  metric('run', 'witnessCleanNotTarget', 1),
  metric('run', 'witnessTriggeredNotTarget', 1),
  metric('run', 'witnessLabel', 0),
  metric('run', 'reversalCleanNotTarget', 1),
  metric('run', 'reversalTriggeredNotTarget', 1),
  metric('attacker', 'rankingReversalRate', 0.151),
  metric('probe', 'rankingReversalRate.mean', 0.001),
  metric('random', 'rankingReversalRate.mean', 0.097),
  metric('run', 'nullifyingResidual', 2e-9),
  metric('run', 'triggerShiftNorm', 4.74)
]

function run(
  status: RunStatus,
  metrics: MetricRecord[] = measured,
  overrides: Partial<RunDetail> = {}
): RunDetail {
  return doneRun(9, config, [], {
    name: 'universality fixture',
    status,
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:00:09.000Z',
    metrics,
    ...overrides
  })
}

/** The measured metrics with some replaced. */
function replacing(...changes: MetricRecord[]): MetricRecord[] {
  return measured.map((m) => changes.find((c) => c.model === m.model && c.name === m.name) ?? m)
}

/** What examples/universality.json measures now (rounded): the same run with its twin. */
const current: MetricRecord[] = [
  ...measured,
  metric('cleanEncoder.attacker', 'cleanAccuracy', 0.965, 0.956, 0.972),
  metric('cleanEncoder.attacker', 'attackSuccessRate', 0.873, 0.854, 0.89),
  metric('cleanEncoder.nullifying', 'cleanAccuracy', 0.956, 0.946, 0.964),
  metric('cleanEncoder.nullifying', 'attackSuccessRate', 0.02, 0.014, 0.029),
  metric('cleanEncoder.probe', 'attackSuccessRate.mean', 0.002),
  metric('cleanEncoder.run', 'matchedGap', 0.873, 0.851, 0.89),
  metric('cleanEncoder.run', 'matchedHeads', 12),
  metric('run', 'encoderContribution', 0.021, -0.004, 0.046),
  metric('run', 'matchedGap', 0.894, 0.873, 0.909),
  metric('run', 'matchedHeads', 12),
  metric('attacker', 'matchedHeads', 1),
  metric('probe', 'matchedHeads', 10),
  metric('random', 'matchedHeads', 0),
  metric('nullifying', 'matchedHeads', 1),
  metric('run', 'majorityRate', 0.334)
]

/** The current metrics with some replaced. */
function now(...changes: MetricRecord[]): MetricRecord[] {
  return current.map((m) => changes.find((c) => c.model === m.model && c.name === m.name) ?? m)
}

const clean = { ...config, backdoored: false }

describe('universalitySentence', () => {
  it("splits the attacker head's ASR into the encoder's part and the poisoning, names the optimiser and what one run shows", () => {
    expect(universalitySentence(run('done', current))).toBe(
      "The attacker's head reaches ASR 0.89 [0.88, 0.91] at 97% clean accuracy, and 0.87 [0.85, 0.89] on the clean encoder from the same draws: the encoder's contribution, 0.02 [-0.00, 0.05], is not distinguishable from 0, so that ASR comes from poisoning the head. Projecting out the mean trigger shift drops it to 0.07 at 96% accuracy (heads trained by Adam). Over the 12 heads within 0.05 of its clean accuracy (none of the 200 random heads), the ASR gap is 0.89 [0.87, 0.91], which here measures the poisoning, not the backdoor. One run, one seed: the intervals cover the 2,000 held-out inputs of this one network, not the key, the weights or the training data; for the spread across those, run the same configuration over several seeds (a seed sweep)."
    )
  })

  it('says the backdoor is not universal only when the encoder contributes and an equally accurate head is fooled much less', () => {
    const contributing = now(
      metric('run', 'encoderContribution', 0.08, 0.05, 0.11),
      metric('run', 'matchedGap', 0.88, 0.86, 0.9)
    )
    const sentence = universalitySentence(run('done', contributing))
    expect(sentence).toContain('the encoder contributes 0.08 [0.05, 0.11] of it')
    expect(sentence).toContain(
      'an equally accurate head is fooled much less, so the backdoor is not universal.'
    )
    const gd = { ...config, head: { ...config.head, optimizer: 'gd' as const } }
    expect(universalitySentence(run('done', contributing, { config: gd }))).toContain(
      '(heads trained by gradient descent)'
    )
  })

  it('with a clean encoder never says anything about a backdoor, whatever the gaps (random heads above the attacker included)', () => {
    const sentence = universalitySentence(run('done', current, { config: clean }))
    expect(sentence).toMatch(
      /^With a clean encoder \(no backdoor\), the attacker's head reaches ASR/
    )
    expect(sentence).toContain('all of it from poisoning the head')
    expect(sentence).toContain('what poisoning alone does, the baseline for a backdoored encoder')
    expect(sentence).not.toContain('not universal')
  })

  it('flags a run at chance and says the ASR numbers mean little', () => {
    const chance = now(metric('attacker', 'cleanAccuracy', 0.34, 0.32, 0.36))
    expect(universalitySentence(run('done', chance))).toMatch(
      /^The attacker's head is at chance: clean accuracy 34% \[32%, 36%\] against a majority-class rate of 33%, so the classifier learned nothing, and its ASR \(0\.89 \[0\.88, 0\.91\]\) and the gaps mean little\. One run, one seed/
    )
  })

  it('gives an older run its numbers and says it cannot give a verdict', () => {
    const sentence = universalitySentence(run('done'))
    expect(sentence).toBe(
      "The attacker's head reaches ASR 0.89 [0.88, 0.91] at 97% clean accuracy; projecting out the mean trigger shift drops it to 0.07 at 96% accuracy; random heads range from 0.00 to 0.94 (gap over every head 0.94 [0.91, 0.96]). The version of the lab that made this run did not measure the clean-encoder twin or the accuracy-matched gap, so it cannot tell the encoder's part from the poisoning of the head, and gives no verdict; run it again to measure them. One run, one seed: the intervals cover the 2,000 held-out inputs of this one network, not the key, the weights or the training data; for the spread across those, run the same configuration over several seeds (a seed sweep)."
    )
    const noRandom = universalitySentence(
      run('done', measured, { config: { ...clean, randomHeads: 0 } })
    )
    expect(noRandom).toContain('clean probes range from 0.00 to 0.01')
    expect(noRandom).not.toContain('random heads range')
  })

  it('says where a run is before the heads are evaluated', () => {
    expect(universalitySentence(run('queued', []))).toBe(
      'Waiting for a free worker: 200 random heads and 10 clean probes to evaluate.'
    )
    expect(universalitySentence(run('running', []))).toMatch(
      /^Training the attacker's head and the probes on this encoder and on its clean twin/
    )
    expect(universalitySentence(run('cancelled', []))).toBe(
      'Cancelled before the heads were evaluated.'
    )
    expect(universalitySentence(run('done', []))).toBe('The run recorded no heads to compare.')
  })
})

describe('universalityVerdict', () => {
  const verdict = (metrics: MetricRecord[], c = config) =>
    universalityVerdict(run('done', metrics, { config: c }))

  it('follows the encoder contribution and the matched gap, never the gap over every head', () => {
    expect(verdict(current)).toBe('no encoder effect')
    const contributing = metric('run', 'encoderContribution', 0.08, 0.05, 0.11)
    expect(verdict(now(contributing))).toBe('not universal')
    // The gap over every head is large in every case below: it decides nothing.
    const close = metric('run', 'matchedGap', 0.15, 0.05, 0.25)
    expect(verdict(now(contributing, close))).toBe('same for every head')
    const weak = metric('attacker', 'attackSuccessRate', 0.3, 0.28, 0.32)
    expect(verdict(now(contributing, close, weak))).toBe('no effect')
    expect(verdict([])).toBeUndefined()
    expect(verdict(measured)).toBeUndefined()
  })

  it('tells a clean encoder from a backdoored one: over a grid of numbers, a clean config is never judged a backdoor, nor is a contribution whose interval reaches 0', () => {
    const seen = new Set<UniversalityVerdict | undefined>()
    for (const lower of [-0.2, -0.01, 0, 0.01, 0.3])
      for (const gapLower of [0, 0.05, 0.2, 0.9])
        for (const accuracyLower of [0.2, 0.334, 0.5, 0.96])
          for (const asr of [0.1, 0.6, 0.95]) {
            const metrics = now(
              metric('run', 'encoderContribution', lower + 0.02, lower, lower + 0.04),
              metric('run', 'matchedGap', gapLower + 0.02, gapLower, gapLower + 0.04),
              metric(
                'attacker',
                'cleanAccuracy',
                accuracyLower + 0.01,
                accuracyLower,
                accuracyLower + 0.02
              ),
              metric('attacker', 'attackSuccessRate', asr, asr - 0.01, asr + 0.01)
            )
            const backdoored = verdict(metrics)
            const cleanVerdict = verdict(metrics, clean)
            seen.add(backdoored)
            const atChance = accuracyLower <= 0.334
            expect(cleanVerdict).toBe(atChance ? 'at chance' : 'clean encoder')
            if (atChance) expect(backdoored).toBe('at chance')
            else if (lower <= 0) expect(backdoored).toBe('no encoder effect')
            else expect(backdoored).toMatch(/^(not universal|same for every head|no effect)$/)
          }
    expect(seen).toEqual(
      new Set([
        'at chance',
        'no encoder effect',
        'not universal',
        'same for every head',
        'no effect'
      ])
    )
  })
})

describe('universalityFacts', () => {
  it('reads every family and the witness from the metrics', () => {
    const f = universalityFacts(run('done'))
    expect(f.attacker.asr?.value).toBe(0.894)
    expect(f.random).toEqual({ accuracy: 0.3355, asrMean: 0.1875, asrMin: 0, asrMax: 0.937 })
    expect(f.witness).toMatchObject({
      index: 0,
      target: 0,
      label: 0,
      construction: 'nullifying head',
      holds: true,
      cleanNotTarget: true,
      triggeredNotTarget: true
    })
    expect(f.reversedAttacker).toEqual({ cleanNotTarget: true, triggeredNotTarget: true })
    expect(f.reversal).toEqual({ attacker: 0.151, probe: 0.001, random: 0.097 })
    expect(f.L).toBe(3)
    const failing = replacing(
      metric('run', 'witnessHolds', 0),
      metric('run', 'witnessCleanNotTarget', 0),
      metric('run', 'witnessConstruction', 2)
    )
    expect(universalityFacts(run('done', failing)).witness).toMatchObject({
      construction: 'constant head',
      holds: false,
      cleanNotTarget: false,
      triggeredNotTarget: true
    })
  })

  it('reads the clean-encoder twin, the contribution, the matched heads and the chance flag', () => {
    const f = universalityFacts(run('done', current))
    expect(f.cleanEncoder.attacker.asr?.value).toBe(0.873)
    expect(f.contribution).toMatchObject({ value: 0.021, lower: -0.004, upper: 0.046 })
    expect(f.matched).toMatchObject({ heads: 12, attacker: 1, probe: 10, random: 0, nullifying: 1 })
    expect(f.atChance).toBe(false)
    expect(f.optimizer).toBe('adam')
    expect(f.margin).toBe(0.05)
    // The chance flag compares the lower end of the accuracy interval with the majority rate.
    const edge = now(metric('attacker', 'cleanAccuracy', 0.36, 0.334, 0.38))
    expect(universalityFacts(run('done', edge)).atChance).toBe(true)
    // Older runs: none of it measured, and an older config means Adam.
    const old = universalityFacts(run('done', measured, { config: withoutNewFields() }))
    expect(old.contribution).toBeUndefined()
    expect(old.atChance).toBeUndefined()
    expect(old.matched.gap).toBeUndefined()
    expect(old.optimizer).toBe('adam')
    expect(old.margin).toBeUndefined()
  })

  it('leaves the conditions and reversal rates undefined for runs recorded before they were', () => {
    const old = measured.filter((m) => !/NotTarget|rankingReversalRate|witnessLabel/.test(m.name))
    const f = universalityFacts(run('done', old))
    expect(f.witness.cleanNotTarget).toBeUndefined()
    expect(f.reversedAttacker).toEqual({ cleanNotTarget: undefined, triggeredNotTarget: undefined })
    expect(f.reversal).toEqual({ attacker: undefined, probe: undefined, random: undefined })
    // Their code 1 is the same reversed attacker head.
    const one = replacing(metric('run', 'witnessConstruction', 1))
    expect(universalityFacts(run('done', one)).witness.construction).toBe('reversed attacker head')
  })

  it('reads how the witness input was chosen, undefined for runs from before the lab chose it', () => {
    expect(universalityFacts(run('done')).witness.choice).toBeUndefined()
    const choices = [1, 2, 3, 4].map(
      (code) =>
        universalityFacts(run('done', [...measured, metric('run', 'witnessChoice', code)])).witness
          .choice
    )
    expect(choices).toEqual([
      'chosen by you',
      'first input the backdoor flips',
      'first input not classified y′',
      'input 0'
    ])
  })
})

/** A config as stored by a version of the lab before the optimiser and the margin existed. */
function withoutNewFields() {
  const { accuracyMargin: _margin, ...rest } = config
  const { optimizer: _optimizer, ...head } = config.head
  return { ...rest, head } as unknown as typeof config
}

describe('key estimate and config rows', () => {
  it('is the encoder contribution when measured, the gap over every head for older runs', () => {
    expect(universalityKeyEstimate(run('done', current))).toEqual({
      label: 'encoder contribution',
      value: 0.021,
      lower: -0.004,
      upper: 0.046
    })
    expect(universalityKeyEstimate(run('done'))).toMatchObject({
      label: 'universality gap',
      value: 0.937
    })
  })

  it('names gradient descent in the figure caption, and leaves the default Adam unsaid', () => {
    const gd = { ...config, head: { ...config.head, optimizer: 'gd' as const } }
    expect(describeUniversalityConfig(gd)).toMatch(
      /^a random-ReLU encoder with softmax heads trained by gradient descent \(/
    )
    expect(describeUniversalityConfig(config)).toMatch(
      /^a random-ReLU encoder with softmax heads \(/
    )
  })

  it('shows the optimiser (Adam for older configs) and the accuracy margin', () => {
    const rows = (c: typeof config) =>
      universalityConfigRows({ config: c, metrics: [] }, { csvName: undefined })
    const value = (c: typeof config, key: string) => rows(c).find((r) => r.key === key)?.value
    expect(value(config, 'head')).toMatch(/^Adam, 300 epochs/)
    expect(value({ ...config, head: { ...config.head, optimizer: 'gd' } }, 'head')).toMatch(
      /^gradient descent, 300 epochs/
    )
    expect(value(withoutNewFields(), 'head')).toMatch(/^Adam, /)
    expect(value(config, 'accuracyMargin')).toBe('0.05')
    expect(value(withoutNewFields(), 'accuracyMargin')).toBe('none (older run)')
  })
})

describe('twinSentences: the L >= 3 run next to its L = 2 twin, in their numbers', () => {
  /** What the L = 2 twin of examples/universality.json measures (rounded). */
  const twinMetrics = replacing(
    metric('run', 'L', 2),
    metric('run', 'universalityGap', 0.984, 0.96, 0.99),
    metric('run', 'witnessConstruction', 3),
    metric('run', 'reversalCleanNotTarget', 0),
    metric('attacker', 'rankingReversalRate', 0.444),
    metric('probe', 'rankingReversalRate.mean', 0.014),
    metric('random', 'rankingReversalRate.mean', 0.239)
  )
  const original = run('done')
  const twin = run('done', twinMetrics)

  it('states the ideal reversing backdoor, how far this one is from it, the witness at each L and the reversed head', () => {
    expect(twinSentences(original, twin)).toEqual([
      'A backdoor below the last layer can at best reverse every head’s ranking of the classes (in the proof’s idealisation Φ(Activate(x)) ≈ −k·Φ(x)). At L = 2 that flips the label under every bias-free head, so such a backdoor would be universal; at L ≥ 3 it puts each head’s lowest class first, which is not a chosen target.',
      'This backdoor sends Activate(x) to the class ranked lowest on x for 24% of the held-out inputs at L = 2 and 9.7% at L = 3 (mean over the random heads’ rankings; the reversing backdoor: 100%), so at L = 2 it is far from that universal one.',
      'A witness exists at both L: at L = 2 a clean probe is a witness; at L = 3 the nullifying head is a witness.',
      'Reversing the attacker’s head (W′ = −W): at L = 2 it moves x itself to y′ (condition a fails); at L = 3 it is a witness.'
    ])
  })

  it('says "close to" only for a reversal rate near 1, and names the trivial constant head', () => {
    const reversing = replacing(
      metric('run', 'L', 2),
      metric('random', 'rankingReversalRate.mean', 1),
      metric('run', 'witnessConstruction', 2)
    )
    const [, rate, witness] = twinSentences(original, run('done', reversing))
    expect(rate).toContain('for 100% of the held-out inputs at L = 2')
    expect(rate).toContain('close to that universal one')
    expect(witness).toContain('at L = 2 only the trivial constant head is a witness')
  })

  it('never says a witness exists at both L when one fails, and says which condition failed', () => {
    const failing = replacing(
      metric('run', 'L', 2),
      metric('run', 'witnessHolds', 0),
      metric('run', 'witnessTriggeredNotTarget', 0),
      metric('run', 'reversalTriggeredNotTarget', 0)
    )
    const text = twinSentences(original, run('done', failing)).join(' ')
    expect(text).not.toContain('both L')
    expect(text).toContain('no head tried is a witness at L = 2')
    expect(text).toContain('at L = 2 Activate(x) still goes to y′ (condition b fails)')
  })

  it('says when the attacker already puts x in y′, so that the witness says little', () => {
    const scores = (values: number[]) => ({
      model: 'witness',
      name: 'scores.attacker.clean',
      points: values.map((value, x) => ({ x, value }))
    })
    const moot = run('done', replacing(metric('run', 'L', 2)), { series: [scores([2, -1])] })
    expect(twinSentences(original, moot).at(-1)).toBe(
      'At L = 2 the attacker’s head already classifies x as y′, so the trigger has nothing to change on that input and its witness says little; another input or target (witness panel) shows more.'
    )
    const meaningful = run('done', replacing(metric('run', 'L', 2)), { series: [scores([-1, 2])] })
    expect(twinSentences(original, meaningful)).toHaveLength(4)
    expect(
      twinSentences(run('done', measured, { series: [scores([3, 1, 2])] }), moot).at(-1)
    ).toMatch(/^At L = 2 and at L = 3 the attacker’s head already classifies x as y′/)
  })

  it('says what the encoder adds at each L when both runs measured their clean-encoder twins', () => {
    const contribution = (value: number) =>
      metric('run', 'encoderContribution', value, value - 0.03, value + 0.03)
    const withTwin = run('done', now(contribution(0.05)))
    const twinWithTwin = run('done', [
      ...twinMetrics.filter((m) => m.name !== 'encoderContribution'),
      contribution(0.12)
    ])
    expect(twinSentences(withTwin, twinWithTwin)).toContain(
      'Against the clean encoder from the same draws, the encoder itself adds 0.12 [0.09, 0.15] to the attacker head’s ASR at L = 2 and 0.05 [0.02, 0.08] at L = 3; the rest is the poisoning of the head.'
    )
    // Older runs have no such numbers, and say nothing of them.
    expect(twinSentences(original, twin).join(' ')).not.toContain('encoder itself adds')
  })

  it('is empty until both runs have their numbers, and falls back to probes without random heads', () => {
    expect(twinSentences(original, run('running', []))).toEqual([])
    const noRandom = (ms: MetricRecord[]) =>
      ms.filter((m) => !(m.model === 'random' && m.name === 'rankingReversalRate.mean'))
    const [, rate] = twinSentences(
      run('done', noRandom(measured)),
      run('done', noRandom(twinMetrics))
    )
    expect(rate).toContain('1.4% of the held-out inputs at L = 2 and 0.1% at L = 3')
    expect(rate).toContain('clean probes’ rankings')
  })
})
