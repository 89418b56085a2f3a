/**
 * The null cache in the database (migration 6): a null kept is read back exactly, a longer one
 * replaces a shorter one and never the reverse, and a malformed one is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RunStore } from './store'
import type { NullDraws, NullRecord } from '../lab/nullCache'

let dir: string
let store: RunStore

beforeEach(() => {
  dir = mkdtempSync(join(os.tmpdir(), 'lab-nulls-'))
  store = RunStore.open(join(dir, 'lab.db'))
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const draws = (n: number, offset = 0): NullDraws => ({
  // Values no decimal string rounds: JSON must carry them bit for bit.
  topEigenvalue: Array.from({ length: n }, (_, i) => 1.4 + Math.PI / 1e3 + i / 7 + offset),
  maxDiagonal: Array.from({ length: n }, (_, i) => 1 + Math.E / 1e4 + i / 3),
  sparseEigenvalue: Array.from({ length: n }, (_, i) => 1.2 + i * Number.EPSILON)
})
const record = (values: NullDraws, over: Partial<NullRecord> = {}): NullRecord => ({
  d: 100,
  m: 2000,
  k: 10,
  seed: 1,
  backend: 'wasm',
  method: 'lanczos-tpm/1',
  values,
  ...over
})
const query = { seed: 1, m: 2000, k: 10, method: 'lanczos-tpm/1' }

describe('the null cache', () => {
  it('reads back a kept null bit for bit, for its seed, width, sparsity and method', () => {
    store.nulls.put(record(draws(5)))
    store.nulls.put(record(draws(3), { d: 50 }))
    store.nulls.put(record(draws(3), { seed: 2 }))
    store.nulls.put(record(draws(3), { method: 'other' }))
    const found = store.nulls.for(query)
    expect(found.map((r) => r.d).sort((a, b) => a - b)).toEqual([50, 100])
    expect(found.find((r) => r.d === 100)).toEqual(record(draws(5)))
  })

  it('keeps the longer null: a longer one replaces a shorter one, never the reverse', () => {
    store.nulls.put(record(draws(5)))
    store.nulls.put(record(draws(8, 1)))
    expect(store.nulls.for(query)[0].values).toEqual(draws(8, 1))
    store.nulls.put(record(draws(4, 2)))
    expect(store.nulls.for(query)[0].values).toEqual(draws(8, 1))
  })

  it('refuses a malformed null and skips a row that was damaged outside the lab', () => {
    const bad = { ...draws(3), maxDiagonal: [1, 2] }
    expect(() => store.nulls.put(record(bad))).toThrow(/same number \(at least 1\) of finite draws/)
    expect(() => store.nulls.put(record({ ...draws(2), topEigenvalue: [1, NaN] }))).toThrow()
    expect(store.nulls.for(query)).toEqual([])
    store.nulls.put(record(draws(2)))
    store.close()
    const db = new Database(join(dir, 'lab.db'))
    db.prepare('UPDATE detect_nulls SET draw_values = \'{"topEigenvalue": [1]}\'').run()
    db.close()
    store = RunStore.open(join(dir, 'lab.db'))
    expect(store.nulls.for(query)).toEqual([])
  })
})
