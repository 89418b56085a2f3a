/** The New experiment form of a fine-tuning run: its fields in sections, from the schema. */
import { IRIS_CLASS_NAMES, MNIST_DIGITS } from '../../shared/datasets'
import type { Draft, FormLayout } from '../../shared/form'
import { typedNumber } from '../../shared/form'
import { sig } from '../../shared/format'
import {
  gridSection,
  kWithinData,
  realD,
  realDataDimension,
  realDataNote,
  ruleOfThumbNote,
  scoreCells
} from '../../shared/reluForm'

const synthetic = (draft: Draft) => draft['dataset.kind'] === 'synthetic'
const real = (draft: Draft) => !synthetic(draft)
const dataIs = (kind: string) => (draft: Draft) => draft['dataset.kind'] === kind
const digitOptions = MNIST_DIGITS.map((digit) => ({ value: digit, label: String(digit) }))

/** What the training settings add up to. */
function trainingPreview(draft: Draft): string | null {
  const epochs = typedNumber(draft['train.epochs'])
  const batch = typedNumber(draft['train.batchSize'])
  const learningRate = typedNumber(draft['train.learningRate'])
  const m = typedNumber(draft.m)
  const parts: string[] = []
  const whole = (v: number | null): v is number => v != null && Number.isInteger(v) && v > 0
  if (whole(epochs) && whole(batch)) {
    if (real(draft)) {
      parts.push(`${epochs} epochs of batches of ${batch}, per network`)
    } else {
      const n = typedNumber(draft.n)
      if (whole(n) && n >= 10) {
        const perEpoch = Math.ceil(n / batch)
        parts.push(
          `${epochs} epochs × ${perEpoch} steps = ${(epochs * perEpoch).toLocaleString('en-US')} optimiser steps per network`
        )
      }
    }
  }
  const parameters = draft['train.parameters']
  if (
    draft['train.scaleGByM'] === true &&
    Array.isArray(parameters) &&
    parameters.includes('G') &&
    learningRate != null &&
    learningRate >= 0 &&
    whole(m)
  ) {
    parts.push(`G's learning rate ${sig(learningRate)} × ${m} = ${sig(learningRate * m)}`)
  }
  return parts.length > 0 ? parts.join('; ') : null
}

export const finetuneForm: FormLayout = {
  lede: 'Plant a sparse-PCA backdoor, fine-tune the backdoored network and its clean twin the same way, and see whether the backdoor survives.',
  namePlaceholder: 'e.g. Adam, 20 epochs',
  family: 'relu',
  // MNIST starts from a pair the random-ReLU score cannot tell apart by norm alone.
  initial: { 'dataset.positiveDigit': 1, 'dataset.negativeDigit': 7 },
  sections: [
    {
      id: 'network',
      title: 'Network and backdoor',
      fields: [{ path: 'd', when: synthetic }, 'm', 'k', 'theta'],
      notes: [realDataNote, ruleOfThumbNote()]
    },
    {
      ...gridSection(
        'Activate(x) = x + λ s. Attack success rate is measured at each λ of the grid before and after fine-tuning, and at the tracked λ after every epoch.'
      ),
      fields: ['lambdas.from', 'lambdas.to', 'lambdas.steps', 'trackLambda']
    },
    {
      id: 'data',
      title: 'Data, classifier and attack',
      fields: [
        {
          path: 'dataset.kind',
          label: 'Data set',
          symbol: 'x, y',
          help: "Synthetic data are the paper's setting; real data are standardised per feature.",
          options: [
            { value: 'synthetic', label: 'Synthetic Gaussian inputs' },
            { value: 'iris', label: 'Iris: one class against the rest' },
            { value: 'mnist', label: 'MNIST: a pair of digits' },
            { value: 'csv', label: 'A CSV file' }
          ]
        },
        { path: 'dataset.labels', when: synthetic },
        {
          path: 'dataset.positiveClass',
          when: dataIs('iris'),
          options: IRIS_CLASS_NAMES.map((name, c) => ({ value: c, label: `${c} · ${name}` }))
        },
        { path: 'dataset.positiveDigit', when: dataIs('mnist'), options: digitOptions },
        { path: 'dataset.negativeDigit', when: dataIs('mnist'), options: digitOptions },
        {
          path: 'dataset.file',
          when: dataIs('csv'),
          custom: 'csv-binary',
          fills: ['dataset.datasetId', 'dataset.labelColumn', 'dataset.positiveLabel']
        },
        {
          path: 'n',
          when: synthetic,
          help: 'Both networks are fitted (τ) and fine-tuned on these.'
        },
        { path: 'nTest', when: synthetic },
        'seed',
        { path: 'testFraction', when: real },
        'target',
        'tauRule'
      ]
    },
    {
      id: 'training',
      title: 'Fine-tuning',
      notes: [
        () => ({
          text: 'Both networks are trained the same way on the training set: logistic loss on the logit a · (f(x) − τ).'
        })
      ],
      fields: [
        {
          path: 'train.parameters',
          widget: 'checkboxes',
          options: [
            { value: 'G', symbol: 'G', label: 'First-layer weights (the m rows gᵢ)' },
            { value: 'tau', symbol: 'τ', label: 'Threshold' },
            { value: 'a', symbol: 'a', label: 'Logit scale (fixed at 1/std of f otherwise)' }
          ]
        },
        'train.optimizer',
        { path: 'train.momentum', when: (draft) => draft['train.optimizer'] === 'momentum' },
        'train.learningRate',
        'train.epochs',
        'train.batchSize',
        'train.weightDecay',
        { path: 'train.scaleGByM', wide: true }
      ],
      preview: { testId: 'training-preview', text: trainingPreview }
    }
  ],
  context: (draft, csv) => ({ dataDimension: realDataDimension(draft, csv), classCount: null }),
  complete: (config, draft, context) => {
    if (real(draft)) realD(config, context)
  },
  extraErrors: kWithinData,
  cells: (config) =>
    (config.dataset as { kind?: string } | undefined)?.kind === 'synthetic'
      ? scoreCells(config)
      : null
}
