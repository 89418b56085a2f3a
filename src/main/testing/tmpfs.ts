/**
 * Test helper: a small real tmpfs, to see what the lab does when its disk fills up or its folder
 * is read-only. Mounting needs root (or CAP_SYS_ADMIN); where it is not allowed, `mountTmpfs`
 * says why, and the tests that need it skip with that reason.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'

export interface Tmpfs {
  dir: string
  /** Makes the mount read-only (or writable again). */
  remount(mode: 'ro' | 'rw'): void
  unmount(): void
}

function run(args: string[]): string | null {
  const result = spawnSync(args[0], args.slice(1), { encoding: 'utf8' })
  if (result.error) return result.error.message
  return result.status === 0 ? null : (result.stderr || `exit code ${result.status}`).trim()
}

/** A fresh tmpfs of `kilobytes`, or the reason one cannot be mounted here. */
export function mountTmpfs(kilobytes: number): Tmpfs | { skip: string } {
  const dir = mkdtempSync(join(os.tmpdir(), 'lab-tmpfs-'))
  const failure =
    process.platform !== 'linux'
      ? `tmpfs is Linux only (this is ${process.platform})`
      : run(['mount', '-t', 'tmpfs', '-o', `size=${kilobytes}k`, 'tmpfs', dir])
  if (failure) {
    rmSync(dir, { recursive: true, force: true })
    return { skip: `cannot mount a tmpfs here (${failure})` }
  }
  return {
    dir,
    remount(mode) {
      const error = run(['mount', '-o', `remount,${mode}`, dir])
      if (error) throw new Error(`remount ${mode} failed: ${error}`)
    },
    unmount() {
      run(['umount', '-l', dir])
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Writes zeros into `path` until the disk is full; returns how many bytes fit. */
export function fillDisk(path: string): number {
  const fd = openSync(path, 'w')
  const chunk = Buffer.alloc(4096)
  let written = 0
  try {
    for (;;) written += writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
  return written
}
