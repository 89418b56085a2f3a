/**
 * Test helper: the operating system's view of a process's children (Linux /proc), to check that
 * a cancel or a crash leaves no run process behind, and to kill one from outside as the kernel's
 * OOM killer would.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'

export interface OsProcess {
  pid: number
  ppid: number
  cmdline: string
}

/** Whether /proc can be read here (Linux). */
export const canListProcesses = existsSync('/proc/self/stat')

function read(pid: number): OsProcess | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z') return null // exited, not yet reaped: gone for every purpose here
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
    return { pid, ppid: Number(fields[1]), cmdline }
  } catch {
    return null // exited while we looked
  }
}

/** Every live process whose parent, or parent's parent and so on, is `root`. */
export function descendants(root = process.pid): OsProcess[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => read(Number(name)))
    .filter((p): p is OsProcess => p !== null)
  const found: OsProcess[] = []
  let parents = new Set([root])
  while (parents.size > 0) {
    const next = all.filter((p) => parents.has(p.ppid))
    found.push(...next)
    parents = new Set(next.map((p) => p.pid))
  }
  return found
}

/** The run worker processes started by this process (Node forks of the worker entry). */
export function workerProcesses(root = process.pid): OsProcess[] {
  return descendants(root).filter((p) => /worker\.(ts|js)\b/.test(p.cmdline))
}
