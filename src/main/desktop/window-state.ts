/**
 * The window remembers its size and position (and whether it was maximized) between starts, in
 * a small JSON file in the app's data folder. A saved position that no longer shows on any
 * display (a monitor was unplugged) is dropped, and the window opens centred instead.
 */
import { readFileSync, writeFileSync } from 'node:fs'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1360, height: 900, maximized: false }
export const MIN_WINDOW_SIZE = { width: 900, height: 600 }
/** How much of the window must show on a display for its saved position to be kept. */
const VISIBLE_MIN = { width: 120, height: 80 }

const isInt = (v: unknown): v is number => Number.isInteger(v)

/** The saved state, or the default when the file is missing or not a state. */
export function readWindowState(file: string): WindowState {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return { ...DEFAULT_WINDOW_STATE }
  }
  const s = raw as Partial<WindowState> | null
  if (!s || !isInt(s.width) || !isInt(s.height)) return { ...DEFAULT_WINDOW_STATE }
  const position = isInt(s.x) && isInt(s.y) ? { x: s.x, y: s.y } : {}
  return { ...position, width: s.width, height: s.height, maximized: s.maximized === true }
}

export function writeWindowState(file: string, state: WindowState): void {
  writeFileSync(file, JSON.stringify(state, null, 2))
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  }
}

/**
 * The state to open with on these displays (their work areas): the size at least the minimum
 * and at most the largest work area; the position kept only when enough of the window shows.
 */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  const maxWidth = Math.max(MIN_WINDOW_SIZE.width, ...workAreas.map((a) => a.width))
  const maxHeight = Math.max(MIN_WINDOW_SIZE.height, ...workAreas.map((a) => a.height))
  const width = Math.min(Math.max(state.width, MIN_WINDOW_SIZE.width), maxWidth)
  const height = Math.min(Math.max(state.height, MIN_WINDOW_SIZE.height), maxHeight)
  const fitted: WindowState = { width, height, maximized: state.maximized }
  if (state.x === undefined || state.y === undefined) return fitted
  const rect = { x: state.x, y: state.y, width, height }
  const shows = workAreas.some((area) => {
    const o = overlap(rect, area)
    return o.width >= VISIBLE_MIN.width && o.height >= VISIBLE_MIN.height
  })
  return shows ? { ...fitted, x: state.x, y: state.y } : fitted
}
