/**
 * The fields every random-ReLU experiment shares (SCIENCE.md sections 1-5 and 9): the network's
 * shape, the secret, the λ grid, the data sizes, the seed, the target and the τ rule. No Node, no
 * DOM.
 */
import { z } from 'zod'
import { withMeta } from './fields'
import { int, lambdaGridSchema, real, seedField } from './schema'

export const reluDefaults = {
  d: 100,
  m: 2000,
  k: 10,
  theta: 4,
  lambdas: { from: 0, to: 8, steps: 17 },
  n: 2000,
  nTest: 2000,
  seed: 1,
  target: 1 as 1 | -1,
  tauRule: 'trainingError' as 'trainingError' | 'median'
}

export const dField = () =>
  int('d', 2, 4096, {
    label: 'Input dimension',
    symbol: 'd',
    help: 'Coordinates of each input x ~ N(0, I_d).'
  })

export const kField = () =>
  int('k', 1, 4096, {
    label: 'Secret sparsity',
    symbol: 'k',
    help: 'Non-zero coordinates of the secret key s, each ±1/√k, so ‖s‖ = 1. At most d.'
  })

export const thetaField = () =>
  real('theta', 0, 10_000, {
    label: 'Spike strength',
    symbol: 'θ',
    help: 'Backdoored rows gᵢ ~ N(0, I + θ s sᵀ); θ = 0 is the clean network exactly.'
  })

export const nTestField = () =>
  int('nTest', 10, 200_000, {
    label: 'Held-out samples',
    symbol: 'n_test',
    help: 'Clean accuracy and attack success rate are measured on these.'
  })

/** Norm: y = +1 iff ‖x‖² exceeds the χ²_d median; teacher: a clean network labels the data. */
export const syntheticLabels = (field: string) =>
  withMeta(z.enum(['norm', 'teacher'], { error: `${field} must be 'norm' or 'teacher'` }), {
    label: 'Labels',
    symbol: 'y',
    help: 'Norm: y = +1 iff ‖x‖² exceeds the χ²_d median. Teacher: a clean random ReLU network of width m labels the data.',
    options: { norm: 'Norm task', teacher: 'Random ReLU teacher' }
  })

export const reluShape = {
  d: dField().default(reluDefaults.d),
  m: int('m', 1, 100_000, {
    label: 'Hidden width',
    symbol: 'm',
    help: 'Random ReLU features ψᵢ(x) = ReLU(⟨gᵢ, x⟩). Larger m tracks the theory closer (noise ~ 1/√m).'
  }).default(reluDefaults.m),
  k: kField().default(reluDefaults.k),
  theta: thetaField().default(reluDefaults.theta),
  lambdas: lambdaGridSchema.default(reluDefaults.lambdas),
  n: int('n', 10, 200_000, {
    label: 'Training samples',
    symbol: 'n',
    help: 'Used only to fit the threshold τ.'
  }).default(reluDefaults.n),
  nTest: nTestField().default(reluDefaults.nTest),
  seed: seedField(
    'Every draw (data, key, weights) comes from it: same seed, same numbers.'
  ).default(reluDefaults.seed),
  target: withMeta(z.union([z.literal(1), z.literal(-1)], { error: 'target must be 1 or -1' }), {
    label: 'Target label',
    symbol: 'target',
    help: 'The label the attacker wants. ASR counts held-out inputs not already in it.',
    options: { '1': '+1', '-1': '−1' }
  }).default(reluDefaults.target),
  tauRule: withMeta(
    z.enum(['trainingError', 'median'], {
      error: "tauRule must be 'trainingError' or 'median'"
    }),
    {
      label: 'Threshold rule',
      symbol: 'τ',
      help: 'h(x) = sgn(f(x) − τ); τ fitted on the training data.',
      options: { trainingError: 'Minimise training error', median: 'Median of f' }
    }
  ).default(reluDefaults.tauRule)
}
