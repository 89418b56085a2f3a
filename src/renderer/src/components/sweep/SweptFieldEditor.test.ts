/**
 * One swept field of the Sweep card, mounted in jsdom: it edits the store's draft in place, shows
 * each error of the lab at the box the value was typed in, and offers a choice's values to tick.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { newSweptField, type SweptFieldDraft } from '@kinds/sweepForm'
import SweptFieldEditor from './SweptFieldEditor.vue'

function mountEditor(kind: string, path: string, errors: Record<string, string> = {}) {
  const field = reactive<SweptFieldDraft>(newSweptField(kind, path))
  const wrapper = mount(SweptFieldEditor, {
    props: {
      kind,
      index: 0,
      field,
      errorFor: new Map(Object.entries(errors)),
      taken: null,
      rounded: null,
      removable: false
    }
  })
  return { wrapper, field }
}

describe('a swept field', () => {
  it('shows an error of a value at its own box', () => {
    const { wrapper } = mountEditor('effectiveness', 'theta', {
      'sweep.fields.0.values.1': 'θ = -2: Spike strength θ must be at least 0'
    })
    expect(wrapper.get('[data-testid="sweep-field-0-value-1"]').attributes('aria-invalid')).toBe(
      'true'
    )
    expect(wrapper.get('[data-testid="sweep-field-0-value-0"]').attributes('aria-invalid')).toBe(
      'false'
    )
    expect(wrapper.get('[data-testid="error-sweep.fields.0.values.1"]').text()).toBe(
      'θ = -2: Spike strength θ must be at least 0'
    )
  })

  it('shows a range’s error at the range, not at the value boxes it hides', async () => {
    const { wrapper, field } = mountEditor('effectiveness', 'm', {
      'sweep.fields.0.range': 'm = 60000: m must be at most 50000',
      'sweep.fields.0.values.0': 'a value box the range hides'
    })
    field.mode = 'range'
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[data-testid="sweep-field-0-value-0"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="error-sweep.fields.0.values.0"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="error-sweep.fields.0"]').text()).toBe(
      'm = 60000: m must be at most 50000'
    )
  })

  it('edits the draft: a value typed, one added, one removed, a range chosen', async () => {
    const { wrapper, field } = mountEditor('effectiveness', 'theta')
    expect(field.values).toEqual([2, 4, 8])
    await wrapper.get('[data-testid="sweep-field-0-value-0"]').setValue('0.5')
    await wrapper.get('[data-testid="sweep-field-0-add-value"]').trigger('click')
    await wrapper.get('[data-testid="sweep-field-0-remove-value-1"]').trigger('click')
    expect(field.values).toEqual([0.5, 8, 16])
    await wrapper.get('[data-testid="sweep-field-0-mode-range"]').setValue(true)
    expect(field.mode).toBe('range')
    await wrapper.get('[data-testid="sweep-field-0-range-scale"]').setValue('log')
    await wrapper.get('[data-testid="sweep-field-0-range-to"]').setValue('400')
    expect(wrapper.get('[data-testid="sweep-field-0-preview"]').text()).toBe(
      'θ: 4, 12.65, 40, 126.5, 400'
    )
  })

  it('offers a choice’s values to tick, in their words, and a new field starts afresh', async () => {
    const { wrapper, field } = mountEditor('finetune', 'theta')
    await wrapper.get('[data-testid="sweep-field-0-path"]').setValue('train.optimizer')
    expect(field.path).toBe('train.optimizer')
    expect(field.values).toEqual(['adam', 'sgd'])
    const labels = wrapper.findAll('.check-list label').map((l) => l.text())
    expect(labels).toEqual(['Adam', 'SGD', 'SGD + momentum'])
    await wrapper.get('[data-testid="sweep-field-0-option-momentum"]').setValue(true)
    await wrapper.get('[data-testid="sweep-field-0-option-adam"]').setValue(false)
    expect(field.values).toEqual(['sgd', 'momentum'])
    expect(wrapper.find('[data-testid="sweep-field-0-mode-range"]').exists()).toBe(false)
  })
})
