import { describe, expect, it } from 'vitest'
import { kinds } from './registry'
import { sweepKeyMetrics, sweepMetrics } from './sweep'

describe('the metrics a sweep aggregates', () => {
  it('are every scalar a kind reports, by model, but those that describe its data', () => {
    for (const kind of kinds) {
      const listed = sweepMetrics(kind.name).map((m) => `${m.model}/${m.name}`)
      const reported = Object.entries(kind.outputs.metrics).flatMap(([model, names]) =>
        names.map((name) => `${model}/${name}`)
      )
      expect(listed.length).toBeGreaterThan(0)
      expect(reported).toEqual(expect.arrayContaining(listed))
      expect(listed.some((k) => k.startsWith('data/'))).toBe(false)
    }
    const universality = sweepMetrics('universality').map((m) => `${m.model}/${m.name}`)
    expect(universality).toContain('run/universalityGap')
    expect(universality).not.toContain('run/witnessIndex')
    expect(universality).not.toContain('run/L')
  })

  it('are named in words: the quantity, then the model', () => {
    const words = Object.fromEntries(
      sweepMetrics('finetune').map((m) => [`${m.model}/${m.name}`, m.label])
    )
    expect(words['backdoored/cleanAccuracy.after']).toBe(
      'Clean accuracy, after fine-tuning, backdoored network'
    )
    expect(words['run/advantage.after']).toBe('Backdoor advantage, after fine-tuning')
    // No code key left: every quantity and every model of every kind has its words (a code
    // name is camelCase or dotted: `topEigenvalue`, `detect.clean`).
    for (const kind of kinds)
      for (const m of sweepMetrics(kind.name)) {
        expect(m.label.startsWith(m.name.split('.')[0]), m.label).toBe(false)
        expect(m.label, m.label).not.toMatch(/[a-z][A-Z]|[a-z]\.[a-z]/)
      }
    const panel = Object.fromEntries(
      sweepMetrics('finetune').map((m) => [`${m.model}/${m.name}`, m.label])
    )
    expect(panel['detect.backdoored.after/topEigenvalue.pValue']).toBe(
      'Top eigenvalue λ₁(C), p-value, weights of the backdoored network after fine-tuning'
    )
  })

  it('leave out what describes a run rather than measures it: the panel’s θ, its null’s shape', () => {
    const effectiveness = sweepMetrics('effectiveness').map((m) => `${m.model}/${m.name}`)
    expect(effectiveness).toContain('detect.backdoored/topEigenvalue.pValue')
    expect(effectiveness).not.toContain('detect.backdoored/theta')
    expect(effectiveness).not.toContain('detect.null/m')
    const frontier = sweepMetrics('detectability').map((m) => `${m.model}/${m.name}`)
    expect(frontier).toEqual(expect.arrayContaining(['run/undetectedTheta', 'spectral/size']))
    expect(frontier).not.toContain('run/thetasDone')
    expect(frontier).not.toContain('run/drawsPerTheta')
  })

  it('start with each kind’s headline metrics, all of them metrics the kind reports', () => {
    for (const kind of kinds) {
      const all = new Set(sweepMetrics(kind.name).map((m) => `${m.model}/${m.name}`))
      const key = sweepKeyMetrics(kind.name)
      expect(key.length).toBeGreaterThan(0)
      for (const m of key) expect(all).toContain(`${m.model}/${m.name}`)
    }
    expect(sweepKeyMetrics('effectiveness')[0]).toEqual({
      model: 'run',
      name: 'lambda50Ratio',
      label: 'λ50 ratio, clean / backdoored'
    })
  })
})
