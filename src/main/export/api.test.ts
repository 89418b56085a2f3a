import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import { chartCaption } from '../../kinds/charts'
import { chartEntry } from '../../kinds/charts'
import { runPalette } from '../../shared/overlay'
import type { RunDetail } from '../../shared/results'
import { plottedRows } from './data'
import { labWithRuns, smallEffectiveness, type LabWithRuns } from '../testing/labWithRuns'

let fixture: LabWithRuns
/** A second effectiveness run, with another seed and λ grid, to overlay on the first. */
let second: RunDetail

beforeAll(async () => {
  fixture = await labWithRuns()
  const started = fixture.lab.service.startRun(
    { ...smallEffectiveness, seed: 2, lambdas: { from: 0, to: 5, steps: 6 } },
    'second effectiveness run'
  )
  await fixture.lab.service.waitForRun(started.id)
  second = fixture.lab.service.getRun(started.id)
})
afterAll(() => fixture?.close())

async function apiError(method: 'exportChart' | 'chartCaption', params: unknown) {
  return (await fixture.lab.service
    .dispatch(method, params)
    .catch((e: unknown) => e)) as LabApiError
}

describe('export API', () => {
  it('exportChart returns the file, named, typed and base64-encoded', async () => {
    const id = fixture.finetune.id
    const png = await fixture.lab.service.dispatch('exportChart', {
      runIds: [id],
      chart: 'epoch-asr',
      format: 'png'
    })
    expect(png.fileName).toBe(`run-${id}-epoch-asr.png`)
    expect(png.mimeType).toBe('image/png')
    const bytes = Buffer.from(png.base64, 'base64')
    expect(bytes.readUInt32BE(16)).toBe(975) // 3.25 in at 300 dpi, the defaults
    const csv = await fixture.lab.service.dispatch('exportChart', {
      runIds: [id],
      chart: 'epoch-asr',
      format: 'csv'
    })
    expect(csv.mimeType).toBe('text/csv; charset=utf-8')
    const rows = parse(Buffer.from(csv.base64, 'base64').toString('utf8'), { columns: true })
    expect(rows).toHaveLength(
      plottedRows(chartEntry(fixture.finetune, 'epoch-asr').spec(fixture.finetune)).length
    )
  })

  it('exportChart refuses an unknown chart, listing the run’s charts', async () => {
    const error = await apiError('exportChart', {
      runIds: [fixture.effectiveness.id],
      chart: 'epoch-loss',
      format: 'svg'
    })
    expect(error.status).toBe(400)
    expect(error.message).toBe(
      `run ${fixture.effectiveness.id}: no chart 'epoch-loss' for an effectiveness run; its charts are: asr, advantage`
    )
    expect(error.fields.map((f) => f.field)).toEqual(['chart'])
  })

  it('exportChart validates its parameters, naming each', async () => {
    const error = await apiError('exportChart', {
      runIds: [],
      chart: 'asr',
      format: 'gif',
      widthInches: 40,
      dpi: 150
    })
    expect(error.status).toBe(400)
    expect(error.fields).toEqual([
      { field: 'runIds', message: 'runIds must name at least one run' },
      { field: 'format', message: 'format must be one of: png, svg, pdf, tex, csv, json' },
      { field: 'widthInches', message: 'widthInches must be at most 20' },
      { field: 'dpi', message: 'dpi must be 300 or 600' }
    ])
  })

  it('exportChart of several runs exports the overlay Compare draws, in every format', async () => {
    const runs = [fixture.effectiveness, second]
    const runIds = runs.map((r) => r.id)
    const exported = async (format: string) => {
      const file = await fixture.lab.service.dispatch('exportChart', {
        runIds,
        chart: 'asr',
        format
      })
      expect(file.fileName).toBe(`run-${runIds.join('-')}-asr.${format}`)
      return Buffer.from(file.base64, 'base64')
    }
    // SVG: each run's measured curves in the run's colour, one path through all its λ.
    const svg = (await exported('svg')).toString('utf8')
    for (const [i, run] of runs.entries()) {
      const lambdas = run.series.find((s) => s.model === 'clean')!.points.length
      const curves = [...svg.matchAll(/<path\b[^>]*>/g)]
        .map((m) => m[0])
        .filter((tag) => tag.toUpperCase().includes(`STROKE="${runPalette[i]}"`))
        .filter((tag) => (/ d="([^"]*)"/.exec(tag)?.[1].match(/L/g) ?? []).length >= lambdas - 1)
      expect(curves.length, `run ${run.id}`).toBeGreaterThanOrEqual(2) // clean and backdoored
      // The key names each run once (its colour), and each series once (its marker).
      expect(svg).toContain(`>#${run.id}</text>`)
    }
    expect(svg.match(/>Clean network<\/text>/g)).toHaveLength(1)
    // CSV: a run column, and every plotted point of each run's clean curve under its id.
    const csv = parse((await exported('csv')).toString('utf8'), { columns: true }) as Record<
      string,
      string
    >[]
    expect(Object.keys(csv[0])).toEqual(['run', 'series', 'x', 'y', 'lower', 'upper'])
    for (const run of runs) {
      const clean = run.series.find((s) => s.model === 'clean' && s.name === 'attackSuccessRate')!
      const rows = csv.filter((r) => r.run === String(run.id) && r.series === 'Clean network')
      expect(rows.map((r) => Number(r.x))).toEqual(clean.points.map((p) => p.x))
    }
    // The ASR = 0.5 line is shared: no run.
    expect(csv.filter((r) => r.series === 'ASR = 0.5').map((r) => r.run)).toEqual(['', ''])
    // JSON: each series names its run; the caption describes both runs.
    const json = JSON.parse((await exported('json')).toString('utf8'))
    expect(new Set(json.series.map((s: { run: number | null }) => s.run))).toEqual(
      new Set([...runIds, null])
    )
    expect(json.caption).toContain(`#${runIds[0]}, a random-ReLU network`)
    expect(json.caption).toContain(`#${runIds[1]}, a random-ReLU network`)
    expect((await exported('png')).readUInt32BE(16)).toBe(975)
    expect((await exported('pdf')).subarray(0, 5).toString()).toBe('%PDF-')
  })

  it('exportChart of several runs names the run that lacks the chart, or why it is not overlaid', async () => {
    const mixed = await apiError('exportChart', {
      runIds: [fixture.effectiveness.id, fixture.universality.id],
      chart: 'asr',
      format: 'svg'
    })
    expect(mixed.status).toBe(400)
    expect(mixed.message).toBe(
      `run ${fixture.universality.id}: no chart 'asr' for a universality run; its charts are: scatter, histogram, per-target`
    )
    const twin = fixture.lab.service.startRun(
      { ...fixture.universality.config, seed: 5 },
      'universality twin'
    )
    await fixture.lab.service.waitForRun(twin.id)
    const refused = await apiError('exportChart', {
      runIds: [fixture.universality.id, twin.id],
      chart: 'per-target',
      format: 'svg'
    })
    expect(refused.status, String(refused)).toBe(400)
    expect(refused.message).toMatch(/^chart 'per-target' cannot overlay 2 runs: .*each run's page$/)
    const scatter = await fixture.lab.service.dispatch('exportChart', {
      runIds: [fixture.universality.id, twin.id],
      chart: 'scatter',
      format: 'csv'
    })
    const rows = parse(Buffer.from(scatter.base64, 'base64').toString('utf8'), {
      columns: true
    }) as Record<string, string>[]
    for (const id of [fixture.universality.id, twin.id]) {
      expect(
        rows.filter((r) => r.run === String(id) && r.series === "Attacker's head")
      ).toHaveLength(1)
    }
  })

  it('chartCaption gives the caption of the chart for the run', async () => {
    const run = fixture.effectiveness
    const { caption } = await fixture.lab.service.dispatch('chartCaption', {
      runIds: [run.id],
      chart: 'asr'
    })
    expect(caption).toBe(chartCaption(run, 'asr'))
    expect(caption).toContain('(d=20, m=200, k=4, θ=4; n=300/300; seed 1)')
  })

  it('chartCaption of several runs describes each, and is checked like an export', async () => {
    const { caption } = await fixture.lab.service.dispatch('chartCaption', {
      runIds: [fixture.effectiveness.id, second.id],
      chart: 'asr'
    })
    expect(caption).toMatch(/^Attack success rate over trigger scale λ, 2 runs overlaid/)
    expect(caption).toContain(
      `#${fixture.effectiveness.id}, a random-ReLU network (d=20, m=200, k=4, θ=4; n=300/300; seed 1)`
    )
    expect(caption).toContain(
      `#${second.id}, a random-ReLU network (d=20, m=200, k=4, θ=4; n=300/300; seed 2)`
    )
    expect(caption).not.toMatch(/\n/)
    const error = await apiError('chartCaption', { runIds: [second.id, second.id], chart: 'asr' })
    expect(error.status).toBe(400)
    expect(error.fields).toEqual([{ field: 'runIds', message: 'runIds must not repeat a run' }])
    const wrong = await apiError('chartCaption', {
      runIds: [second.id, fixture.universality.id],
      chart: 'asr'
    })
    expect(wrong.message).toBe(
      `run ${fixture.universality.id}: no chart 'asr' for a universality run; its charts are: scatter, histogram, per-target`
    )
    // A fine-tuning run is compared on the ASR chart by its curves before fine-tuning.
    const mixed = await fixture.lab.service.dispatch('chartCaption', {
      runIds: [second.id, fixture.finetune.id],
      chart: 'asr'
    })
    expect(mixed.caption).toContain('fine-tuning runs: ASR(λ) before fine-tuning')
    const csv = await fixture.lab.service.dispatch('exportChart', {
      runIds: [second.id, fixture.finetune.id],
      chart: 'asr',
      format: 'csv'
    })
    const rows = parse(Buffer.from(csv.base64, 'base64').toString('utf8'), {
      columns: true
    }) as Record<string, string>[]
    const before = fixture.finetune.series.find(
      (s) => s.model === 'backdoored' && s.name === 'attackSuccessRate.before'
    )!
    expect(
      rows
        .filter(
          (r) =>
            r.run === String(fixture.finetune.id) &&
            r.series === 'Backdoored network, before fine-tuning'
        )
        .map((r) => Number(r.y))
    ).toEqual(before.points.map((p) => p.value))
    // Alone, a fine-tuning run exports only its own charts.
    const alone = await apiError('exportChart', {
      runIds: [fixture.finetune.id],
      chart: 'asr',
      format: 'csv'
    })
    expect(alone.status).toBe(400)
  })
})

const cli = resolve(__dirname, '../host/cli.ts')
const tsx = resolve(__dirname, '../../../node_modules/.bin/tsx')

function lab(...args: string[]) {
  const result = spawnSync(tsx, [cli, ...args], {
    cwd: fixture.dir,
    encoding: 'utf8',
    env: { ...process.env, BACKDOOR_LAB_DB: '' }
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('CLI', () => {
  it('lists a run’s charts, exports each format and round-trips a bundle', () => {
    const db = join(fixture.dir, 'lab.db')
    const id = String(fixture.effectiveness.id)
    const charts = lab('charts', '--run', id, '--db', db, '--json')
    expect(charts.code, charts.stderr).toBe(0)
    expect(JSON.parse(charts.stdout).map((c: { name: string }) => c.name)).toEqual([
      'asr',
      'advantage'
    ])

    for (const format of ['png', 'svg', 'pdf', 'tex', 'csv', 'json']) {
      const out = join(fixture.dir, 'figures', `asr.${format}`)
      const args = ['export', '--run', id, '--chart', 'asr', '--out', out, '--db', db]
      const result = lab(...args, ...(format === 'png' ? ['--width', '6.75', '--dpi', '600'] : []))
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain(`wrote ${out}`)
      expect(existsSync(out)).toBe(true)
    }
    expect(readFileSync(join(fixture.dir, 'figures', 'asr.png')).readUInt32BE(16)).toBe(4050)
    expect(
      readFileSync(join(fixture.dir, 'figures', 'asr.pdf'))
        .subarray(0, 5)
        .toString()
    ).toBe('%PDF-')

    const bundle = join(fixture.dir, 'bundle.lab.json')
    const both = `${fixture.effectiveness.id},${fixture.finetune.id}`
    const exported = lab('export-bundle', '--run', both, '--out', bundle, '--db', db)
    expect(exported.code, exported.stderr).toBe(0)
    const target = join(fixture.dir, 'cli-import.db')
    const imported = lab('import-bundle', '--in', bundle, '--db', target, '--json')
    expect(imported.code, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout).map((r: { name: string }) => r.name)).toEqual([
      'effectiveness fixture',
      'fine-tuning fixture'
    ])
  })

  it('lists and exports the universality charts', () => {
    const db = join(fixture.dir, 'lab.db')
    const id = String(fixture.universality.id)
    const charts = lab('charts', '--run', id, '--db', db, '--json')
    expect(charts.code, charts.stderr).toBe(0)
    expect(JSON.parse(charts.stdout).map((c: { name: string }) => c.name)).toEqual([
      'scatter',
      'histogram',
      'per-target'
    ])
    for (const chart of ['scatter', 'histogram', 'per-target']) {
      const out = join(fixture.dir, 'figures', `${chart}.csv`)
      const result = lab('export', '--run', id, '--chart', chart, '--out', out, '--db', db)
      expect(result.code, result.stderr).toBe(0)
      const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as { series: string }[]
      const spec = chartEntry(fixture.universality, chart).spec(fixture.universality)
      expect(rows, chart).toHaveLength(plottedRows(spec).length)
    }
    // Several runs: the overlay, with a run column.
    const both = `${fixture.effectiveness.id},${fixture.finetune.id}`
    const overlay = join(fixture.dir, 'figures', 'compare-asr.csv')
    const compared = lab('export', '--run', both, '--chart', 'asr', '--out', overlay, '--db', db)
    expect(compared.code, compared.stderr).toBe(0)
    const runsInCsv = (parse(readFileSync(overlay, 'utf8'), { columns: true }) as { run: string }[])
      .map((r) => r.run)
      .filter(Boolean)
    expect(new Set(runsInCsv)).toEqual(new Set(both.split(',')))

    const unknown = lab('export', '--run', id, '--chart', 'asr', '--format', 'svg', '--db', db)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(
      "no chart 'asr' for a universality run; its charts are: scatter, histogram, per-target"
    )
  })

  it('says what is wrong: an unknown chart lists the charts, a tampered bundle is refused', () => {
    const db = join(fixture.dir, 'lab.db')
    const unknown = lab(
      'export',
      '--run',
      String(fixture.finetune.id),
      '--chart',
      'asr',
      '--format',
      'png',
      '--db',
      db
    )
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(
      "no chart 'asr' for a finetune run; its charts are: epoch-asr, epoch-loss, epoch-accuracy, epoch-spike, epoch-spike-normalised, epoch-drift, asr-before-after"
    )
    const noFormat = lab('export', '--run', '1', '--chart', 'asr', '--db', db)
    expect(noFormat.code).toBe(2)
    expect(noFormat.stderr).toContain('Say which format to write')

    const bundle = join(fixture.dir, 'tampered.lab.json')
    const exported = lab(
      'export-bundle',
      '--run',
      String(fixture.effectiveness.id),
      '--out',
      bundle,
      '--db',
      db
    )
    expect(exported.code, exported.stderr).toBe(0)
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('"seed": 1,', '"seed": 2,'))
    const target = join(fixture.dir, 'cli-refused.db')
    const refused = lab('import-bundle', '--in', bundle, '--db', target)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(
      "the bundle's checksum does not match its content: it was changed after export"
    )
    const list = lab('list', '--db', target, '--json')
    expect(JSON.parse(list.stdout)).toEqual([])
  })
})
