/**
 * A sweep's charts exported through the API, on a sweep the real workers computed: the CSV holds
 * one row per run with the value its run reports and one per point with their mean, n and
 * t-interval; the figures render at the asked size, the LaTeX compiles with a log axis for a log
 * range, and bad requests are refused naming the parameter.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import { findMetric } from '../../shared/results'
import { openTempLab, type TempLab } from '../testing/tempLab'

const tiny = {
  kind: 'effectiveness',
  d: 10,
  m: 100,
  k: 4,
  theta: 4,
  n: 200,
  nTest: 200,
  lambdas: { from: 0, to: 6, steps: 5 }
}
const metric = { model: 'backdoored', name: 'cleanAccuracy' }

/** t_{0.975, 1}: Student's t with one degree of freedom is Cauchy, t = tan(π (p − 1/2)). */
const T975_ONE_DF = Math.tan(Math.PI * 0.475)

let lab: TempLab
let sweepId: number

beforeAll(async () => {
  lab = openTempLab('lab-sweep-export-', { parallelRuns: 2 })
  const started = await lab.service.dispatch('startSweep', {
    config: {
      ...tiny,
      sweep: {
        fields: [
          { path: 'theta', range: { from: 1, to: 4, steps: 2, scale: 'log' } },
          { path: 'm', values: [100, 200] }
        ],
        seeds: 2,
        seed: 3
      }
    },
    name: 'export sweep'
  })
  sweepId = started.id
  const finished = await lab.service.sweeps.waitFor(sweepId)
  if (finished.status !== 'done') throw new Error(`the sweep ended ${finished.status}`)
}, 120_000)
afterAll(() => {
  lab?.close()
})

const exportAs = (format: string, extra: Record<string, unknown> = {}) =>
  lab.service.dispatch('exportChart', {
    sweepId,
    metric,
    chart: 'sweep-mean',
    format: format as 'png',
    ...extra
  })
const text = (file: { base64: string }) => Buffer.from(file.base64, 'base64').toString('utf8')
const refusal = async (params: unknown) =>
  (await lab.service.dispatch('exportChart', params).catch((e: unknown) => e)) as LabApiError

describe('a sweep’s chart, exported', () => {
  it('as CSV: each run with its run’s own value, each point with their mean, n and t-interval', async () => {
    const file = await exportAs('csv')
    expect(file.fileName).toBe(`sweep-${sweepId}-mean-backdoored-cleanAccuracy.csv`)
    const rows = parse(text(file), { columns: true }) as Record<string, string>[]
    expect(rows.filter((r) => r.row === 'point')).toHaveLength(4)
    expect(rows.filter((r) => r.row === 'run')).toHaveLength(8)
    for (const point of rows.filter((r) => r.row === 'point')) {
      const runs = rows.filter((r) => r.row === 'run' && r.point === point.point)
      expect(runs.map((r) => [r.theta, r.m])).toEqual(runs.map(() => [point.theta, point.m]))
      const values = runs.map((r) => {
        const run = lab.service.getRun(Number(r.run))
        expect(run.config).toMatchObject({ theta: Number(r.theta), m: Number(r.m) })
        expect(run.seed).toBe(Number(r.seed))
        const value = findMetric(run, metric.model, metric.name)!.value!
        expect(Number(r.value)).toBe(value)
        return value
      })
      const mean = (values[0] + values[1]) / 2
      const sd = Math.abs(values[0] - values[1]) / Math.SQRT2
      expect(Number(point.mean)).toBeCloseTo(mean, 12)
      expect(Number(point.n)).toBe(2)
      expect(Number(point.of)).toBe(2)
      expect(Number(point.upper)).toBeCloseTo(mean + (T975_ONE_DF * sd) / Math.SQRT2, 9)
      expect(Number(point.lower)).toBeCloseTo(mean - (T975_ONE_DF * sd) / Math.SQRT2, 9)
    }
  })

  it('as JSON: the sweep, its fields (a log range says so), the metric and every point', async () => {
    const json = JSON.parse(text(await exportAs('json', { chart: 'sweep-heatmap' })))
    expect(json.sweep).toMatchObject({ id: sweepId, name: 'export sweep', seeds: 2, seed: 3 })
    expect(json.sweep.fields.map((f: { scale: string }) => f.scale)).toEqual(['log', 'linear'])
    expect(json.metric.label).toBe('Clean accuracy, backdoored network')
    expect(json.points).toHaveLength(4)
    expect(json.caption).toMatch(/^Clean accuracy, backdoored network: mean over seeds by θ and m/)
  })

  it('as PNG, SVG and PDF at the asked width, the heat map too', async () => {
    const png = Buffer.from((await exportAs('png', { widthInches: 4, dpi: 300 })).base64, 'base64')
    expect(png.readUInt32BE(16)).toBe(1200)
    const heat = await exportAs('png', { chart: 'sweep-heatmap' })
    expect(heat.fileName).toBe(`sweep-${sweepId}-heatmap-backdoored-cleanAccuracy.png`)
    expect(Buffer.from(heat.base64, 'base64').readUInt32BE(16)).toBe(975)
    expect(text(await exportAs('svg'))).toMatch(/<svg[^>]*width="3.25in"/)
    expect(text(await exportAs('pdf')).startsWith('%PDF')).toBe(true)
  })

  const pdflatex = spawnSync('pdflatex', ['--version']).error === undefined
  it.skipIf(!pdflatex && !process.env.CI)(
    'as LaTeX that compiles, θ on a log axis, the heat map’s cells filled',
    async () => {
      const mean = text(await exportAs('tex'))
      expect(mean).toContain('xmode=log')
      const heat = text(await exportAs('tex', { chart: 'sweep-heatmap', x: 1 }))
      expect(heat).not.toContain('xmode=log')
      expect(heat.match(/% bars: cell/g)).toHaveLength(4)
      const tmp = mkdtempSync(join(os.tmpdir(), 'lab-sweep-tex-'))
      try {
        writeFileSync(join(tmp, 'mean.tex'), mean)
        writeFileSync(join(tmp, 'heat.tex'), heat)
        writeFileSync(
          join(tmp, 'main.tex'),
          [
            '\\documentclass{article}',
            '\\usepackage[utf8]{inputenc}',
            '\\usepackage{pgfplots}',
            '\\usepgfplotslibrary{fillbetween}',
            '\\pgfplotsset{compat=1.18}',
            '\\setlength{\\textwidth}{3.25in}',
            '\\begin{document}',
            '\\noindent\\input{mean.tex}\\par',
            '\\noindent\\input{heat.tex}',
            '\\end{document}'
          ].join('\n')
        )
        const result = spawnSync(
          'pdflatex',
          ['-interaction=nonstopmode', '-halt-on-error', 'main.tex'],
          {
            cwd: tmp,
            encoding: 'utf8',
            timeout: 300_000
          }
        )
        expect(result.status, result.stdout.split('\n').slice(-30).join('\n')).toBe(0)
        expect(result.stdout).not.toMatch(/Overfull \\hbox/)
      } finally {
        rmSync(tmp, { recursive: true, force: true })
      }
    },
    120_000
  )

  it('is refused, naming the parameter, for a metric the kind lacks or a mixed request', async () => {
    const unknown = await refusal({
      sweepId,
      metric: { model: 'backdoored', name: 'nope' },
      chart: 'sweep-mean',
      format: 'csv'
    })
    expect(unknown.status).toBe(400)
    expect(unknown.fields[0].field).toBe('metric.name')
    expect(unknown.message).toMatch(/^backdoored\/nope is not a metric an? effectiveness sweep/)
    const both = await refusal({ runIds: [1], sweepId, metric, chart: 'sweep-mean', format: 'csv' })
    expect(both.fields.map((f) => f.field)).toEqual(['sweepId'])
    const neither = await refusal({ chart: 'asr', format: 'csv' })
    expect(neither.fields.map((f) => f.field)).toEqual(['runIds'])
    const noMetric = await refusal({ sweepId, chart: 'sweep-mean', format: 'csv' })
    expect(noMetric.fields.map((f) => f.field)).toEqual(['metric'])
    const chart = await refusal({ sweepId, metric, chart: 'asr', format: 'csv' })
    expect(chart.message).toBe(
      "no chart 'asr' for a sweep; its charts are: sweep-mean, sweep-heatmap"
    )
    const missing = await refusal({ sweepId: 9999, metric, chart: 'sweep-mean', format: 'csv' })
    expect(missing.status).toBe(404)
  })

  it('refuses a heat map of one field, and a sweep with no value yet', async () => {
    const started = await lab.service.dispatch('startSweep', {
      config: { ...tiny, sweep: { fields: [{ path: 'theta', values: [1, 2] }], seeds: 1 } }
    })
    await lab.service.dispatch('cancelSweep', { id: started.id })
    const heat = await refusal({
      sweepId: started.id,
      metric,
      chart: 'sweep-heatmap',
      format: 'png'
    })
    expect(heat.status).toBe(400)
    expect(heat.message).toMatch(/varies one field/)
    // Cancelled as it was queued: no run got as far as starting its process.
    const cancelled = await lab.service.dispatch('getSweep', { id: started.id })
    expect(cancelled.counts.done).toBe(0)
    const empty = await refusal({ sweepId: started.id, metric, chart: 'sweep-mean', format: 'csv' })
    expect(empty.status).toBe(409)
    expect(empty.message).toMatch(/no value of Clean accuracy, backdoored network yet/)
  })
})
