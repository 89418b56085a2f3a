/**
 * What the CLI's commands share: bad input that exits with code 2, reading a config file, whole
 * numbers from options, and the lab's service on a database file.
 */
import { readFileSync } from 'node:fs'
import { InvalidArgumentError } from 'commander'
import { openLab } from './lab'
import { databasePath, workerEntry } from './paths'

/** Bad input from the user: exit code 2 and the message alone. */
export class UsageError extends Error {}

/** The text of a file; a byte-order mark (Windows editors write one) is not part of it. */
export function readText(file: string, option: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
  } catch (error) {
    throw new UsageError(`Cannot read ${option} ${file}: ${(error as Error).message}`)
  }
}

export function readConfig(file: string): unknown {
  const text = readText(file, '--config')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--config ${file} is not valid JSON: ${(error as Error).message}`)
  }
}

export function integer(name: string, min?: number, max?: number) {
  return (value: string) => {
    const n = Number(value)
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`${name} must be a whole number (got '${value}')`)
    if ((min !== undefined && n < min) || (max !== undefined && n > max))
      throw new InvalidArgumentError(`${name} must be from ${min} to ${max} (got ${n})`)
    return n
  }
}

/**
 * The lab's service on the database file `db`: every command goes through its LabApi methods
 * (`dispatch` for what the user typed), so the CLI checks input as the other hosts do.
 * `parallelRuns`: how many runs compute at once (default: one per core).
 */
export function openCliLab(
  db?: string,
  options: { parallelRuns?: number } = {}
): Pick<ReturnType<typeof openLab>, 'store' | 'service' | 'close'> {
  const { store, service, close } = openLab({
    dbPath: databasePath(db),
    host: 'cli',
    worker: workerEntry(__dirname),
    parallelRuns: options.parallelRuns
  })
  return { store, service, close }
}
