/**
 * Compare's charts, mounted in jsdom: under its legend, an overlaid chart says what its exported
 * figure says under its key (figureKey's notes), such as curves that are identical and drawn
 * over each other, and says nothing of the kind when no curve hides another.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { effectivenessDefaults } from '@kinds/effectiveness/config'
import { compareColumns } from '@shared/compareGroups'
import { figureKey } from '@shared/figureKey'
import { overlaySpec } from '@shared/overlay'
import type { SeriesRecord } from '@shared/results'
import { doneRun } from '@shared/testing/runs'
import CompareCharts from './CompareCharts.vue'

const series = (model: string, values: number[]): SeriesRecord => ({
  model,
  name: 'attackSuccessRate',
  points: values.map((value, x) => ({ x, value, lower: value - 0.05, upper: value + 0.05 }))
})

/** Runs that differ only in θ: the clean network is the same in each, the backdoored is not. */
const run = (id: number, theta: number, clean = [0, 0.1, 0.3, 0.6]) =>
  doneRun(id, { ...effectivenessDefaults, theta }, [
    series('clean', clean),
    series('backdoored', [0, 0.1 + 0.1 * theta, 0.3 + 0.1 * theta, 0.6 + 0.1 * theta])
  ])

const mountCharts = (runs: ReturnType<typeof run>[]) =>
  mount(CompareCharts, {
    props: {
      columns: compareColumns(runs, false),
      grouped: false,
      runIds: runs.map((r) => r.id)
    }
  })

describe('Compare’s charts', () => {
  it('note under the legend curves that are identical, as the exported figure does', () => {
    const runs = [run(3, 1), run(8, 2)]
    const wrapper = mountCharts(runs)
    const notes = wrapper.get('[data-testid="compare-notes-asr"]')
    expect(notes.findAll('p').map((p) => p.text())).toEqual([
      'Clean network of #3 and #8: identical, drawn over each other.'
    ])
    // The same words as the export's key, from the same function.
    const exported = figureKey(overlaySpec(runs, 'asr', ['#3', '#8'])).notes
    expect(notes.findAll('p').map((p) => p.text())).toEqual(exported.map((n) => `${n}.`))
    // Under the chart, before its caption.
    const card = wrapper.get('[data-testid="compare-chart-asr"]').element.parentElement!
    const order = [...card.children].map((c) => c.getAttribute('data-testid'))
    expect(order.indexOf('compare-notes-asr')).toBe(order.indexOf('compare-chart-asr') + 1)
  })

  it('say nothing of identical curves when every curve differs', () => {
    const wrapper = mountCharts([run(3, 1), run(8, 2, [0, 0.05, 0.25, 0.5])])
    expect(wrapper.find('[data-testid="compare-chart-asr"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="compare-notes-asr"]').exists()).toBe(false)
  })
})
