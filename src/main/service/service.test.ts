import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import { finetuneConfigSchema } from '../../kinds/finetune/config'
import type { MetricRecord, SeriesRecord } from '../../shared/results'
import { initBackend } from '../lab/backend'
import { runExperiment } from '../../kinds/main'
import { collectingReporter } from '../lab/reporter'
import { openLab } from '../host/lab'
import {
  fastEffectiveness as small,
  openTempLab,
  workerEntry as worker,
  type TempLab
} from '../testing/tempLab'

// The real worker, compiled on the fly by tsx, against a real SQLite file.
let lab: TempLab
beforeEach(() => {
  lab = openTempLab('lab-service-', { parallelRuns: 2 })
})
afterEach(() => lab.close())

describe('LabService', () => {
  it('refuses an invalid config with an error naming the field and the rule, and saves nothing', async () => {
    const error = await lab.service
      .dispatch('startRun', { config: { ...small, k: 50 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabApiError)
    expect((error as LabApiError).status).toBe(400)
    expect((error as LabApiError).fields).toContainEqual({
      field: 'k',
      message: 'k must be at most d (got k=50, d=20)'
    })
    expect(lab.store.history.list()).toEqual([])
  })

  it('refuses a malformed request naming the parameter', async () => {
    const error = (await lab.service
      .dispatch('getRun', { id: 'seven' })
      .catch((e: unknown) => e)) as LabApiError
    expect(error.status).toBe(400)
    expect(error.fields.map((f) => f.field)).toEqual(['id'])
  })

  it('runs an experiment in a child process, records backend and results, and reports progress', async () => {
    const run = await lab.service.dispatch('startRun', { config: small, name: 'small' })
    expect(run.status).toBe('queued')
    const finished = await lab.service.waitForRun(run.id)
    expect(finished.status).toBe('done')
    expect(finished.backend).toMatch(/^(tensorflow|wasm|cpu)$/)
    const detail = lab.service.getRun(run.id)
    expect(detail.environment?.versions['tfjs-core']).toBeDefined()
    expect(
      detail.series.find((s) => s.model === 'backdoored' && s.name === 'attackSuccessRate')?.points
    ).toHaveLength(7)
    expect(
      detail.metrics.find((m) => m.model === 'backdoored' && m.name === 'lambda50')
    ).toBeDefined()
    const progress = lab.events.filter((e) => e.type === 'progress')
    expect(progress.length).toBeGreaterThan(0)
    const last = progress[progress.length - 1]
    expect(last.type === 'progress' && last.progress.step === last.progress.total).toBe(true)
    expect(
      lab.events.some((e) => e.type === 'run' && e.run.id === run.id && e.run.status === 'done')
    ).toBe(true)
  })

  it('gives identical numbers for the same config and seed, and different ones for another seed', async () => {
    const [a, b, c] = [
      lab.service.startRun(small),
      lab.service.startRun(small),
      lab.service.startRun({ ...small, seed: 2 })
    ]
    await Promise.all([a, b, c].map((r) => lab.service.waitForRun(r.id)))
    const numbers = (id: number) => {
      const run = lab.service.getRun(id)
      return { metrics: run.metrics, series: run.series }
    }
    expect(numbers(b.id)).toEqual(numbers(a.id))
    expect(numbers(c.id)).not.toEqual(numbers(a.id))
  })

  it('cancels a running run at once and marks it cancelled', async () => {
    const big = {
      ...small,
      d: 200,
      m: 20000,
      n: 3000,
      nTest: 3000,
      lambdas: { from: 0, to: 8, steps: 200 }
    }
    const run = lab.service.startRun(big)
    await new Promise<void>((done) =>
      lab.service.subscribe(
        (e) => e.type === 'run' && e.run.id === run.id && e.run.status === 'running' && done()
      )
    )
    lab.service.cancelRun(run.id)
    const finished = await lab.service.waitForRun(run.id)
    expect(finished.status).toBe('cancelled')
    expect(finished.finishedAt).not.toBeNull()
  })

  it('cancels a queued run without starting it', async () => {
    const one = openLab({
      dbPath: join(lab.dir, 'serial.db'),
      host: 'cli',
      worker,
      parallelRuns: 1
    })
    try {
      const first = one.service.startRun(small)
      const second = one.service.startRun(small)
      expect(one.service.cancelRun(second.id).status).toBe('cancelled')
      expect((await one.service.waitForRun(first.id)).status).toBe('done')
      expect(one.store.runs.summary(second.id).startedAt).toBeNull()
    } finally {
      one.close()
    }
  })
})

/** Records as the store keeps them: the last value of each metric, series points concatenated. */
function asStored(metrics: MetricRecord[], series: SeriesRecord[]) {
  const m = new Map(metrics.map((r) => [`${r.model}/${r.name}`, r]))
  const s = new Map<string, SeriesRecord>()
  for (const r of series) {
    const key = `${r.model}/${r.name}`
    const points = [...(s.get(key)?.points ?? []), ...r.points]
    s.set(key, { model: r.model, name: r.name, points })
  }
  const clean = <T extends object>(o: T) => JSON.parse(JSON.stringify(o)) as T
  return {
    metrics: clean([...m.values()].sort(byKey)),
    series: clean([...s.values()].sort(byKey))
  }
}
const byKey = (a: { model: string; name: string }, b: { model: string; name: string }) =>
  `${a.model}/${a.name}`.localeCompare(`${b.model}/${b.name}`)

describe('fine-tuning through the service', () => {
  it('trains the two models in two processes and gets exactly the numbers of one process', async () => {
    const config = finetuneConfigSchema.parse({
      kind: 'finetune',
      d: 20,
      m: 150,
      k: 4,
      n: 200,
      nTest: 200,
      lambdas: { from: 0, to: 4, steps: 5 },
      train: { epochs: 3, batchSize: 32, learningRate: 0.01 }
    })
    const run = lab.service.startRun(config)
    expect((await lab.service.waitForRun(run.id)).status).toBe('done')
    const stored = lab.service.getRun(run.id)

    await initBackend()
    const here = collectingReporter()
    await runExperiment(config, here)
    const expected = asStored(here.metricRecords, here.seriesRecords)
    expect(asStored(stored.metrics, stored.series)).toEqual(expected)
    expect(
      stored.series.find((r) => r.model === 'run' && r.name === 'epoch.advantage')?.points
    ).toHaveLength(4)
  })

  it('refuses a fine-tuning config with bad training settings, naming the field', async () => {
    const error = (await lab.service
      .dispatch('startRun', {
        config: { kind: 'finetune', train: { optimizer: 'rmsprop', epochs: -1 } }
      })
      .catch((e: unknown) => e)) as LabApiError
    expect(error.status).toBe(400)
    expect(error.fields.map((f) => f.field).sort()).toEqual(['train.epochs', 'train.optimizer'])
  })
})

describe('re-running a run exactly', () => {
  it('starts the same config and seed, names the original, and its numbers are identical', async () => {
    const original = lab.service.startRun({ ...small, seed: 7 }, 'seven')
    await lab.service.waitForRun(original.id)
    const rerun = await lab.service.dispatch('rerunRun', { id: original.id })
    expect(rerun).toMatchObject({ name: 'seven (re-run of #1)', rerunOf: original.id, seed: 7 })
    expect(lab.service.getRun(rerun.id).reproduction?.of).toBe(original.id)
    expect((await lab.service.waitForRun(rerun.id)).status).toBe('done')

    const [a, b] = await lab.service.dispatch('getRuns', { ids: [original.id, rerun.id] })
    expect(b.config).toEqual(a.config)
    expect({ metrics: b.metrics, series: b.series }).toEqual({
      metrics: a.metrics,
      series: a.series
    })
    expect(b.reproduction).toEqual({
      of: original.id,
      originalExists: true,
      originalBackend: a.backend,
      sameBackend: true,
      identical: true,
      differing: [],
      compared: a.metrics.length + a.series.length
    })
    expect(b.keyMetric).toEqual(a.keyMetric)
    expect(a.keyMetric?.label).toBe('λ50 ratio')

    // The original deleted: the re-run still says what it repeated.
    await lab.service.dispatch('deleteRuns', { ids: [original.id] })
    expect(lab.service.getRun(rerun.id).reproduction).toMatchObject({
      of: original.id,
      originalExists: false,
      identical: null
    })
  })

  it('pages runs through queryRuns and refuses a comparison of one run', async () => {
    const runs = [1, 2, 3].map((seed) => lab.service.startRun({ ...small, seed }))
    await Promise.all(runs.map((r) => lab.service.waitForRun(r.id)))
    const page = await lab.service.dispatch('queryRuns', {
      sort: { column: 'seed', direction: 'asc' },
      limit: 2
    })
    expect(page.total).toBe(3)
    expect(page.runs.map((r) => r.seed)).toEqual([1, 2])
    expect(page.runs[0].dataset).toBe('synthetic, d=20')
    const error = (await lab.service
      .dispatch('saveComparison', { name: 'one', runIds: [runs[0].id] })
      .catch((e: unknown) => e)) as LabApiError
    expect(error.status).toBe(400)
    expect(error.fields).toContainEqual({
      field: 'runIds',
      message: 'a comparison needs at least 2 runs'
    })
    const bad = (await lab.service
      .dispatch('queryRuns', { limit: 501, sort: { column: 'colour', direction: 'up' } })
      .catch((e: unknown) => e)) as LabApiError
    expect(bad.fields.map((f) => f.field).sort()).toEqual([
      'limit',
      'sort.column',
      'sort.direction'
    ])
  })
})
