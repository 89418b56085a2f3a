/**
 * A comparison grouped by seed, exported and saved through the API on runs the real worker
 * computed: three seeds of one config (a group) and a run of another config (a column alone).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import { effectivenessConfigSchema } from '../../kinds/effectiveness/config'
import type { RunDetail } from '../../shared/results'
import { smallEffectiveness } from '../testing/labWithRuns'
import { openTempLab, type TempLab } from '../testing/tempLab'
import { exportColumns } from './chart'

let lab: TempLab
let seeds: RunDetail[]
let other: RunDetail

beforeAll(async () => {
  lab = openTempLab('lab-grouped-', { parallelRuns: 2 })
  const started = [1, 2, 3].map((seed) =>
    lab.service.startRun({ ...smallEffectiveness, seed }, `three seeds, seed ${seed}`)
  )
  started.push(lab.service.startRun({ ...smallEffectiveness, m: 150, seed: 9 }, 'narrower'))
  const done = await Promise.all(started.map((r) => lab.service.waitForRun(r.id)))
  for (const run of done) if (run.status !== 'done') throw new Error(`run ${run.id}: ${run.error}`)
  seeds = done.slice(0, 3).map((r) => lab.service.getRun(r.id))
  other = lab.service.getRun(done[3].id)
}, 120_000)
afterAll(() => {
  lab?.close()
})

const T2 = 0.95 * Math.sqrt(2 / (1 - 0.95 ** 2))
function direct(values: number[]) {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1))
  return { mean, lower: mean - (T2 * sd) / Math.sqrt(n), upper: mean + (T2 * sd) / Math.sqrt(n) }
}

async function exported(format: string) {
  const file = await lab.service.dispatch('exportChart', {
    runIds: [...seeds.map((r) => r.id), other.id],
    chart: 'asr',
    format,
    grouped: true
  })
  return { name: file.fileName, text: Buffer.from(file.base64, 'base64').toString('utf8') }
}

async function refusal(method: 'exportChart' | 'saveComparison', params: unknown) {
  return (await lab.service.dispatch(method, params).catch((e: unknown) => e)) as LabApiError
}

describe('a chart grouped by seed', () => {
  it('exports each group as its mean curve with the t-interval over its seeds, by group in CSV', async () => {
    const csv = await exported('csv')
    const ids = seeds.map((r) => r.id)
    expect(csv.name).toBe(`run-${[...ids, other.id].join('-')}-asr-by-seed-group.csv`)
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[]
    expect(Object.keys(rows[0])).toEqual(['group', 'runs', 'series', 'x', 'y', 'lower', 'upper'])
    const curve = rows.filter((r) => r.group === 'A' && r.series === 'Backdoored network')
    expect(curve.map((r) => r.runs)).toEqual(curve.map(() => ids.join(' ')))
    const each = seeds.map((r) =>
      r.series.find((s) => s.model === 'backdoored' && s.name === 'attackSuccessRate')!
    )
    expect(curve.map((r) => Number(r.x))).toEqual(each[0].points.map((p) => p.x))
    for (const [i, row] of curve.entries()) {
      const values = each.map((s) => s.points[i].value!)
      const want = direct(values)
      expect(Number(row.y)).toBeCloseTo(want.mean, 12)
      if (new Set(values).size === 1) continue // no spread: the interval is the mean itself
      expect(Number(row.lower)).toBeCloseTo(want.lower, 10)
      expect(Number(row.upper)).toBeCloseTo(want.upper, 10)
    }
    // The run alone keeps its own curve and its Wilson band, under its id.
    const alone = rows.filter(
      (r) => r.group === `#${other.id}` && r.series === 'Backdoored network'
    )
    const own = other.series.find(
      (s) => s.model === 'backdoored' && s.name === 'attackSuccessRate'
    )!
    expect(alone.map((r) => Number(r.y))).toEqual(own.points.map((p) => p.value))
    expect(alone.map((r) => Number(r.lower))).toEqual(own.points.map((p) => p.lower))
    // The ASR = 0.5 line is shared by all.
    expect(rows.filter((r) => r.series === 'ASR = 0.5').map((r) => r.group)).toEqual(['', ''])
  })

  it('names the groups in JSON, in the caption and on the figure’s key', async () => {
    const json = JSON.parse((await exported('json')).text)
    expect(json.groups).toEqual([
      { tag: 'A', name: 'three seeds', runIds: seeds.map((r) => r.id), seeds: [1, 2, 3] },
      { tag: `#${other.id}`, name: 'narrower', runIds: [other.id], seeds: [9] }
    ])
    expect(new Set(json.series.map((s: { group: string | null }) => s.group))).toEqual(
      new Set(['A', `#${other.id}`, null])
    )
    expect(json.caption).toContain(
      `A, the mean of 3 seeds (runs ${seeds.map((r) => `#${r.id}`).join(', ')}) of a random-ReLU network (d=20, m=200, k=4, θ=4; n=300/300; seeds 1, 2, 3)`
    )
    expect(json.caption).toContain(
      'For the seed group A, each curve is the mean over the seeds and its shaded band or whiskers the 95% t-interval over them'
    )
    // The figure's key names each column once (its colour) and each series once (its marker).
    const svg = (await exported('svg')).text
    const words = [...svg.matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]).join(' ')
    expect(words).toContain('Seed groups and runs')
    expect(words.match(/A \(mean of 3 seeds\)/g)).toHaveLength(1)
    expect(words.match(new RegExp(`#${other.id}\\b`, 'g'))).toHaveLength(1)
    expect(words.match(/Clean network/g)).toHaveLength(1)
    const tex = (await exported('tex')).text
    expect(tex).toContain('A (mean of 3 seeds)')
    const { caption } = await lab.service.dispatch('chartCaption', {
      runIds: [...seeds.map((r) => r.id), other.id],
      chart: 'asr',
      grouped: true
    })
    expect(caption).toBe(json.caption)
  })

  it('takes up to 50 runs grouped, 8 run by run, and at most 8 seed groups', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => i + 1)
    const many = await refusal('exportChart', { runIds: ids, chart: 'asr', format: 'csv' })
    expect(many.fields).toEqual([
      { field: 'runIds', message: 'runIds may name at most 8 runs unless grouped' }
    ])
    const base = effectivenessConfigSchema.parse(smallEffectiveness)
    const nine = ids.map((id) => ({ ...seeds[0], id, config: { ...base, theta: id } }))
    expect(() => exportColumns(nine, true)).toThrow(
      'runIds make 9 seed groups; a grouped chart takes at most 8'
    )
    expect(exportColumns(nine.slice(0, 8), true)).toHaveLength(8)
    expect(exportColumns(nine, false)).toBeNull()
  })
})

describe('lab export --by-seed-group', () => {
  it('writes the grouped numbers, as the app exports them', async () => {
    const out = join(lab.dir, 'grouped.csv')
    const ids = [...seeds.map((r) => r.id), other.id].join(',')
    const tsx = resolve(__dirname, '../../../node_modules/.bin/tsx')
    const cli = resolve(__dirname, '../host/cli.ts')
    const args = ['export', '--run', ids, '--chart', 'asr', '--by-seed-group', '--out', out]
    const result = spawnSync(tsx, [cli, ...args, '--db', lab.dbPath], {
      cwd: lab.dir,
      encoding: 'utf8',
      env: { ...process.env, BACKDOOR_LAB_DB: '' }
    })
    expect(result.status, result.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe((await exported('csv')).text)
  })
})

describe('a saved comparison grouped by seed', () => {
  it('is saved grouped when its runs make 2 or more seed groups, and listed so', async () => {
    const runIds = [...seeds.map((r) => r.id), other.id]
    const saved = await lab.service.dispatch('saveComparison', {
      name: 'three seeds vs narrower',
      runIds,
      grouped: true
    })
    expect(saved).toMatchObject({ runIds, grouped: true })
    const plain = await lab.service.dispatch('saveComparison', { name: 'runs', runIds })
    expect(plain.grouped).toBe(false)
    const listed = await lab.service.dispatch('listComparisons', {})
    expect(listed.map((c) => [c.name, c.grouped])).toEqual([
      ['runs', false],
      ['three seeds vs narrower', true]
    ])
    const one = await refusal('saveComparison', {
      name: 'one group',
      runIds: seeds.map((r) => r.id),
      grouped: true
    })
    expect(one.status).toBe(400)
    expect(one.fields).toEqual([
      {
        field: 'runIds',
        message: 'these 3 runs are one seed group; a comparison by seed group needs at least 2'
      }
    ])
  })
})
