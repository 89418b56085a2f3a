/**
 * Opening the database file: refuses what cannot be the lab's database (a folder, another kind
 * of file, a schema newer than this app, a read-only place) with the path and the reason, and
 * copies the file before a migration changes it. Also reads storage errors (a full disk) of an
 * open database for people.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readSync
} from 'node:fs'
import { statfsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { migrations } from './migrations'

export const LATEST_SCHEMA = Math.max(...migrations.map((m) => m.version))

export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string
  ) {
    super(`Cannot open the database ${path}: ${reason}`)
    this.name = 'DatabaseOpenError'
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000'

/** The schema version in a SQLite file's header, or null when the file is not SQLite. */
function headerVersion(path: string): number | null {
  const header = Buffer.alloc(100)
  const fd = openSync(path, 'r')
  try {
    const read = readSync(fd, header, 0, 100, 0)
    if (read === 0) return 0 // an empty file: SQLite makes it a new database
    if (read < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) return null
  } finally {
    closeSync(fd)
  }
  return header.readInt32BE(60)
}

function newerSchema(version: number): string {
  return `it was written by a newer Backdoor Lab (schema version ${version}; this one reads up to ${LATEST_SCHEMA}); nothing was changed: update the app to open it`
}

/** Why the lab cannot write at `path`, when that is the reason it cannot open it. */
function unwritable(path: string): string | null {
  const folder = dirname(path)
  for (const [target, what] of [
    [folder, `its folder ${folder}`],
    [path, 'the file']
  ] as const) {
    if (!existsSync(target)) continue
    try {
      accessSync(target, constants.W_OK)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
        return `${what} is read-only (the lab writes its runs there)`
    }
  }
  return null
}

/** Whether the disk holding `path` has no room left (SQLite then reports "disk I/O error"). */
function diskFull(path: string): boolean {
  try {
    const { bavail, bsize } = statfsSync(existsSync(path) ? path : dirname(path))
    return bavail * bsize < 64 * 1024
  } catch {
    return false
  }
}

function reasonOf(path: string, error: unknown): string {
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_NOTADB') return 'it is not a SQLite database file; nothing was changed'
  if (code === 'SQLITE_CORRUPT') return 'the file is damaged (SQLite reports it corrupt)'
  const readOnly = unwritable(path)
  if (readOnly) return readOnly
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || diskFull(path))
    return 'the disk holding it is full; free some space and try again'
  return (error as Error).message
}

/**
 * Opens `path` for the store: checks it first (without writing), then opens it; before
 * migrations would change an existing database, copies it to `<path>.v<version>.backup`.
 * Throws DatabaseOpenError naming the path and the reason.
 */
export function openDatabase(path: string, options: { nativeBinding?: string }): Database.Database {
  const memory = path === ':memory:'
  if (!memory && existsSync(path)) {
    if (statSync(path).isDirectory()) {
      throw new DatabaseOpenError(
        path,
        `it is a folder, not a file (name a file in it, such as ${join(path, 'lab.db')})`
      )
    }
    let version: number | null
    try {
      version = headerVersion(path)
    } catch (error) {
      throw new DatabaseOpenError(path, (error as Error).message)
    }
    if (version === null)
      throw new DatabaseOpenError(path, 'it is not a SQLite database file; nothing was changed')
    if (version > LATEST_SCHEMA) throw new DatabaseOpenError(path, newerSchema(version))
  }
  let db: Database.Database | undefined
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true })
    db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
    // The header may lag behind a write-ahead log: ask SQLite too before changing anything.
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > LATEST_SCHEMA) throw new DatabaseOpenError(path, newerSchema(version))
    if (!memory && version > 0 && version < LATEST_SCHEMA) backup(db, path, version)
    return db
  } catch (error) {
    db?.close()
    if (error instanceof DatabaseOpenError) throw error
    throw new DatabaseOpenError(path, reasonOf(path, error))
  }
}

/** A consistent copy of the database as it is, beside it, before a migration changes it. */
function backup(db: Database.Database, path: string, version: number): void {
  let target = `${path}.v${version}.backup`
  if (existsSync(target)) target = `${path}.v${version}.${Date.now()}.backup`
  try {
    db.prepare('VACUUM INTO ?').run(target)
  } catch (error) {
    throw new DatabaseOpenError(
      path,
      `it needs an upgrade (schema ${version} to ${LATEST_SCHEMA}), and the copy made before upgrading could not be written to ${target} (${reasonOf(target, error)}); nothing was changed`
    )
  }
}

/** A database operation that failed because of where the file lives, not because of the data. */
export interface StorageProblem {
  /** The disk is full (SQLITE_FULL): free space, then it works again. */
  full: boolean
  /** What is wrong, naming the file: "The disk holding the database is full (/path/lab.db)". */
  message: string
}

/**
 * Reads a better-sqlite3 error as a storage problem (a full disk, a read-only or damaged file,
 * an I/O error), or null for any other error.
 */
export function storageProblem(error: unknown, path: string): StorageProblem | null {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null
  if (code === 'SQLITE_FULL') {
    return { full: true, message: `The disk holding the database is full (${path})` }
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return { full: false, message: `The database cannot be written: it is read-only (${path})` }
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN') {
    return {
      full: false,
      message: `The database could not be read or written (${path}): ${(error as Error).message}`
    }
  }
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return { full: false, message: `The database file is damaged (${path})` }
  }
  return null
}
