/**
 * A run's progress bar, mounted in jsdom: the time left while steps remain, and none once every
 * counted step is done but the run is still at work (its detectability null after its last step).
 */
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ProgressBar from './ProgressBar.vue'

const bar = (step: number, total: number, etaSeconds: number | null) =>
  mount(ProgressBar, {
    props: { progress: { phase: 'Scores', step, total, etaSeconds }, status: 'running' }
  })

describe('a run’s progress bar', () => {
  it('says the time left while steps remain, and that it is estimating before it can', () => {
    const running = bar(9, 24, 3.6)
    expect(running.get('[data-testid="progress-eta"]').text()).toBe('about 3.6 s left')
    expect(running.get('[data-testid="progress-steps"]').text()).toBe('step 9 / 24')
    expect(bar(1, 24, null).get('[data-testid="progress-eta"]').text()).toBe('estimating…')
  })

  it('fills by the share of work done when the run says it, else by its steps', () => {
    const costly = mount(ProgressBar, {
      props: {
        progress: { phase: 'Probes', step: 27, total: 51, etaSeconds: 4, work: 0.3 },
        status: 'running'
      }
    })
    expect(costly.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('30')
    expect(costly.get('.progress-fill').attributes('style')).toContain('width: 30%')
    // The steps still say which step it is.
    expect(costly.get('[data-testid="progress-steps"]').text()).toBe('step 27 / 51')
    expect(bar(6, 24, 3).get('[role="progressbar"]').attributes('aria-valuenow')).toBe('25')
  })

  it('says no time once every step is done and the run still works', () => {
    const last = bar(24, 24, 0)
    expect(last.get('[data-testid="progress-eta"]').text()).toBe('finishing…')
    expect(last.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('100')
  })
})
