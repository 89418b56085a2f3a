/**
 * Opening the run database: a file that cannot be the database is refused with its path and
 * the reason, a newer schema is refused without touching the file, and an upgrade keeps a copy
 * of the file as it was.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { mountTmpfs, type Tmpfs } from '../testing/tmpfs'
import { migrations } from './migrations'
import { DatabaseOpenError, LATEST_SCHEMA } from './open'
import { RunStore } from './store'

const dir = mkdtempSync(join(os.tmpdir(), 'lab-open-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
})

function openError(path: string): DatabaseOpenError {
  try {
    RunStore.open(path).close()
  } catch (error) {
    return error as DatabaseOpenError
  }
  throw new Error(`${path} opened`)
}

/** A database at schema `version`, written the way that version of the app wrote it. */
function databaseAt(path: string, version: number): void {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  for (const m of migrations.filter((m) => m.version <= version)) db.exec(m.sql)
  db.pragma(`user_version = ${version}`)
  db.prepare(
    `INSERT INTO runs (name, kind, status, config, seed, app_version, created_at)
     VALUES ('kept', 'effectiveness', 'done', '{"kind":"effectiveness","seed":1}', 1, '0.0.9', '2024-01-01T00:00:00.000Z')`
  ).run()
  db.close()
}

/** Bytes and modification time of a file and which files sit beside it. */
function fingerprint(path: string) {
  return {
    bytes: readFileSync(path).toString('base64'),
    mtime: statSync(path).mtimeMs,
    beside: readdirSync(join(path, '..')).sort()
  }
}

describe('opening the database', () => {
  it('refuses a folder, naming it', () => {
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    const error = openError(folder)
    expect(error).toBeInstanceOf(DatabaseOpenError)
    expect(error.message).toBe(
      `Cannot open the database ${folder}: it is a folder, not a file (name a file in it, such as ${join(folder, 'lab.db')})`
    )
  })

  it('refuses a file that is not SQLite and leaves it as it was', () => {
    const path = join(dir, 'notes.txt')
    writeFileSync(path, 'These are my notes, not a database.\n'.repeat(40))
    const before = fingerprint(path)
    const error = openError(path)
    expect(error.message).toBe(
      `Cannot open the database ${path}: it is not a SQLite database file; nothing was changed`
    )
    expect(fingerprint(path)).toEqual(before)
  })

  it('refuses a schema newer than this app without touching the file', () => {
    const path = join(dir, 'newer.db')
    databaseAt(path, LATEST_SCHEMA)
    const db = new Database(path)
    db.pragma(`user_version = ${LATEST_SCHEMA + 3}`)
    db.close()
    const before = fingerprint(path)
    const error = openError(path)
    expect(error.message).toBe(
      `Cannot open the database ${path}: it was written by a newer Backdoor Lab (schema version ${LATEST_SCHEMA + 3}; this one reads up to ${LATEST_SCHEMA}); nothing was changed: update the app to open it`
    )
    expect(fingerprint(path)).toEqual(before)
  })

  it('names a read-only folder, for a new database and for an existing one', (context) => {
    const disk = mountTmpfs(1024)
    if ('skip' in disk) return context.skip(disk.skip)
    cleanups.push(() => (disk as Tmpfs).unmount())
    const existing = join(disk.dir, 'lab.db')
    databaseAt(existing, LATEST_SCHEMA)
    disk.remount('ro')
    cleanups.push(() => disk.remount('rw'))
    for (const path of [existing, join(disk.dir, 'new.db')]) {
      const error = openError(path)
      expect(error.message).toBe(
        `Cannot open the database ${path}: its folder ${disk.dir} is read-only (the lab writes its runs there)`
      )
    }
  })

  it('copies the file before upgrading its schema, and keeps every run', () => {
    const path = join(dir, 'old.db')
    databaseAt(path, 3)
    const store = RunStore.open(path)
    expect(store.schemaVersion).toBe(LATEST_SCHEMA)
    expect(store.history.list().map((r) => r.name)).toEqual(['kept'])
    store.close()
    const backup = `${path}.v3.backup`
    expect(existsSync(backup)).toBe(true)
    const copy = new Database(backup, { readonly: true })
    expect(copy.pragma('user_version', { simple: true })).toBe(3)
    expect(copy.prepare('SELECT name FROM runs').all()).toEqual([{ name: 'kept' }])
    copy.close()
    // Opening again: nothing to upgrade, no second copy.
    RunStore.open(path).close()
    expect(readdirSync(dir).filter((f) => f.startsWith('old.db.'))).toEqual(['old.db.v3.backup'])
  })

  it('makes no copy of a new database', () => {
    const path = join(dir, 'fresh.db')
    RunStore.open(path).close()
    expect(readdirSync(dir).filter((f) => f.startsWith('fresh.db.'))).toEqual([])
  })
})
