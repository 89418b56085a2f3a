import { spawnSync } from 'node:child_process'
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { formatBytes } from '../../shared/api'
import { MAX_BUNDLE_BYTES } from '../../shared/apiExport'
import { parseExperimentConfig } from '../../kinds/registry'
import { seedHistory } from '../testing/historySeed'
import { RunStore } from '../store/store'
import { fillDisk, mountTmpfs } from '../testing/tmpfs'

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

/** `lab ...args` against the database `at`. */
function labAt(at: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/main/host/cli.ts', ...args, '--db', at],
    { cwd: root, encoding: 'utf8' }
  )
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** No stack trace: no line of the form "    at something (file:line:col)". */
const stackLine = /^\s+at .+[:(]/m

describe('lab: bad input is refused the way every host refuses it', () => {
  const config = file('tiny.json', JSON.stringify({ kind: 'effectiveness', d: 20, m: 200, k: 4 }))

  it('run --name goes through the same validation as the API (200 characters, no control characters)', () => {
    const at = join(dir, 'names.db')
    const long = labAt(at, 'run', '--config', config, '--name', 'n'.repeat(201))
    expect(long.code).toBe(2)
    expect(long.stderr).toContain('name: name must be at most 200 characters')
    const escape = labAt(at, 'run', '--config', config, '--name', 'red \u001b[31mtext')
    expect(escape.code).toBe(2)
    expect(escape.stderr).toContain('name: name must not contain control characters')
    expect(escape.stderr).not.toContain('\u001b')
    expect(JSON.parse(labAt(at, 'list', '--json').stdout)).toEqual([])
  })

  it('show and charts check a run id as the API does: 0 is bad input, a missing run is not found', () => {
    const at = join(dir, 'ids.db')
    for (const args of [
      ['show', '0'],
      ['charts', '--run', '0']
    ]) {
      const bad = labAt(at, ...args)
      expect(bad.code, bad.stderr).toBe(2)
      expect(bad.stderr).toContain('Invalid request to getRun: id: id must be positive')
      expect(bad.stderr).not.toMatch(stackLine)
    }
    const missing = labAt(at, 'show', '7')
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('lab: No run with id 7')
  })

  it('reads a config file that starts with a byte-order mark', () => {
    const bom = file(
      'bom.json',
      '\uFEFF' + JSON.stringify({ kind: 'effectiveness', d: 20, m: 200, k: 500 })
    )
    const result = lab('run', '--config', bom)
    expect(result.code).toBe(2)
    expect(result.stderr).not.toContain('Unexpected token')
    expect(result.stderr).toContain('k must be at most d (got k=500, d=20)')
  })

  it('refuses a bundle over the size limit from its size, without reading it', () => {
    const big = join(dir, 'huge.lab.json')
    // A sparse file: 150 MB long, no disk used.
    const fd = openSync(big, 'w')
    ftruncateSync(fd, 150 * 1024 * 1024)
    closeSync(fd)
    const result = lab('import-bundle', '--in', big)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      `lab: --in ${big} is 150.0 MB; the lab imports bundles of at most ${formatBytes(MAX_BUNDLE_BYTES)}`
    )
    expect(result.stderr).not.toMatch(stackLine)
  })
})

describe('lab: faults end in a sentence, not a stack trace', () => {
  it('`lab list | head -1` prints one line and no EPIPE error', () => {
    const at = join(dir, 'many.db')
    seedHistory(at, 3000)
    for (const json of [[], ['--json']]) {
      const result = spawnSync(
        'bash',
        [
          '-c',
          `"${process.execPath}" --import tsx src/main/host/cli.ts list ${json.join(' ')} --db "${at}" | head -1; echo "exit \${PIPESTATUS[0]}" >&2`
        ],
        { cwd: root, encoding: 'utf8' }
      )
      expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1)
      expect(result.stderr).not.toContain('EPIPE')
      expect(result.stderr.trim()).toBe('exit 0')
    }
  })

  it('a database that is a folder gets one line naming it, exit code 1', () => {
    const folder = join(dir, 'not-a-file')
    mkdirSync(folder)
    const result = labAt(folder, 'list')
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(
      `lab: Cannot open the database ${folder}: it is a folder, not a file (name a file in it, such as ${join(folder, 'lab.db')})`
    )
  })

  it('never prints the raw escape sequences a stored name holds', () => {
    const at = join(dir, 'escapes.db')
    const store = RunStore.open(at)
    const run = store.runs.create({
      name: 'plain',
      config: parseExperimentConfig({ kind: 'effectiveness' }),
      appVersion: '0.1.0'
    })
    store.close()
    // An older app let any text in: write it below the API.
    const db = new Database(at)
    db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(
      'evil \u001b]0;pwned\u0007\u009b2J',
      run.id
    )
    db.close()
    for (const args of [['list'], ['list', '--json'], ['show', String(run.id)]]) {
      const result = labAt(at, ...args)
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
      expect(result.stdout).toContain('evil \\u001b]0;pwned\\u0007\\u009b2J')
    }
  })

  it('a run on a full disk ends with the disk and the path named, no stack trace', (context) => {
    const disk = mountTmpfs(1024)
    if ('skip' in disk) return context.skip(disk.skip)
    try {
      const at = join(disk.dir, 'lab.db')
      expect(labAt(at, 'list').code).toBe(0)
      fillDisk(join(disk.dir, 'filler'))
      const config = file(
        'full.json',
        JSON.stringify({ kind: 'effectiveness', d: 20, m: 200, k: 4 })
      )
      const result = labAt(at, 'run', '--config', config)
      expect(result.code).toBe(1)
      // Whether the open or the first write meets the full disk, it is named.
      expect(result.stderr).toMatch(/the disk holding (it|the database) is full/i)
      expect(result.stderr).toContain(at)
      expect(result.stderr).not.toMatch(stackLine)
    } finally {
      disk.unmount()
    }
  })
})
