/**
 * The fields every random-ReLU experiment shares (SCIENCE.md sections 1-5 and 9): the network's
 * shape, the secret, the λ grid, the data sizes, the seed, the target and the τ rule. No Node, no
 * DOM.
 */
import { z } from 'zod'
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

export const reluShape = {
  d: int('d', 2, 4096).default(reluDefaults.d),
  m: int('m', 1, 100_000).default(reluDefaults.m),
  k: int('k', 1, 4096).default(reluDefaults.k),
  theta: real('theta', 0, 10_000).default(reluDefaults.theta),
  lambdas: lambdaGridSchema.default(reluDefaults.lambdas),
  n: int('n', 10, 200_000).default(reluDefaults.n),
  nTest: int('nTest', 10, 200_000).default(reluDefaults.nTest),
  seed: seedField().default(reluDefaults.seed),
  target: z
    .union([z.literal(1), z.literal(-1)], { error: 'target must be 1 or -1' })
    .default(reluDefaults.target),
  tauRule: z
    .enum(['trainingError', 'median'], {
      error: "tauRule must be 'trainingError' or 'median'"
    })
    .default(reluDefaults.tauRule)
}
