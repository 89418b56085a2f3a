/**
 * What a config asks of the machine and of its data, checked before a run is saved: the memory
 * its largest matrices take, and what the schema cannot check alone (k against the data's own
 * dimension, a target class against the data's classes). No Node, no DOM.
 */
import type { DataFacts } from './datasets'
import { sig } from './format'
import type { FieldError } from './schema'

/** A run's peak memory, estimated from the matrices it holds, and the field that sets most of it. */
export interface MemoryEstimate {
  bytes: number
  /** The config field to lower first (its dotted path). */
  field: string
  /** The largest matrices, in words: "n × m scores". */
  what: string
}

const FLOAT = 4

/**
 * A random-ReLU run's peak bytes: the weights (m × d, `weightCopies` of them: clean and
 * backdoored rows, optimiser state), the data (rows × d) and the score matrices (max(n, n_test) ×
 * m, `scoreCopies` alive at once). The copies are what the lab's code holds at its peak, measured
 * with tf.profile on each kind (see limits.test.ts).
 */
export function reluMemory(
  shape: { m: number; d: number; rows: number; scoreRows: number },
  copies: { weights: number; scores: number }
): MemoryEstimate {
  const weights = copies.weights * shape.m * shape.d
  const data = shape.rows * shape.d
  const scores = copies.scores * shape.scoreRows * shape.m
  const bytes = FLOAT * (weights + data + scores)
  return scores >= weights
    ? { bytes, field: 'm', what: `the ${shape.scoreRows.toLocaleString('en-US')} × m scores` }
    : { bytes, field: 'm', what: 'the m × d weights' }
}

/**
 * The shape of a random-ReLU run on its data: a real data set brings its own rows and d (known
 * from its facts); data the lab draws have the configured n, n_test and d.
 */
export function reluShapeOnData(
  config: { m: number; d: number; n: number; nTest: number },
  facts: DataFacts | null,
  real: boolean
): { m: number; d: number; rows: number; scoreRows: number } {
  if (real && facts?.rows != null) {
    return { m: config.m, d: facts.d ?? config.d, rows: facts.rows, scoreRows: facts.rows }
  }
  return {
    m: config.m,
    d: config.d,
    rows: config.n + config.nTest,
    scoreRows: Math.max(config.n, config.nTest)
  }
}

/** A byte count for people: "812 MB", "3.2 GB". */
export function formatMemory(bytes: number): string {
  if (bytes >= 2 ** 30) return `${sig(bytes / 2 ** 30, 2)} GB`
  return `${sig(Math.max(bytes / 2 ** 20, 1), 3)} MB`
}

/** The message for a run over the memory budget. */
export function overBudget(estimate: MemoryEstimate, budget: number): FieldError {
  return {
    field: estimate.field,
    message: `${estimate.field}: this run would hold about ${formatMemory(estimate.bytes)} (mostly ${estimate.what}), over the lab’s ${formatMemory(budget)} per run; lower ${estimate.field} (or raise BACKDOOR_LAB_MEMORY_BUDGET)`
  }
}

/** k of the secret must fit in the data's own dimension. */
export function kWithinDataErrors(config: { k?: unknown }, facts: DataFacts): FieldError[] {
  const k = config.k
  return typeof k === 'number' && facts.d != null && k > facts.d
    ? [
        {
          field: 'k',
          message: `k must be at most the data's dimension d = ${facts.d} (${facts.dWhat}; got k=${k})`
        }
      ]
    : []
}

/** A class index (`target`, `witnessTarget`) must name one of the data's classes. */
export function classErrors(field: string, value: unknown, facts: DataFacts): FieldError[] {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    facts.classes != null &&
    value >= facts.classes
    ? [
        {
          field,
          message: `${field} must be a class below L = ${facts.classes} (${facts.classesWhat}; got ${field}=${value})`
        }
      ]
    : []
}
