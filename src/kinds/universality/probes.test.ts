/**
 * Experiment B, head universality (SCIENCE.md section 7): clean probes against the mixture's
 * Bayes rate, and the no-backdoor control, where no head has the attacker's advantage.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../main/lab/backend'
import { mixtureMeans } from '../../main/lab/mixture'
import { stream } from '../../main/lab/rng'
import { wilsonInterval } from '../../main/lab/stats'
import { run, small } from './run.fixture'

beforeAll(async () => {
  await initBackend()
})

/** Standard normal CDF via erfc (Numerical Recipes' erfcc, fractional error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.5 * z)
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    )
  return x >= 0 ? 1 - erfc / 2 : erfc / 2
}

describe('runUniversality: clean probes and the no-backdoor control', () => {
  for (const L of [3, 5]) {
    it(`clean probes beat chance 1/L by half the gap to the mixture's Bayes accuracy bound (L = ${L})`, async () => {
      // Bayes rule for equal priors and identity covariance is the nearest mean; by the union
      // bound its accuracy is at least 1 - (1/L) sum_c sum_{c' != c} Phi(-||mu_c - mu_c'|| / 2).
      // Required: every probe's Wilson lower bound above 1/L + (bound - 1/L) / 2.
      const cfg = small({ dataset: { kind: 'mixture', L, spread: 0.5 }, probes: 4, randomHeads: 0 })
      const means = mixtureMeans(L, cfg.d, 0.5, stream(cfg.seed, 'data/means'))
      let pairError = 0
      for (let a = 0; a < L; a++)
        for (let b = 0; b < L; b++) {
          if (a === b) continue
          let sq = 0
          for (let j = 0; j < cfg.d; j++) sq += (means[a * cfg.d + j] - means[b * cfg.d + j]) ** 2
          pairError += normalCdf(-Math.sqrt(sq) / 2) / L
        }
      const bayesBound = 1 - pairError
      expect(bayesBound).toBeGreaterThan(1 / L + 0.1) // the mixture is separated enough to test
      const margin = (bayesBound - 1 / L) / 2
      const r = await run(cfg)
      const points = r.seriesOf('probe', 'scatter').points
      expect(points).toHaveLength(4)
      for (const p of points) {
        const lower = wilsonInterval(Math.round(p.x * cfg.nTest), cfg.nTest).lower
        expect(lower).toBeGreaterThan(1 / L + margin)
      }
    })
  }

  for (const control of [{ backdoored: false }, { theta: 0 }]) {
    it(`gives the attacker head no advantage over clean probes beyond the intervals with ${JSON.stringify(control)} and no poison`, async () => {
      const r = await run(small({ ...control, poisonFraction: 0 }))
      const attacker = r.seriesOf('attacker', 'scatter').points[0]
      const probes = r.seriesOf('probe', 'scatter').points
      const maxUpper = Math.max(...probes.map((p) => p.upper!))
      const minLower = Math.min(...probes.map((p) => p.lower!))
      expect(attacker.lower!).toBeLessThanOrEqual(maxUpper)
      expect(attacker.upper!).toBeGreaterThanOrEqual(minLower)
    })
  }

  it('gives a rankingReversalRate far from 1 (the ranking-reversing backdoor) for random heads with theta = 0, at L = 2 and L = 3', async () => {
    for (const L of [2, 3]) {
      const r = await run(small({ theta: 0, dataset: { kind: 'mixture', L, spread: 0.5 } }))
      const rate = r.metricValue('random', 'rankingReversalRate.mean')!
      expect(rate, `L=${L}`).toBeGreaterThanOrEqual(0)
      expect(rate, `L=${L}`).toBeLessThan(0.5)
    }
  })

  it('(the same comparison does show the advantage with the backdoor and poisoned copies)', async () => {
    const r = await run(small())
    const attacker = r.seriesOf('attacker', 'scatter').points[0]
    const probes = r.seriesOf('probe', 'scatter').points
    expect(attacker.lower!).toBeGreaterThan(Math.max(...probes.map((p) => p.upper!)))
  })
})
