/**
 * The detectability frontier (SCIENCE.md section 11): over a θ grid, how often a defender who sees
 * the weights detects the backdoor, against how strong it is, from the same draws. No Node, no DOM.
 */
import { z } from 'zod'
import {
  dField,
  kField,
  nTestField,
  reluDefaults,
  reluShape,
  syntheticLabels
} from '../../shared/relu'
import {
  gridSchema,
  int,
  type LambdaGrid,
  kNotAboveD,
  lambdaValues,
  MAX_SCORE_CELLS,
  memoryGuard,
  real
} from '../../shared/schema'

export const detectabilityDefaults = {
  kind: 'detectability' as const,
  d: reluDefaults.d,
  m: reluDefaults.m,
  k: reluDefaults.k,
  thetas: { from: 0.05, to: 5, steps: 7 },
  draws: 12,
  nullDraws: 200,
  alpha: 0.05,
  powerBound: 0.1,
  lambda: 3,
  // Coarser and smaller than an effectiveness run's defaults: R draws at every θ each run one.
  lambdas: { from: 0, to: 8, steps: 9 },
  n: 500,
  nTest: 500,
  seed: reluDefaults.seed,
  target: reluDefaults.target,
  tauRule: reluDefaults.tauRule,
  labels: 'norm' as 'norm' | 'teacher'
}

/** θ values from `from` to `to`, both included, evenly spaced on a log scale. */
export const thetaGridSchema = gridSchema(
  'thetas',
  { min: 0.0001, max: 10_000, maxSteps: 40 },
  {
    quantity: 'θ',
    from: {
      label: 'Smallest θ',
      symbol: 'θ₀',
      help: 'The grid is evenly spaced on a log scale, so it must start above 0.'
    },
    to: { label: 'Largest θ', symbol: 'θ₁', help: 'Included.' },
    steps: {
      label: 'Steps',
      symbol: '#θ',
      help: 'Values of θ, evenly spaced on a log scale, both ends included.'
    }
  }
)
export type ThetaGrid = z.infer<typeof thetaGridSchema>

export function thetaValues(grid: ThetaGrid): number[] {
  const ratio = Math.log(grid.to / grid.from)
  return Array.from({ length: grid.steps }, (_, i) =>
    i === 0
      ? grid.from
      : i === grid.steps - 1
        ? grid.to
        : grid.from * Math.exp((ratio * i) / (grid.steps - 1))
  )
}

/** The index of λ on the grid, or -1 when it is not one of its values (to rounding). */
export function lambdaIndex(lambdas: number[], lambda: number): number {
  return lambdas.findIndex((v) => Math.abs(v - lambda) <= 1e-9 * Math.max(1, Math.abs(lambda)))
}

const shape = reluShape

export const detectabilityConfigSchema = z
  .object({
    kind: z.literal('detectability'),
    d: dField().default(detectabilityDefaults.d),
    m: shape.m,
    k: kField().default(detectabilityDefaults.k),
    thetas: thetaGridSchema.default(detectabilityDefaults.thetas),
    draws: int('draws', 2, 1000, {
      label: 'Backdoored draws per θ',
      symbol: 'R',
      help: 'Independent networks (key, weights, data) per θ; draw r has the same seed at every θ.'
    }).default(detectabilityDefaults.draws),
    nullDraws: int('nullDraws', 19, 5000, {
      label: 'Null draws',
      symbol: 'B',
      help: 'Clean weight matrices of the same shape for the Monte Carlo null; p-values are multiples of 1/(B+1). Shared with every run of the same shape and seed.'
    }).default(detectabilityDefaults.nullDraws),
    alpha: real('alpha', 0.001, 0.5, {
      label: 'Test level',
      symbol: 'α',
      help: 'A draw counts as detected when its p-value is at most α.'
    }).default(detectabilityDefaults.alpha),
    powerBound: real('powerBound', 0.001, 1, {
      label: 'Power bound',
      symbol: 'β̄',
      help: 'The summary names the largest θ up to which every test’s power stays below this.'
    }).default(detectabilityDefaults.powerBound),
    lambda: real('lambda', 0, 1e6, {
      label: 'λ for the advantage',
      symbol: 'λ',
      help: 'The strength side reports the backdoor advantage at this trigger scale; it must be a value of the λ grid.'
    }).default(detectabilityDefaults.lambda),
    lambdas: shape.lambdas.default(detectabilityDefaults.lambdas),
    n: shape.n.default(detectabilityDefaults.n),
    nTest: nTestField().default(detectabilityDefaults.nTest),
    seed: shape.seed,
    target: shape.target,
    tauRule: shape.tauRule,
    labels: syntheticLabels('labels').default(detectabilityDefaults.labels)
  })
  .refine((c) => c.k <= c.d, kNotAboveD)
  .refine((c) => Math.max(c.n, c.nTest) * c.m <= MAX_SCORE_CELLS, memoryGuard)
  .refine((c) => lambdaIndex(lambdaValues(c.lambdas), c.lambda) >= 0, {
    error: (issue) => {
      const c = issue.input as { lambdas: LambdaGrid; lambda: number }
      const values = lambdaValues(c.lambdas)
      const v = (x: number) => String(+x.toPrecision(6))
      const shown =
        values.length <= 9
          ? values.map(v).join(', ')
          : `${v(values[0])}, ${v(values[1])}, …, ${v(values[values.length - 1])}`
      return `λ for the advantage must be one of the λ grid's values (${shown}); got ${c.lambda}`
    },
    path: ['lambda']
  })
export type DetectabilityConfig = z.infer<typeof detectabilityConfigSchema>
