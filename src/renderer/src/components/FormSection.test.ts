/**
 * The generated form: a kind's layout and schema drawn by FormSection and SchemaField, mounted
 * in jsdom. Each control comes from what the schema says of its field, edits the draft, and shows
 * the error it is given.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { effectiveness } from '@kinds/effectiveness'
import { finetune } from '@kinds/finetune'
import { initialDraft, noContext, type Draft, type FormSection as Section } from '@shared/form'
import FormSection from './FormSection.vue'

function section(kind: typeof effectiveness | typeof finetune, id: string): Section {
  const found = kind.form.sections.find((s) => s.id === id)
  if (!found) throw new Error(`no section ${id}`)
  return found
}

function mountSection(
  kind: typeof effectiveness | typeof finetune,
  id: string,
  errors: Record<string, string> = {},
  swept?: Set<string>
) {
  const draft = reactive<Draft>(initialDraft(kind.schema, kind.defaults, kind.form))
  const wrapper = mount(FormSection, {
    props: {
      section: section(kind, id),
      schema: kind.schema,
      draft,
      context: noContext,
      errorFor: new Map(Object.entries(errors)),
      ...(swept ? { swept } : {})
    }
  })
  return { wrapper, draft }
}

describe('a generated form section', () => {
  it('draws a number box for each numeric field, with the schema’s label, symbol and bounds', () => {
    const { wrapper } = mountSection(effectiveness, 'network')
    const m = wrapper.get('[data-testid="field-m"]')
    expect(m.attributes('type')).toBe('number')
    expect(m.attributes('step')).toBe('1')
    expect(m.attributes('min')).toBe('1')
    expect((m.element as HTMLInputElement).value).toBe('2000')
    const label = wrapper.get('label[for="input-m"]')
    expect(label.text()).toContain('Hidden width')
    expect(label.text()).toContain('m')
    expect(wrapper.get('[data-testid="field-theta"]').attributes('step')).toBe('any')
  })

  it('writes what is typed into the draft, as typed', async () => {
    const { wrapper, draft } = mountSection(effectiveness, 'network')
    await wrapper.get('[data-testid="field-k"]').setValue('7')
    expect(draft.k).toBe(7)
    await wrapper.get('[data-testid="field-k"]').setValue('')
    expect(draft.k).toBe('')
  })

  it('offers a choice as a list box with the schema’s words for each value', async () => {
    const { wrapper, draft } = mountSection(effectiveness, 'data')
    const options = wrapper.findAll('[data-testid="field-tauRule"] option').map((o) => o.text())
    expect(options).toEqual(['Minimise training error', 'Median of f'])
    await wrapper.get('[data-testid="field-target"]').setValue(-1)
    expect(draft.target).toBe(-1)
  })

  it('offers several choices as check boxes and keeps them in the offered order', async () => {
    const { wrapper, draft } = mountSection(finetune, 'training')
    expect(draft['train.parameters']).toEqual(['G', 'tau'])
    await wrapper.get('[data-testid="field-train.parameters.a"]').setValue(true)
    expect(draft['train.parameters']).toEqual(['G', 'tau', 'a'])
    await wrapper.get('[data-testid="field-train.parameters.G"]').setValue(false)
    expect(draft['train.parameters']).toEqual(['tau', 'a'])
  })

  it('shows a field only when its condition holds, and its error next to it', async () => {
    const { wrapper, draft } = mountSection(finetune, 'training', {
      'train.learningRate': 'train.learningRate must be at least 0'
    })
    expect(wrapper.find('[data-testid="field-train.momentum"]').exists()).toBe(false)
    draft['train.optimizer'] = 'momentum'
    await wrapper.vm.$nextTick()
    expect(wrapper.find('[data-testid="field-train.momentum"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="error-train.learningRate"]').text()).toBe(
      'train.learningRate must be at least 0'
    )
  })

  it('draws a field a sweep varies as set there: its box disabled, its help saying so', () => {
    const { wrapper } = mountSection(finetune, 'training', {}, new Set(['train.optimizer']))
    const optimiser = wrapper.get('[data-testid="field-train.optimizer"]')
    expect(optimiser.attributes('disabled')).toBeDefined()
    expect(wrapper.get('#input-train-optimizer-help').text()).toBe(
      'Swept: its values are set in the Sweep card below.'
    )
    expect(wrapper.get('[data-testid="field-train.learningRate"]').attributes('disabled')).toBe(
      undefined
    )
  })

  it('draws the seed in a sweep as set by the sweep seed, not as swept', () => {
    const { wrapper } = mountSection(finetune, 'data', {}, new Set(['seed']))
    expect(wrapper.get('[data-testid="field-seed"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('#input-seed-help').text()).toBe(
      'Set by the sweep: each run’s seed derives from the sweep seed and its point (Sweep card below).'
    )
  })
})
