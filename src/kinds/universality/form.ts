/** The New experiment form of a universality run: its fields in sections, from the schema. */
import { IRIS_CLASS_NAMES, MNIST_DIGITS } from '../../shared/datasets'
import type { Draft, FormContext, FormLayout } from '../../shared/form'
import { isEmpty, typedNumber } from '../../shared/form'
import { sig } from '../../shared/format'
import {
  kWithinData,
  realD,
  realDataDimension,
  realDataNote,
  scoreCells
} from '../../shared/reluForm'
import type { FieldError } from '../../shared/schema'

const mixture = (draft: Draft) => draft['dataset.kind'] === 'mixture'
const real = (draft: Draft) => !mixture(draft)
const dataIs = (kind: string) => (draft: Draft) => draft['dataset.kind'] === kind

/** The digits checked, in increasing order: class c is the c-th of them. */
export function checkedDigits(draft: Draft): number[] {
  const digits = draft['dataset.digits']
  return Array.isArray(digits) ? MNIST_DIGITS.filter((d) => digits.includes(d)) : []
}

/** The number of classes L of the chosen data, when the form knows it. */
function classCount(
  draft: Draft,
  csv: { labelCandidates?: { column: string; values: unknown[] }[] } | null
): FormContext['classCount'] {
  switch (draft['dataset.kind']) {
    case 'mixture': {
      const L = typedNumber(draft['dataset.L'])
      return L != null && Number.isInteger(L) && L >= 2 && L <= 20
        ? { L, what: 'the mixture has L classes' }
        : null
    }
    case 'iris':
      return { L: 3, what: 'Iris has 3 species' }
    case 'mnist': {
      const L = checkedDigits(draft).length
      return L >= 2 ? { L, what: `${L} digits are chosen` } : null
    }
    case 'csv': {
      const column = draft['dataset.labelColumn']
      const values = csv?.labelCandidates?.find((c) => c.column === column)?.values
      return values && values.length >= 2
        ? { L: values.length, what: `column ${String(column)} has ${values.length} values` }
        : null
    }
  }
  return null
}

/** The classes in words, so the target and y′ can be chosen by name. */
function classPreview(draft: Draft, context: FormContext): string | null {
  const count = context.classCount
  switch (draft['dataset.kind']) {
    case 'mixture': {
      if (!count) return null
      const spread = typedNumber(draft['dataset.spread'])
      const d = typedNumber(draft.d)
      const means = spread != null && d != null ? `; means μ_c ~ N(0, ${sig(spread)}² I_${d})` : ''
      return `L = ${count.L} classes 0 … ${count.L - 1}${means}`
    }
    case 'iris':
      return `L = 3 classes: ${IRIS_CLASS_NAMES.map((name, c) => `${c} = ${name}`).join(', ')}`
    case 'mnist': {
      const digits = checkedDigits(draft)
      if (digits.length === 0) return null
      return `L = ${digits.length} classes: ${digits.map((digit, c) => `${c} = digit ${digit}`).join(', ')}`
    }
    case 'csv':
      return count ? `L = ${count.L} classes (${count.what})` : null
  }
  return null
}

/** Checks the schema cannot make: classes of real data, and the witness target. */
function classErrors(draft: Draft, context: FormContext): FieldError[] {
  const errors: FieldError[] = kWithinData(draft, context)
  const classes = context.classCount
  if (!classes) return errors
  const target = typedNumber(draft.target)
  if (real(draft) && target != null && Number.isInteger(target) && target >= classes.L) {
    errors.push({
      field: 'target',
      message: `target must be a class below L = ${classes.L} (${classes.what}; got target=${target})`
    })
  }
  const witness = isEmpty(draft.witnessTarget) ? null : typedNumber(draft.witnessTarget)
  if (witness != null && Number.isInteger(witness) && witness >= 0 && witness >= classes.L) {
    errors.push({
      field: 'witnessTarget',
      message: `witnessTarget must be a class below L = ${classes.L} (got witnessTarget=${witness})`
    })
  }
  return errors
}

export const universalityForm: FormLayout = {
  lede: 'Plant a sparse-PCA backdoor in the encoder below the last layer, then let the defender choose the linear head, and see which heads the trigger still fools.',
  namePlaceholder: 'e.g. L = 3, 200 random heads',
  family: 'universality',
  sections: [
    {
      id: 'data',
      title: 'Data',
      fields: [
        {
          path: 'dataset.kind',
          label: 'Data set',
          symbol: 'x, y',
          help: 'L classes; real data are standardised per feature.',
          options: [
            { value: 'mixture', label: 'Gaussian mixture, L classes' },
            { value: 'iris', label: 'Iris: 3 species' },
            { value: 'mnist', label: 'MNIST: chosen digits' },
            { value: 'csv', label: 'A CSV file' }
          ]
        },
        {
          path: 'dataset.digits',
          when: dataIs('mnist'),
          label: 'Digits',
          help: '28 × 28 images, d = 784 pixels. Class c is the c-th checked digit, in increasing order.',
          widget: 'checkboxes',
          options: MNIST_DIGITS.map((digit) => ({ value: digit, label: String(digit) })),
          wide: true
        },
        {
          path: 'dataset.file',
          when: dataIs('csv'),
          custom: 'csv-classes',
          fills: ['dataset.datasetId', 'dataset.labelColumn']
        },
        { path: 'dataset.L', when: mixture },
        { path: 'dataset.spread', when: mixture },
        { path: 'd', when: mixture },
        { path: 'n', when: mixture },
        { path: 'nTest', when: mixture },
        { path: 'testFraction', when: real },
        'seed'
      ],
      preview: { testId: 'class-preview', text: classPreview }
    },
    {
      id: 'encoder',
      title: 'Encoder and backdoor',
      notes: [
        () => ({
          text: 'The attacker controls the encoder Φ(x) = ReLU(G x) / √m, with sparse-PCA rows planted along a secret s; the defender picks the head W, b that reads Φ(x).'
        }),
        realDataNote
      ],
      fields: [
        {
          path: 'backdoored',
          options: [
            { value: true, label: 'sPCA-backdoored' },
            { value: false, label: 'Clean' }
          ]
        },
        'm',
        'k',
        'theta',
        'lambda'
      ]
    },
    {
      id: 'attack',
      title: 'Attack and heads',
      notes: [
        () => ({
          text: 'Every head is measured on the same held-out inputs: the attacker’s own head (trained on poisoned copies), clean probes, random heads, and the trigger-nullifying head (the attacker’s head with the mean trigger shift projected out). The same heads are also trained and measured on a clean encoder built from the same draws, so the run can tell what the encoder adds from what poisoning the head does.'
        })
      ],
      fields: [
        'target',
        'poisonFraction',
        'probes',
        'probeFraction',
        'randomHeads',
        'accuracyMargin'
      ]
    },
    {
      id: 'witness',
      title: 'Witness (the proof’s construction)',
      notes: [
        () => ({
          text: 'For one held-out input x and a target y′, the lab looks for a head under which neither x nor Activate(x) is classified y′ (the proof’s two conditions): a clean probe, the nullifying head, the attacker’s head with its ranking reversed, a random head, or else a head that always answers one other class; it checks both conditions from the scores. Left automatic, x is the first held-out input the backdoor works on (the attacker’s head sends Activate(x), not x, to y′). The run page can start it again for another input.'
        })
      ],
      fields: [
        { path: 'witnessIndex', label: 'Held-out input (optional)', placeholder: 'automatic' },
        { path: 'witnessTarget', label: 'Witness target (optional)', placeholder: '= target' }
      ]
    },
    {
      id: 'head',
      title: 'Head training',
      narrow: true,
      advanced: {
        summary: 'Advanced: head training',
        detail:
          'softmax regression, full-batch Adam or gradient descent with L2 (attacker head and probes)',
        testId: 'advanced-head'
      },
      fields: ['head.optimizer', 'head.epochs', 'head.learningRate', 'head.l2']
    }
  ],
  context: (draft, csv) => ({
    dataDimension: realDataDimension(draft, csv),
    classCount: classCount(draft, csv)
  }),
  complete: (config, draft, context) => {
    if (real(draft)) realD(config, context)
  },
  extraErrors: classErrors,
  cells: (config) =>
    (config.dataset as { kind?: string } | undefined)?.kind === 'mixture'
      ? scoreCells(config)
      : null
}
