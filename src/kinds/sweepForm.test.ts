/**
 * The form's sweep: what was typed becomes the sweep config the lab checks, and every error the
 * lab names comes back to the box the value was typed in.
 */
import { describe, expect, it } from 'vitest'
import {
  checkSweep,
  formField,
  initialSweepDraft,
  newSweptField,
  sweepFromForm,
  sweepMemoryErrors,
  sweptFieldGroups,
  sweptFieldType,
  type SweepDraft
} from './sweepForm'
import { dataOfConfig, kinds } from './registry'
import { sweepableFields } from './sweep'

const base = { kind: 'effectiveness' }
const draftOf = (fields: SweepDraft['fields'], seeds: SweepDraft['seeds'] = 2): SweepDraft => ({
  fields,
  seeds,
  seed: 1
})
const values = (path: string, typed: (string | number)[]) => ({
  ...newSweptField('effectiveness', path),
  values: typed
})

describe('the sweep the form describes', () => {
  it('sends the typed values, skipping empty boxes, and the base takes the first value', () => {
    const draft = draftOf([values('theta', [1, '', 4, ' 8 '])])
    const form = sweepFromForm('effectiveness', base, draft)
    expect(form.config).toEqual({
      kind: 'effectiveness',
      theta: 1,
      sweep: { fields: [{ path: 'theta', values: [1, 4, 8] }], seeds: 2, seed: 1 }
    })
    expect(form.boxes).toEqual([[0, 2, 3]])
  })

  it('brings a swept value’s error back to its box, past the empty boxes', () => {
    const draft = draftOf([values('theta', [1, '', -2])])
    const form = sweepFromForm('effectiveness', base, draft)
    const { errors } = checkSweep(form.config)
    expect(errors).toEqual([
      {
        field: 'sweep.fields.0.values.1',
        message: 'θ = -2: Spike strength θ must be at least 0'
      }
    ])
    expect(formField(errors[0].field, form, draft)).toBe('sweep.fields.0.values.2')
    expect(formField('config.sweep.fields.0.values.1', form, draft)).toBe('sweep.fields.0.values.2')
    expect(formField('config.m', form, draft)).toBe('m')
  })

  it('sends a range as a range, and rounds one of a whole-number field to its values', () => {
    const lr = {
      ...newSweptField('finetune', 'train.learningRate'),
      mode: 'range' as const,
      range: { from: 0.001, to: 0.1, steps: 3, scale: 'log' as const }
    }
    const fine = sweepFromForm('finetune', { kind: 'finetune' }, draftOf([lr]))
    expect((fine.config.sweep as { fields: unknown[] }).fields).toEqual([
      { path: 'train.learningRate', range: { from: 0.001, to: 0.1, steps: 3, scale: 'log' } }
    ])
    expect(checkSweep(fine.config).errors).toEqual([])

    const widths = {
      ...newSweptField('effectiveness', 'm'),
      mode: 'range' as const,
      range: { from: 100, to: 10000, steps: 5, scale: 'log' as const }
    }
    const draft = draftOf([widths])
    const form = sweepFromForm('effectiveness', base, draft)
    expect(form.rounded).toEqual([[100, 316, 1000, 3162, 10000]])
    expect(checkSweep(form.config).errors).toEqual([])
    // An error at one of its rounded values is the range's: no box holds that value.
    expect(formField('sweep.fields.0.values.4', form, draft)).toBe('sweep.fields.0.range')
    expect(formField('m', form, draft)).toBe('sweep.fields.0.range')
    // A linear range of whole numbers stays a range.
    const whole = sweepFromForm(
      'effectiveness',
      base,
      draftOf([{ ...widths, range: { from: 100, to: 500, steps: 5, scale: 'linear' } }])
    )
    expect(whole.rounded).toEqual([null])
  })

  it('names too many runs at the seeds, and a point over the memory budget at its value', () => {
    const many = sweepFromForm(
      'effectiveness',
      base,
      draftOf([values('theta', [0, 1, 2, 3, 4, 5])], 100)
    )
    expect(checkSweep(many.config).errors).toEqual([
      {
        field: 'sweep.seeds',
        message:
          'this sweep has 600 runs (6 points × 100 seeds per point); a sweep may hold at most 500: fewer values or fewer seeds per point'
      }
    ])
    const draft = draftOf([values('m', [1000, '', 60000])])
    const form = sweepFromForm('effectiveness', { ...base, n: 500, nTest: 500 }, draft)
    const checked = checkSweep(form.config)
    // The lab draws this data (no data set): the configured n and d size it.
    expect(dataOfConfig(checked.parsed!.base)).toBeNull()
    const budget = 64 * 2 ** 20
    const errors = sweepMemoryErrors(checked.parsed!, checked.children, null, budget)
    expect(errors).toHaveLength(1)
    expect(errors[0].field).toBe('sweep.fields.0.values.1')
    expect(formField(errors[0].field, form, draft)).toBe('sweep.fields.0.values.2')
    expect(errors[0].message).toMatch(
      /^at m = 60000, a run would hold about [\d.]+ MB \(mostly the 500 × m scores\), over the lab’s 64 MB per run: lower hidden width m /
    )
  })

  it('names a pair of values that do not go together at the fields', () => {
    // Each value goes with the base (d = 50, k = 10); only d = 20 with k = 30 does not.
    const draft = draftOf([values('d', [50, 20]), values('k', [10, 30])])
    const { errors } = checkSweep(sweepFromForm('effectiveness', base, draft).config)
    expect(errors).toEqual([
      { field: 'sweep.fields', message: 'at d = 20, k = 30: k must be at most d (got k=30, d=20)' }
    ])
  })

  it('puts an error of the base at a swept field on that field’s first value', () => {
    // The base takes d = 5 and k = 10 from the swept fields: k > d is the base's error at k.
    const draft = draftOf([values('d', [5, 50]), values('k', ['', 10])])
    const form = sweepFromForm('effectiveness', base, draft)
    const { errors } = checkSweep(form.config)
    expect(errors.map((e) => formField(e.field, form, draft))).toEqual(['sweep.fields.1.values.1'])
  })

  it('offers a choice’s values in its words, a flag as yes and no', () => {
    expect(sweptFieldType('finetune', 'train.optimizer').options.map((o) => o.label)).toEqual([
      'Adam',
      'SGD',
      'SGD + momentum'
    ])
    expect(sweptFieldType('finetune', 'train.scaleGByM').options).toEqual([
      { value: true, label: 'yes' },
      { value: false, label: 'no' }
    ])
    expect(sweptFieldType('effectiveness', 'm')).toMatchObject({ type: 'number', whole: true })
    expect(sweptFieldType('effectiveness', 'theta')).toMatchObject({ type: 'number', whole: false })
  })

  it('starts every kind’s sweep valid: θ at three values, 3 seeds (a frontier: its width m)', () => {
    for (const kind of kinds) {
      const draft = initialSweepDraft(kind.name)
      const first = kind.name === 'detectability' ? 'm' : 'theta'
      expect(draft.fields.map((f) => f.path)).toEqual([first])
      expect(draft.fields[0].values).toHaveLength(3)
      expect(draft.seeds).toBe(3)
      const checked = checkSweep(sweepFromForm(kind.name, { kind: kind.name }, draft).config)
      expect(checked.errors).toEqual([])
      expect(checked.children).toHaveLength(3)
    }
  })

  it('offers every field a sweep can vary once, under its form section’s title', () => {
    for (const kind of kinds) {
      const groups = sweptFieldGroups(kind.name)
      const offered = groups.flatMap((g) => g.fields.map((f) => f.path))
      expect(offered.sort()).toEqual(
        sweepableFields(kind.name)
          .map((f) => f.path)
          .sort()
      )
    }
    const frontier = sweptFieldGroups('detectability')
    const titleOf = (path: string) =>
      frontier.find((g) => g.fields.some((f) => f.path === path))?.title
    expect(titleOf('thetas.steps')).toBe('Spike strength grid θ')
    expect(titleOf('m')).toBe('Network and secret')
    expect(titleOf('lambdas.steps')).not.toBe(titleOf('thetas.steps'))
    // Every field sits in a section of its form: none is offered by its code name.
    for (const kind of kinds)
      expect(sweptFieldGroups(kind.name).map((g) => g.title)).not.toContain('Other fields')
  })
})
