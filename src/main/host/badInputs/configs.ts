/**
 * Bad experiment configs, refused before anything is saved: a field the kind does not know
 * (with the field meant), a run over the memory budget (with the field to lower), and what the
 * data cannot hold (k beyond a real data set's dimension, a target beyond its classes). The
 * corpus lab holds the imported file iris.csv as data set 1 (4 features, 3 species).
 */
import type { ApiBadInput } from './types'

/** The corpus lab's memory budget per run: 1 GB. */
export const CORPUS_BUDGET = 2 ** 30

const run = (config: Record<string, unknown>) => ({ config })

export const configBadInputs: Omit<ApiBadInput, 'channel'>[] = [
  {
    title: 'a misspelt field does not run with the default',
    method: 'startRun',
    params: run({ kind: 'effectiveness', thetaa: 9 }),
    field: 'thetaa',
    rule: 'unknown field; did you mean theta?'
  },
  {
    title: 'a misspelt nested field',
    method: 'startRun',
    params: run({ kind: 'finetune', train: { learningrate: 0.01 } }),
    field: 'train.learningrate',
    rule: 'did you mean train.learningRate?'
  },
  {
    title: 'a misspelt data-set field',
    method: 'startRun',
    params: run({ kind: 'finetune', k: 2, dataset: { kind: 'iris', positiveClas: 1 } }),
    field: 'dataset.positiveClas',
    rule: 'did you mean dataset.positiveClass?'
  },
  {
    title: 'a misspelt head-training field',
    method: 'startRun',
    params: run({ kind: 'universality', head: { epoch: 10 } }),
    field: 'head.epoch',
    rule: 'did you mean head.epochs?'
  },
  {
    title: 'a kind the lab does not have',
    method: 'startRun',
    params: run({ kind: 'effectivness' }),
    field: 'kind',
    rule: "kind must be one of: 'effectiveness'"
  },
  {
    title: 'd = 4096, m = 2000, n = n_test = 32000 is over the memory budget',
    method: 'startRun',
    params: run({ kind: 'effectiveness', d: 4096, m: 2000, n: 32000, nTest: 32000 }),
    field: 'm',
    rule: 'over the lab’s 1 GB per run; lower m'
  },
  {
    title: 'd = 4096, m = 100000: the weights alone are over the budget',
    method: 'startRun',
    params: run({ kind: 'effectiveness', d: 4096, m: 100_000, n: 500, nTest: 500 }),
    field: 'm',
    rule: 'mostly the m × d weights'
  },
  {
    title: 'universality on all of MNIST with m = 20000 escapes no guard',
    method: 'startRun',
    params: run({ kind: 'universality', dataset: { kind: 'mnist' }, m: 20_000, k: 10 }),
    field: 'm',
    rule: 'this run would hold about'
  },
  {
    title: 'fine-tuning on two MNIST digits with m = 40000',
    method: 'startRun',
    params: run({
      kind: 'finetune',
      dataset: { kind: 'mnist', positiveDigit: 1, negativeDigit: 7 },
      m: 40_000
    }),
    field: 'm',
    rule: 'over the lab’s 1 GB per run'
  },
  {
    title: 'a CSV file with 4 features and the default k = 10',
    method: 'startRun',
    params: run({
      kind: 'finetune',
      dataset: { kind: 'csv', datasetId: 1, labelColumn: 'species', positiveLabel: 'setosa' }
    }),
    field: 'k',
    rule: "k must be at most the data's dimension d = 4 (iris.csv has 4 feature columns; got k=10)"
  },
  {
    title: 'universality on Iris with the default k = 10',
    method: 'startRun',
    params: run({ kind: 'universality', dataset: { kind: 'iris' } }),
    field: 'k',
    rule: 'Iris has 4 features; got k=10'
  },
  {
    title: 'universality on Iris with a target beyond its 3 species',
    method: 'startRun',
    params: run({ kind: 'universality', dataset: { kind: 'iris' }, k: 2, target: 3 }),
    field: 'target',
    rule: 'target must be a class below L = 3 (Iris has 3 species; got target=3)'
  },
  {
    title: 'a witness target beyond the classes of MNIST digits 3, 5, 8',
    method: 'startRun',
    params: run({
      kind: 'universality',
      dataset: { kind: 'mnist', digits: [3, 5, 8] },
      witnessTarget: 4
    }),
    field: 'witnessTarget',
    rule: 'witnessTarget must be a class below L = 3 (3 digits are chosen; got witnessTarget=4)'
  },
  {
    title: 'a target beyond the values of the CSV file’s label column',
    method: 'startRun',
    params: run({
      kind: 'universality',
      dataset: { kind: 'csv', datasetId: 1, labelColumn: 'species' },
      k: 2,
      target: 5
    }),
    field: 'target',
    rule: 'column species has 3 values; got target=5'
  }
]
