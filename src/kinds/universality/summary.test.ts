import { describe, expect, it } from 'vitest'
import { universalityConfigSchema } from './config'
import type { MetricRecord, RunDetail, RunStatus } from '../../shared/results'
import { twinSentences } from './twin'
import { universalityFacts, universalitySentence, universalityVerdict } from './summary'

const config = universalityConfigSchema.parse({ kind: 'universality' })

const metric = (
  model: string,
  name: string,
  value: number | null,
  lower?: number,
  upper?: number
): MetricRecord => ({ model, name, value, lower, upper })

/** What examples/universality.json measures (rounded): a backdoor that is not universal. */
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
  return {
    id: 9,
    name: 'universality fixture',
    kind: 'universality',
    status,
    seed: 1,
    backend: 'cpu',
    appVersion: '0.1.0',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: '2025-01-01T00:00:09.000Z',
    error: null,
    notes: '',
    tags: [],
    progress: null,
    config,
    environment: null,
    metrics,
    series: [],
    ...overrides
  }
}

/** The measured metrics with some replaced. */
function replacing(...changes: MetricRecord[]): MetricRecord[] {
  return measured.map((m) => changes.find((c) => c.model === m.model && c.name === m.name) ?? m)
}

describe('universalitySentence', () => {
  it('says in numbers that the attacker head is fooled, the nullifying head not, and the verdict', () => {
    expect(universalitySentence(run('done'))).toBe(
      "The attacker's head reaches ASR 0.89 [0.88, 0.91] at 97% clean accuracy; projecting out the mean trigger shift drops it to 0.07 at 96% accuracy; random heads range from 0.00 to 0.94: the backdoor is not universal (gap 0.94 [0.91, 0.96])."
    )
  })

  it('says when every head is fooled about equally, and when none is', () => {
    const equal = replacing(
      metric('nullifying', 'attackSuccessRate', 0.9, 0.88, 0.92),
      metric('random', 'attackSuccessRate.min', 0.88),
      metric('random', 'attackSuccessRate.max', 0.95),
      metric('run', 'universalityGap', 0.07, 0.02, 0.12)
    )
    const sentence = universalitySentence(run('done', equal))
    expect(sentence).toContain('projecting out the mean trigger shift leaves it at 0.90')
    expect(sentence).toMatch(/every head evaluated is fooled about equally \(gap 0\.07/)
    const none = replacing(
      metric('attacker', 'attackSuccessRate', 0.03, 0.02, 0.04),
      metric('random', 'attackSuccessRate.max', 0.05),
      metric('run', 'universalityGap', 0.05, 0.01, 0.08)
    )
    expect(universalitySentence(run('done', none))).toContain('the trigger fools none of the heads')
  })

  it('names a clean encoder, and falls back to the probes without random heads', () => {
    const clean = { ...config, backdoored: false, randomHeads: 0 }
    const sentence = universalitySentence(run('done', measured, { config: clean }))
    expect(sentence).toMatch(/^With a clean encoder, the attacker's head reaches ASR/)
    expect(sentence).toContain('clean probes range from 0.00 to 0.01')
    expect(sentence).not.toContain('random heads')
  })

  it('says where a run is before the heads are evaluated', () => {
    expect(universalitySentence(run('queued', []))).toBe(
      'Waiting for a free worker: 200 random heads and 10 clean probes to evaluate.'
    )
    expect(universalitySentence(run('running', []))).toMatch(/^Training the attacker's head/)
    expect(universalitySentence(run('cancelled', []))).toBe(
      'Cancelled before the heads were evaluated.'
    )
    expect(universalitySentence(run('done', []))).toBe('The run recorded no heads to compare.')
  })
})

describe('universalityFacts and verdict', () => {
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

  it('calls a gap not universal only when its interval stays above 0.1', () => {
    expect(universalityVerdict(run('done'))).toBe('not universal')
    const straddling = replacing(metric('run', 'universalityGap', 0.15, 0.05, 0.25))
    expect(universalityVerdict(run('done', straddling))).toBe('same for every head')
    expect(universalityVerdict(run('done', []))).toBeUndefined()
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
