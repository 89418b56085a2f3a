/**
 * Delete in two clicks, as the run and sweep pages ask: the first click asks, the second deletes,
 * and leaving the button takes the question back. Mounted in jsdom.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DeleteButton from './DeleteButton.vue'

describe('the delete button', () => {
  it('asks on the first click and deletes on the second', async () => {
    const wrapper = mount(DeleteButton, { props: { question: 'Really delete?' } })
    const button = wrapper.get('button')
    expect(button.text()).toBe('Delete')
    await button.trigger('click')
    expect(button.text()).toBe('Really delete?')
    expect(button.classes()).toContain('button-danger')
    expect(wrapper.emitted('confirm')).toBeUndefined()
    await button.trigger('click')
    expect(wrapper.emitted('confirm')).toHaveLength(1)
    // Asked again from the start: a third click does not delete twice.
    expect(button.text()).toBe('Delete')
    await button.trigger('click')
    expect(wrapper.emitted('confirm')).toHaveLength(1)
  })

  it('takes the question back when the button loses focus', async () => {
    const wrapper = mount(DeleteButton, { props: { question: 'Really delete it and its 4 runs?' } })
    const button = wrapper.get('button')
    await button.trigger('click')
    expect(button.text()).toBe('Really delete it and its 4 runs?')
    await button.trigger('blur')
    expect(button.text()).toBe('Delete')
    expect(button.classes()).not.toContain('button-danger')
    await button.trigger('click')
    expect(wrapper.emitted('confirm')).toBeUndefined()
  })
})
