/**
 * The Monte Carlo null drawn in worker threads (nullThreads.ts) is the null drawn in one thread,
 * number for number: each draw is a pure function of (shape, b). The threads run the real built
 * entry, bundled here by the project's own main build into a folder of this test's own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildMain } from '../../../scripts/build-main.mjs'
import { monteCarloNull, startMonteCarloNull } from './detectNull'
import { memoryNullCache, type NullShape } from './nullCache'
import { drawInThreads, nullThreadEntry } from './nullThreads'

let outDir: string
let entry: string

beforeAll(async () => {
  outDir = mkdtempSync(join(os.tmpdir(), 'lab-null-threads-'))
  await buildMain(outDir)
  entry = join(outDir, 'nullThread.js')
}, 120_000)

afterAll(() => rmSync(outDir, { recursive: true, force: true }))

const shape: NullShape = { d: 24, m: 300, k: 3, seed: 11 }

describe('drawInThreads', () => {
  it('builds a thread entry that loads no tfjs', () => {
    // The entry and every chunk it requires, followed file by file.
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const code = readFileSync(file, 'utf8')
      expect(code, file).not.toMatch(/require\("@tensorflow/)
      for (const [, path] of code.matchAll(/require\("(\.[^"]+)"\)/g)) {
        visit(join(dirname(file), path))
      }
    }
    visit(entry)
    expect(seen.size).toBeGreaterThan(1)
  })

  it('gives the draws of one thread, in order, for any split', async () => {
    const serial = monteCarloNull(shape, 77)
    for (const threads of [1, 2, 3]) {
      const seen: number[] = []
      const part = await drawInThreads(shape, 5, 77, (done) => seen.push(done), {
        entry,
        threads
      })
      expect(part).not.toBeNull()
      expect(part!.topEigenvalue).toEqual(serial.topEigenvalue.slice(5))
      expect(part!.maxDiagonal).toEqual(serial.maxDiagonal.slice(5))
      expect(part!.sparseEigenvalue).toEqual(serial.sparseEigenvalue.slice(5))
      // Progress only grows and ends at the number of draws.
      expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true)
      expect(seen.at(-1)).toBe(72)
    }
  })

  it('declines, so that the caller draws, without an entry, for m < d, or for too few draws', async () => {
    expect(await drawInThreads(shape, 0, 64, undefined, { entry: null })).toBeNull()
    expect(
      await drawInThreads({ d: 30, m: 20, k: 3, seed: 1 }, 0, 64, undefined, { entry })
    ).toBeNull()
    expect(await drawInThreads(shape, 0, 8, undefined, { entry })).toBeNull()
  })

  it('declines when a thread cannot run its entry', async () => {
    const missing = join(outDir, 'no-such-entry.js')
    expect(await drawInThreads(shape, 0, 64, undefined, { entry: missing })).toBeNull()
  })

  it('finds no entry beside the sources, so tests of the sources draw in their own thread', () => {
    expect(nullThreadEntry()).toBeNull()
  })
})

describe('startMonteCarloNull', () => {
  it('extends a cached null in threads to the null of one thread, and caches it', async () => {
    const cache = memoryNullCache()
    cache.put(shape, monteCarloNull(shape, 20))
    const pending = startMonteCarloNull(shape, 90, cache, { entry, threads: 2 })
    expect(pending.progress().total).toBe(70)
    const values = await pending.values()
    expect(values).toEqual(monteCarloNull(shape, 90))
    expect(cache.get(shape)).toEqual(values)
    expect(pending.progress()).toEqual({ done: 70, total: 70 })
  })

  it('draws in its own thread when asked for the values, if threads cannot be used', async () => {
    const pending = startMonteCarloNull(shape, 30, null, { entry: null })
    expect(pending.progress()).toEqual({ done: 0, total: 30 })
    const seen: number[] = []
    const values = await pending.values((done, total) => seen.push(done / total))
    expect(values).toEqual(monteCarloNull(shape, 30))
    expect(seen.at(-1)).toBe(1)
  })

  it('takes a null the cache holds whole without drawing', async () => {
    const cache = memoryNullCache()
    const full = monteCarloNull(shape, 40)
    cache.put(shape, full)
    const pending = startMonteCarloNull(shape, 25, cache, { entry })
    expect(pending.progress()).toEqual({ done: 0, total: 0 })
    expect((await pending.values()).topEigenvalue).toEqual(full.topEigenvalue.slice(0, 25))
  })
})
