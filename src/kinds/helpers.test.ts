/**
 * `npm run lab -- run` prestarts the workers its run will use while the CLI loads
 * (scripts/prestart.mjs): two for a kind whose runs hand a part to a second worker, one otherwise,
 * never more than the pool holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { KINDS_WITH_HELP, workersFor } from '../../scripts/prestart.mjs'
import { kindsWithHelp } from './main'
import { kindNames } from './registry'

const dir = mkdtempSync(join(os.tmpdir(), 'lab-prestart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function configFile(kind: string): string {
  const file = join(dir, `${kind}.json`)
  writeFileSync(file, JSON.stringify({ kind }))
  return file
}

describe('the workers a CLI run prestarts', () => {
  it('names the kinds whose runners hand a part over, and only those', () => {
    expect([...KINDS_WITH_HELP].sort()).toEqual(kindsWithHelp().sort())
  })

  it('is two for those kinds, one for the others, within the pool size', () => {
    const env = { BACKDOOR_LAB_WORKERS: '4' }
    for (const kind of kindNames) {
      const expected = kindsWithHelp().includes(kind) ? 2 : 1
      expect(workersFor(['--config', configFile(kind)], env), kind).toBe(expected)
    }
    expect(workersFor(['--config', configFile('finetune')], { BACKDOOR_LAB_WORKERS: '1' })).toBe(1)
  })

  it('is one when the config cannot be read (the CLI then says why)', () => {
    expect(workersFor(['--config', join(dir, 'missing.json')], {})).toBe(1)
    expect(workersFor([], {})).toBe(1)
  })
})
