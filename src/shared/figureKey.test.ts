import { describe, expect, it } from 'vitest'
import { advantageChartSpec } from '../kinds/effectiveness/charts'
import { effectivenessDefaults } from '../kinds/effectiveness/config'
import { finetuneConfigSchema } from '../kinds/finetune/config'
import { modelStyle } from './charts'
import { ensureZeroTick } from './chartAxes'
import { asrChartSpec, ZERO_BY_CONSTRUCTION } from './reluCharts'
import { figureKey, identicalCurves, identicalNote, KEY_GREY, listed } from './figureKey'
import { modelMarkers, overlaySpec, runPalette } from './overlay'
import type { SeriesRecord } from './results'
import { doneRun as run } from './testing/runs'

function series(model: string, name: string, values: number[], band = true): SeriesRecord {
  return {
    model,
    name,
    points: values.map((value, x) => ({
      x,
      value,
      ...(band ? { lower: value - 0.05, upper: value + 0.05 } : {})
    }))
  }
}

/** An effectiveness run whose backdoored curve rises by `lift`; the clean one is the same in all. */
const effectiveness = (id: number, lift: number, theta = 4) =>
  run(id, { ...effectivenessDefaults, theta }, [
    series('clean', 'attackSuccessRate', [0, 0.1, 0.3, 0.6]),
    series('backdoored', 'attackSuccessRate', [0, 0.1 + lift, 0.3 + lift, 0.6 + lift]),
    series('theory.clean', 'attackSuccessRate', [0, 0.15, 0.35, 0.65], false),
    series('theory.backdoored', 'attackSuccessRate', [0, 0.2 + lift, 0.4 + lift, 0.7], false),
    series('run', 'advantage', theta === 0 ? [0, 0, 0, 0] : [0, lift, lift, lift])
  ])

describe('figureKey', () => {
  it('lists the series of one run as its legend does, each with the sample of its marks', () => {
    const key = figureKey(asrChartSpec(effectiveness(1, 0.2)))
    expect(key.groups).toHaveLength(1)
    const entries = key.groups[0].entries
    expect(entries.map((e) => e.text)).toEqual([
      'Clean network',
      'Backdoored network',
      'Theory, clean (m → ∞)',
      'Theory, backdoored (m → ∞)'
    ])
    // Measured: a solid line with markers in the model's colour; theory: dashed, no marker.
    expect(entries[0].sample.line).toMatchObject({ colour: modelStyle.clean.colour, dash: [] })
    expect(entries[0].sample.marker).toMatchObject({ style: 'circle', radius: 2.5 })
    expect(entries[3].sample.line?.dash).toEqual([6, 4])
    expect(entries[3].sample.marker).toBeNull()
    expect(key.notes).toEqual([])
  })

  it('lists entries in the order the screen’s legend does: by order, then as the spec does', () => {
    const line = (label: string, order: number) => ({ label, order, data: [{ x: 0, y: 1 }] })
    const spec = {
      type: 'line' as const,
      data: { datasets: [line('region', 5), line('heads', 0), line('cloud', 1), line('probes', 0)] }
    }
    expect(figureKey(spec).groups[0].entries.map((e) => e.text)).toEqual([
      'heads',
      'probes',
      'cloud',
      'region'
    ])
  })

  it('keys several runs by run and by series, not by every pair of them', () => {
    const runs = [1, 2, 3, 4].map((id) => effectiveness(id, 0.1 * id))
    const spec = overlaySpec(runs, 'asr')
    const key = figureKey(spec)
    const [runKey, seriesKey] = key.groups
    // 4 runs + 4 series, where the screen's legend has 4 × 4 entries.
    expect(runKey.title).toBe('Runs')
    expect(runKey.entries.map((e) => e.text)).toEqual(['#1', '#2', '#3', '#4'])
    expect(runKey.entries.map((e) => e.sample.line?.colour)).toEqual(runPalette.slice(0, 4))
    expect(seriesKey.entries.map((e) => e.text)).toEqual([
      'Clean network',
      'Backdoored network',
      'Theory, clean (m → ∞)',
      'Theory, backdoored (m → ∞)'
    ])
    // A series is told by its marker and dash, in grey: no run's colour.
    for (const [i, entry] of seriesKey.entries.entries()) {
      expect(entry.sample.line?.colour).toBe(KEY_GREY)
      if (entry.sample.marker) expect(entry.sample.marker.style).toBe(modelMarkers[i])
    }
    const legendEntries = spec.data.datasets.filter(
      (d) => !d.label!.includes('95% band') && d.label !== 'ASR = 0.5'
    )
    expect(legendEntries).toHaveLength(16)
    expect(key.groups.flatMap((g) => g.entries)).toHaveLength(8)
  })

  it('keeps the colour of a reference line only one run draws (its θ), listed by run', () => {
    const finetune = (id: number, theta: number) =>
      run(id, finetuneConfigSchema.parse({ kind: 'finetune', theta, train: { epochs: 3 } }), [
        series('clean', 'epoch.spikeEnergy', [0, 0.1, 0.1, 0.1], false),
        series('backdoored', 'epoch.spikeEnergy', [theta, theta, theta, theta], false)
      ])
    const key = figureKey(overlaySpec([finetune(7, 4), finetune(3, 2)], 'epoch-spike'))
    const others = key.groups[2].entries
    expect(others.map((e) => e.text)).toEqual(['θ = 4 (planted)', 'θ = 2 (planted)'])
    expect(others[0].sample.line?.colour).toBe('rgba(0, 114, 178, 0.55)') // run #7: blue
    expect(others[1].sample.line?.colour).toBe('rgba(213, 94, 0, 0.55)') // run #3: vermillion
  })

  it('notes curves that are identical and drawn over each other, and only those', () => {
    const runs = [1, 2, 3].map((id) => effectiveness(id, 0.1 * id))
    expect(identicalCurves(overlaySpec(runs, 'asr'))).toEqual([
      ['#1 · Clean network', '#2 · Clean network', '#3 · Clean network'],
      ['#1 · Theory, clean (m → ∞)', '#2 · Theory, clean (m → ∞)', '#3 · Theory, clean (m → ∞)']
    ])
    expect(figureKey(overlaySpec(runs, 'asr')).notes[0]).toBe(
      'Clean network of #1, #2 and #3: identical, drawn over each other'
    )
    // One run whose two networks measured the same: said of the run's own chart too.
    const same = effectiveness(5, 0)
    expect(figureKey(asrChartSpec(same)).notes).toEqual([
      'Clean network and Backdoored network: identical, drawn over each other'
    ])
    // Curves that differ anywhere are not noted.
    expect(identicalCurves(asrChartSpec(effectiveness(6, 0.01)))).toEqual([])
  })

  it('says the advantage at θ = 0 is 0 by construction instead of drawing an interval', () => {
    const zero = advantageChartSpec(effectiveness(1, 0, 0))
    expect(zero.data.datasets.map((d) => d.label)).toEqual(['Backdoor advantage'])
    expect(figureKey(zero).notes).toEqual([ZERO_BY_CONSTRUCTION])
    // θ > 0: the band and no note.
    const planted = advantageChartSpec(effectiveness(2, 0.3))
    expect(planted.data.datasets.map((d) => d.label)).toHaveLength(3)
    expect(figureKey(planted).notes).toEqual([])
    // Compared: the note names its run.
    const compared = overlaySpec([effectiveness(1, 0, 0), effectiveness(2, 0.3)], 'advantage')
    expect(figureKey(compared).notes).toContain(`#1: ${ZERO_BY_CONSTRUCTION}`)
  })

  it('phrases lists and mixed groups of identical curves', () => {
    expect(listed(['a'])).toBe('a')
    expect(listed(['a', 'b', 'c'])).toBe('a, b and c')
    expect(
      identicalNote(['#1 · Clean network', '#2 · Clean network', '#1 · Backdoored network'])
    ).toBe('Clean network of #1 and #2; Backdoored network of #1: identical, drawn over each other')
  })
})

describe('the advantage axis', () => {
  it('has a tick at 0 whatever ticks chart.js chose', () => {
    const axis = { min: -0.13, max: 0.9, ticks: [-0.1, 0.3, 0.7].map((value) => ({ value })) }
    ensureZeroTick(axis)
    expect(axis.ticks.map((t) => t.value)).toEqual([-0.1, 0, 0.3, 0.7])
    // Already there, or outside the range: unchanged.
    const has = { min: 0, max: 1, ticks: [0, 0.5, 1].map((value) => ({ value })) }
    ensureZeroTick(has)
    expect(has.ticks).toHaveLength(3)
    const above = { min: 0.2, max: 1, ticks: [0.2, 0.6, 1].map((value) => ({ value })) }
    ensureZeroTick(above)
    expect(above.ticks.map((t) => t.value)).toEqual([0.2, 0.6, 1])
  })

  it('is set on the advantage charts of both kinds, the single-run and the compared', () => {
    const y = (spec: ReturnType<typeof advantageChartSpec>) =>
      (spec.options!.scales as Record<string, { afterBuildTicks?: unknown }>).y
    expect(y(advantageChartSpec(effectiveness(1, 0.2))).afterBuildTicks).toBe(ensureZeroTick)
    const runs = [effectiveness(1, 0.2), effectiveness(2, 0.3)]
    expect(y(overlaySpec(runs, 'advantage')).afterBuildTicks).toBe(ensureZeroTick)
  })
})
