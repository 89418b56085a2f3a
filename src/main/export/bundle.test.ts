import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabApiError } from '../../shared/api'
import { universalityConfigSchema } from '../../kinds/universality/config'
import type { RunDetail } from '../../shared/results'
import type { LabService } from '../service/service'
import type { RunStore } from '../store/store'
import { bundleChecksum, canonicalJson, parseBundle, runsChecksum, type Bundle } from './bundle'
import { labWithRuns, type LabWithRuns } from '../testing/labWithRuns'

let fixture: LabWithRuns
let bundleText: string

beforeAll(async () => {
  fixture = await labWithRuns()
  const { service } = fixture.lab
  service.updateRun(fixture.effectiveness.id, {
    notes: 'Figure 2, left.\nλ50 ratio as in the paper.',
    tags: ['paper', 'fig2']
  })
  fixture.lab.store.runs.putMetric(fixture.effectiveness.id, {
    model: 'run',
    name: 'unmeasured',
    value: null
  })
  bundleText = (
    await service.dispatch('exportBundle', {
      ids: [fixture.effectiveness.id, fixture.finetune.id]
    })
  ).json
})
afterAll(() => fixture?.close())

/** Everything a database holds, to show that a refused import changed nothing. */
function snapshot(store: RunStore) {
  const db = new Database(store.path, { readonly: true })
  const tables = ['runs', 'run_tags', 'metrics', 'series', 'series_points', 'datasets']
  const rows = Object.fromEntries(
    tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()])
  )
  const sequence = db.prepare('SELECT * FROM sqlite_sequence ORDER BY name').all()
  db.close()
  return { rows, sequence }
}

function withoutId(run: RunDetail) {
  const { id: _id, ...rest } = run
  return rest
}

async function importError(service: LabService, json: string): Promise<LabApiError> {
  return (await service.dispatch('importBundle', { json }).catch((e: unknown) => e)) as LabApiError
}

/** Re-signs a changed bundle, as a careful forger would, so the checks after the checksum run. */
function resigned(change: (bundle: Bundle) => void): string {
  const bundle = JSON.parse(bundleText) as Bundle
  change(bundle)
  bundle.checksum = bundleChecksum(bundle)
  return JSON.stringify(bundle)
}

function tampered(change: (bundle: Bundle) => void): string {
  const bundle = JSON.parse(bundleText) as Bundle
  change(bundle)
  return JSON.stringify(bundle)
}

describe('run bundles', () => {
  it('round-trips losslessly: imported into a fresh lab, every run reads back the same but its id', async () => {
    const target = fixture.freshLab('fresh.db')
    // A run already there: imported runs get new ids after it.
    target.store.runs.create({
      name: 'already here',
      config: universalityConfigSchema.parse({ kind: 'universality' }),
      appVersion: '0.1.0'
    })
    const events: string[] = []
    target.service.subscribe((e) => e.type === 'run' && events.push(e.run.name))
    const { imported } = await target.service.dispatch('importBundle', { json: bundleText })
    expect(imported.map((r) => r.id)).toEqual([2, 3])
    const originals = [fixture.effectiveness.id, fixture.finetune.id].map((id) =>
      fixture.lab.service.getRun(id)
    )
    imported.forEach((summary, i) => {
      const copy = target.service.getRun(summary.id)
      expect(withoutId(copy)).toEqual(withoutId(originals[i]))
    })
    const copy = target.service.getRun(imported[0].id)
    expect(copy.notes).toBe('Figure 2, left.\nλ50 ratio as in the paper.')
    expect(copy.tags).toEqual(['fig2', 'paper'])
    expect(copy.metrics).toContainEqual({ model: 'run', name: 'unmeasured', value: null })
    expect(copy.series.length).toBeGreaterThan(4)
    expect(events).toEqual(imported.map((r) => r.name))
    // And exporting the copies gives the same runs again, so the checksum is stable.
    const again = await target.service.dispatch('exportBundle', { ids: imported.map((r) => r.id) })
    const first = JSON.parse(bundleText) as Bundle
    const second = JSON.parse(again.json) as Bundle
    expect(second.checksum).not.toBe(first.checksum) // the runs' sourceIds differ
    expect(second.runs.map(({ sourceId: _s, ...r }) => r)).toEqual(
      first.runs.map(({ sourceId: _s, ...r }) => r)
    )
  })

  it.each([
    [
      'a changed number',
      () =>
        tampered((b) => {
          b.runs[0].series[0].points[1].value = 0.99
        }),
      "the bundle's checksum does not match its content: it was changed after export"
    ],
    [
      'a removed field',
      () =>
        tampered((b) => {
          delete (b.runs[1] as Partial<Bundle['runs'][number]>).environment
        }),
      "the bundle's checksum does not match its content: it was changed after export"
    ],
    [
      'a changed checksum',
      () =>
        tampered((b) => {
          b.checksum = b.checksum.replace(/^./, (c) => (c === '0' ? '1' : '0'))
        }),
      "the bundle's checksum does not match its content"
    ],
    [
      'a wrong version',
      () =>
        tampered((b) => {
          ;(b as { version: number }).version = 3
        }),
      'this bundle has version 3; this lab reads versions 1 and 2 (it was written by a newer Backdoor Lab: update this one)'
    ],
    [
      'another format',
      () => JSON.stringify({ format: 'something-else', version: 1, runs: [], checksum: '' }),
      'this is not a Backdoor Lab bundle: its format is "something-else", not \'backdoor-lab-bundle\''
    ],
    ['not JSON', () => bundleText.slice(0, 200), 'it is not valid JSON'],
    [
      'JSON of something else',
      () => '[1, 2, 3]',
      'it needs the fields format, version, runs and checksum'
    ],
    [
      'an invalid config, re-signed',
      () =>
        resigned((b) => {
          ;(b.runs[0].config as { k: number }).k = 500
        }),
      'runs.0.config.k: k must be at most d (got k=500, d=20)'
    ],
    [
      'an unfinished run, re-signed',
      () =>
        resigned((b) => {
          ;(b.runs[1] as { status: string }).status = 'running'
        }),
      'runs.1.status: status "running" cannot be imported: a bundle holds finished runs only'
    ],
    [
      'a duplicated series, re-signed',
      () =>
        resigned((b) => {
          b.runs[0].series.push(b.runs[0].series[0])
        }),
      'runs.0.series: a series appears twice'
    ]
  ])('refuses %s with a clear error and changes nothing', async (_, make, message) => {
    const target = fixture.freshLab(`refused-${Math.random().toString(36).slice(2)}.db`)
    await target.service.dispatch('importBundle', { json: bundleText })
    const before = snapshot(target.store)
    const error = await importError(target.service, make())
    expect(error).toBeInstanceOf(LabApiError)
    expect(error.status).toBe(400)
    expect(error.message).toContain(message)
    expect(error.fields.map((f) => f.field)).toEqual(['json'])
    expect(snapshot(target.store)).toEqual(before)
  })

  it('stores all runs of a bundle or none: a failure on the last run undoes the first', async () => {
    const target = fixture.freshLab('all-or-nothing.db')
    const before = snapshot(target.store)
    // A database that fails on the finetune run's points, after the effectiveness run went in.
    const db = new Database(target.store.path)
    db.exec(`CREATE TRIGGER fail_late BEFORE INSERT ON series_points
      WHEN (SELECT kind FROM runs JOIN series s ON s.run_id = runs.id WHERE s.id = NEW.series_id) = 'finetune'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    db.close()
    const error = await importError(target.service, bundleText)
    expect(error.message).toContain('disk full')
    const db2 = new Database(target.store.path)
    db2.exec('DROP TRIGGER fail_late')
    db2.close()
    expect(snapshot(target.store)).toEqual(before)
  })

  it('exports finished runs only, naming the one that is not', async () => {
    const queued = fixture.lab.store.runs.create({
      name: 'waiting',
      config: universalityConfigSchema.parse({ kind: 'universality' }),
      appVersion: '0.1.0'
    })
    const error = (await fixture.lab.service
      .dispatch('exportBundle', { ids: [fixture.effectiveness.id, queued.id] })
      .catch((e: unknown) => e)) as LabApiError
    expect(error.status).toBe(409)
    expect(error.message).toBe(
      `run ${queued.id} is queued: only finished runs (done, failed, cancelled, interrupted) can be exported; wait for it or cancel it`
    )
    fixture.lab.store.runs.delete([queued.id])
  })

  it('keeps links between the runs it carries and drops links to runs it does not', async () => {
    const store = fixture.lab.store
    const config = universalityConfigSchema.parse({ kind: 'universality' })
    const original = store.runs.create({ name: 'L=3', config, appVersion: '0.1.0' })
    const twin = store.runs.create({
      name: 'L=2 twin',
      config: universalityConfigSchema.parse({
        kind: 'universality',
        dataset: { kind: 'mixture', L: 2 },
        twinOf: original.id
      }),
      appVersion: '0.1.0'
    })
    const orphan = store.runs.create({
      name: 'twin of a run left out',
      config: { ...config, twinOf: fixture.effectiveness.id },
      appVersion: '0.1.0'
    })
    for (const run of [original, twin, orphan]) store.runs.finish(run.id, 'done')
    const { json } = await fixture.lab.service.dispatch('exportBundle', {
      ids: [twin.id, original.id, orphan.id]
    })
    const target = fixture.freshLab('links.db')
    const { imported } = await target.service.dispatch('importBundle', { json })
    const [twinCopy, originalCopy, orphanCopy] = imported.map((r) => target.service.getRun(r.id))
    expect(twinCopy.config).toMatchObject({ twinOf: originalCopy.id })
    expect(orphanCopy.config).not.toHaveProperty('twinOf')
    store.runs.delete([original.id, twin.id, orphan.id])
  })

  it('the checksum is of the canonical JSON: key order does not matter, every value does', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] })).toBe(
      '{"a":[2,{"c":"x","d":null}],"b":1}'
    )
    expect(runsChecksum([{ a: 1, b: 2 }])).toBe(runsChecksum([{ b: 2, a: 1 }]))
    expect(runsChecksum([{ a: 1 }])).not.toBe(runsChecksum([{ a: 1.0000000000000002 }]))
    expect(parseBundle(bundleText).runs).toHaveLength(2)
  })
})
