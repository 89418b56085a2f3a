/**
 * One chart card, from a kind's registry entry: its heading, caption and screen-reader sentence
 * come from the run's numbers, and there is no card while the run has nothing for the chart.
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { parseExperimentConfig } from '@kinds/registry'
import type { RunDetail, SeriesRecord } from '@shared/results'
import ChartCard from './ChartCard.vue'
import { doneRun } from '@shared/testing/runs'

function run(series: SeriesRecord[], metrics: RunDetail['metrics'] = []): RunDetail {
  const config = parseExperimentConfig({ kind: 'effectiveness' })
  return doneRun(7, config, series, {
    name: 'r',
    backend: 'wasm',
    createdAt: '2026-01-01T00:00:00.000Z',
    metrics
  })
}

const asr: SeriesRecord = {
  model: 'backdoored',
  name: 'attackSuccessRate',
  points: [
    { x: 0, value: 0.1, lower: 0.05, upper: 0.15 },
    { x: 4, value: 0.9, lower: 0.85, upper: 0.95 }
  ]
}

describe('a chart card', () => {
  it('titles, draws and captions the chart from its registry entry', () => {
    const lambda50 = [{ model: 'backdoored', name: 'lambda50', value: 1.46 }]
    const wrapper = mount(ChartCard, { props: { run: run([asr], lambda50), name: 'asr' } })
    expect(wrapper.get('h2').text()).toBe('Attack success rate over trigger scale')
    expect(wrapper.find('[data-testid="chart-asr"] canvas').exists()).toBe(true)
    expect(wrapper.get('.caption').text()).toContain('where λ50 is read')
    expect(wrapper.get('canvas').attributes('aria-label')).toContain('backdoored 1.46')
  })

  it('is not drawn while the run has nothing for it', () => {
    const wrapper = mount(ChartCard, { props: { run: run([]), name: 'asr' } })
    expect(wrapper.find('section').exists()).toBe(false)
  })
})
