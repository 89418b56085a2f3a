/**
 * A number of a run's tables as one cell, as the effectiveness, fine-tuning and universality
 * tables print it: the value, then only the lines it has. Mounted in jsdom.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { estimate, percent } from '../format'
import EstimateCell from './EstimateCell.vue'

const lines = (wrapper: ReturnType<typeof mount>) =>
  wrapper.findAll('span').map((s) => [s.classes().join(' '), s.text()])

describe('an estimate’s cell', () => {
  it('prints the value and its interval as estimate formats them, and nothing it lacks', () => {
    const cell = mount(EstimateCell, {
      props: estimate({ value: 0.8125, lower: 0.75, upper: 0.875 }, percent),
      attrs: { colspan: '2', 'data-testid': 'metric-clean-cleanAccuracy' }
    })
    expect(lines(cell)).toEqual([
      ['metric-value', '81.3%'],
      ['metric-interval', '[75.0%, 87.5%]']
    ])
    // The table's attributes land on the cell itself.
    expect(cell.element.tagName).toBe('TD')
    expect(cell.attributes()).toMatchObject({ colspan: '2', class: 'num' })
    expect(cell.attributes('data-testid')).toBe('metric-clean-cleanAccuracy')
    const bare = mount(EstimateCell, { props: estimate({ value: 3 }) })
    expect(lines(bare)).toEqual([['metric-value', '3']])
  })

  it('adds the note, the chance warning and its slot after the value, in that order', () => {
    const cell = mount(EstimateCell, {
      props: {
        value: '1.2 → 1.5',
        interval: null,
        hint: 'after epoch 3 of 5',
        flag: 'means little: at chance after'
      },
      slots: { default: '<span class="extra">more</span>' }
    })
    expect(lines(cell)).toEqual([
      ['metric-value', '1.2 → 1.5'],
      ['metric-interval', 'after epoch 3 of 5'],
      ['metric-flag', 'means little: at chance after'],
      ['extra', 'more']
    ])
    expect(cell.get('[data-testid="chance-cell"]').text()).toBe('means little: at chance after')
  })
})
