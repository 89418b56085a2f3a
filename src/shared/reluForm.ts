/**
 * The parts of the New experiment form every random-ReLU kind shares: the λ grid's preview, the
 * rule of thumb for λ50 and the size of the largest score matrix. No Node, no DOM.
 */
import { IRIS_FEATURES, MNIST_PIXELS } from './datasets'
import type { Draft, FormContext } from './form'
import { typedNumber } from './form'
import { sig } from './format'
import { lambdaGridSchema, lambdaValues } from './schema'

/** "17 values, step 0.5: λ ∈ {0, 0.5, 1, …, 8}", or null while the grid is not valid. */
export function lambdaPreview(draft: Draft): string | null {
  const grid = lambdaGridSchema.safeParse({
    from: typedNumber(draft['lambdas.from']),
    to: typedNumber(draft['lambdas.to']),
    steps: typedNumber(draft['lambdas.steps'])
  })
  if (!grid.success) return null
  const values = lambdaValues(grid.data)
  const shown =
    values.length <= 7
      ? values.map((v) => sig(v)).join(', ')
      : `${values
          .slice(0, 3)
          .map((v) => sig(v))
          .join(', ')}, …, ${sig(values[values.length - 1])}`
  return `${values.length} values, step ${sig(values[1] - values[0])}: λ ∈ {${shown}}`
}

/** √(1 + θ), the rule of thumb for how much smaller the backdoored λ50 is. */
export function ruleOfThumb(draft: Draft): string | null {
  const theta = typedNumber(draft.theta)
  if (theta == null || !Number.isFinite(theta) || theta < 0) return null
  return sig(Math.sqrt(1 + theta))
}

/** max(n, n_test) × m floats: the largest score matrix a run holds. */
export function scoreCells(config: Record<string, unknown>): number | null {
  const { m, n, nTest } = config as { m?: number | null; n?: number | null; nTest?: number | null }
  if (m == null || n == null || nTest == null) return null
  const cells = Math.max(n, nTest) * m
  return Number.isFinite(cells) ? cells : null
}

/** The grid's card: its note and its preview. */
export function gridSection(note: string) {
  return {
    id: 'grid',
    title: 'Trigger scale grid λ',
    notes: [() => ({ text: note })],
    narrow: true,
    preview: {
      testId: 'lambda-preview',
      text: (draft: Draft) => lambdaPreview(draft) ?? 'Fix the grid to see its values.'
    }
  }
}

/** The note under the network's fields: how much smaller λ50 should be. */
export function ruleOfThumbNote(extra = '') {
  return (draft: Draft) => {
    const rule = ruleOfThumb(draft)
    return rule
      ? {
          text: `Rule of thumb: a large threshold gap makes the backdoored λ50 about √(1 + θ) = ${rule}× smaller than the clean one${extra}.`
        }
      : null
  }
}

/** Whether the draft's data set is a real one (shipped or imported), which brings its own d. */
export function isRealData(draft: Draft): boolean {
  return !['synthetic', 'mixture'].includes(String(draft['dataset.kind']))
}

/** The input dimension of the chosen real data set, when the form knows it. */
export function realDataDimension(
  draft: Draft,
  csv: { name: string; columns: string[] } | null
): FormContext['dataDimension'] {
  if (!isRealData(draft)) return null
  if (draft['dataset.kind'] === 'iris') return { d: IRIS_FEATURES, what: 'Iris has 4 features' }
  if (draft['dataset.kind'] === 'mnist')
    return { d: MNIST_PIXELS, what: `MNIST images have ${MNIST_PIXELS} pixels` }
  if (draft['dataset.kind'] === 'csv' && csv) {
    const d = csv.columns.length - 1
    return { d, what: `${csv.name} has ${d} feature columns` }
  }
  return null
}

/** Real data bring their own d: the config gets it when the schema accepts it. */
export function realD(config: Record<string, unknown>, context: FormContext): void {
  const d = context.dataDimension?.d
  if (d != null && d >= 2 && d <= 4096) config.d = d
}

/** k may not exceed the data's own dimension; say where that dimension comes from. */
export function kWithinData(draft: Draft, context: FormContext) {
  const k = typedNumber(draft.k ?? null)
  const data = context.dataDimension
  return data && k != null && k > data.d
    ? [
        {
          field: 'k',
          message: `k must be at most the data's dimension d = ${data.d} (${data.what}; got k=${k})`
        }
      ]
    : []
}

export const realDataNote = (draft: Draft, context: FormContext) =>
  isRealData(draft)
    ? {
        text: `The input dimension d comes from the data set${context.dataDimension ? ` (d = ${context.dataDimension.d})` : ''}; k must not exceed it.`,
        testId: 'real-data-note'
      }
    : null
