import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const dir = mkdtempSync(join(os.tmpdir(), 'lab-cli-'))
const db = join(dir, 'lab.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `npm run lab -- ...args` the way npm does (tsx on the CLI's source), against `db`. */
function lab(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/main/host/cli.ts', ...args, '--db', db],
    { cwd: root, encoding: 'utf8' }
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('lab import-csv and datasets', () => {
  it('imports a CSV file as a data set, names its label columns, and lists it', () => {
    const csv = file('blobs.csv', 'x1,x2,kind\n0.5,1,a\n-1,2,b\n3,-0.25,a\n2,2,b\n')
    const imported = lab('import-csv', '--in', csv, '--json')
    expect(imported.code, imported.stderr).toBe(0)
    const dataset = JSON.parse(imported.stdout)
    expect(dataset).toMatchObject({ name: 'blobs.csv', rows: 4, columns: ['x1', 'x2', 'kind'] })
    expect(dataset.labelCandidates.map((c: { column: string }) => c.column)).toEqual(['kind'])

    const listed = lab('datasets', '--json')
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout).map((d: { id: number }) => d.id)).toEqual([dataset.id])
  })

  it('refuses a bad file with the row and column, exit code 2, and stores nothing', () => {
    const before = JSON.parse(lab('datasets', '--json').stdout).length
    const csv = file('bad.csv', 'x1,x2,kind\n1,2,a\n3,four,b\n5,6,a\n')
    const refused = lab('import-csv', '--in', csv)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/row 3.*column "x2"|column "x2".*row 3/)
    expect(JSON.parse(lab('datasets', '--json').stdout)).toHaveLength(before)

    const missing = lab('import-csv', '--in', join(dir, 'nowhere.csv'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('Cannot read --in')
  })
})
