/** The New experiment form of a detectability frontier: its fields in sections, from the schema. */
import { thetaGridSchema, thetaValues } from './config'
import { bbpThreshold } from './theory'
import type { Draft, FormLayout } from '../../shared/form'
import { typedNumber } from '../../shared/form'
import { sig } from '../../shared/format'
import { gridSection, scoreCells } from '../../shared/reluForm'

/** "7 values, ×2.15 each: θ ∈ {0.05, 0.108, …, 5}", or null while the grid is not valid. */
export function thetaPreview(draft: Draft): string | null {
  const grid = thetaGridSchema.safeParse({
    from: typedNumber(draft['thetas.from']),
    to: typedNumber(draft['thetas.to']),
    steps: typedNumber(draft['thetas.steps'])
  })
  if (!grid.success) return null
  const values = thetaValues(grid.data)
  const shown =
    values.length <= 6
      ? values.map((v) => sig(v)).join(', ')
      : `${values
          .slice(0, 3)
          .map((v) => sig(v))
          .join(', ')}, …, ${sig(values[values.length - 1])}`
  return `${values.length} values, ×${sig(values[1] / values[0])} each: θ ∈ {${shown}}`
}

/** Where the BBP threshold falls for the draft's d and m. */
function thresholdNote(draft: Draft) {
  const d = typedNumber(draft.d)
  const m = typedNumber(draft.m)
  if (d == null || m == null || !(d > 0) || !(m > 0)) return null
  return {
    text: `BBP threshold √(d/m) = ${sig(bbpThreshold(d, m))}: above it a spike pushes the top eigenvalue of GᵀG/m out of the bulk, and the spectral test sees it; below it only the sparse tests may.`,
    testId: 'bbp-note'
  }
}

/** What the draws add up to. */
function drawsPreview(draft: Draft): string | null {
  const steps = typedNumber(draft['thetas.steps'])
  const R = typedNumber(draft.draws)
  const B = typedNumber(draft.nullDraws)
  if (steps == null || R == null || B == null) return null
  if (![steps, R, B].every((v) => Number.isInteger(v) && v > 0)) return null
  return `${(steps * R).toLocaleString('en-US')} backdoored networks (each one effectiveness run) and ${B.toLocaleString('en-US')} null draws (reused when this shape and seed were drawn before); p-values are multiples of 1/${B + 1}`
}

export const detectabilityForm: FormLayout = {
  lede: 'Over a grid of spike strengths θ, how often does a defender who sees the weights find the backdoor, and how strong is it there?',
  namePlaceholder: 'e.g. default shape, θ from 0.05 to 5',
  // Its own family: the random-ReLU kinds' drafts carry n, n_test and a λ grid sized for one run,
  // four times the work of the frontier's per draw.
  family: 'detectability',
  sections: [
    {
      id: 'network',
      title: 'Network and secret',
      fields: ['d', 'm', 'k'],
      notes: [thresholdNote]
    },
    {
      id: 'thetas',
      title: 'Spike strength grid θ',
      notes: [() => ({ text: 'Evenly spaced on a log scale; the charts draw θ on a log axis.' })],
      fields: ['thetas.from', 'thetas.to', 'thetas.steps'],
      narrow: true,
      preview: {
        testId: 'theta-preview',
        text: (draft) => thetaPreview(draft) ?? 'Fix the grid to see its values.'
      }
    },
    {
      id: 'tests',
      title: 'Tests',
      fields: ['draws', 'nullDraws', 'alpha', 'powerBound'],
      preview: { testId: 'draws-preview', text: (draft) => drawsPreview(draft) }
    },
    {
      ...gridSection(
        'The strength side: each draw runs as an effectiveness experiment over this λ grid; its advantage is read at λ.'
      ),
      fields: ['lambdas.from', 'lambdas.to', 'lambdas.steps', 'lambda']
    },
    {
      id: 'data',
      title: 'Data, classifier and attack',
      fields: ['n', 'nTest', 'seed', 'target', 'tauRule', 'labels']
    }
  ],
  cells: scoreCells
}
