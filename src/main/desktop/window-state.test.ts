import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  MIN_WINDOW_SIZE,
  readWindowState,
  writeWindowState
} from './window-state'

const laptop = { x: 0, y: 0, width: 1440, height: 870 }
const rightMonitor = { x: 1440, y: 0, width: 2560, height: 1400 }

describe('the saved window state', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(os.tmpdir(), 'lab-window-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('reads back what was written', () => {
    const file = join(dir, 'state.json')
    writeWindowState(file, { x: -50, y: 30, width: 1000, height: 700, maximized: true })
    expect(readWindowState(file)).toEqual({
      x: -50,
      y: 30,
      width: 1000,
      height: 700,
      maximized: true
    })
  })

  it('falls back to the default for a missing, broken or foreign file', () => {
    const file = join(dir, 'state.json')
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
    writeFileSync(file, '{ not json')
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
    writeFileSync(file, JSON.stringify({ width: '1000', height: 700 }))
    expect(readWindowState(file)).toEqual(DEFAULT_WINDOW_STATE)
  })

  it('drops a position given only in part', () => {
    const file = join(dir, 'state.json')
    writeFileSync(file, JSON.stringify({ x: 10, width: 1000, height: 700 }))
    expect(readWindowState(file)).toEqual({ width: 1000, height: 700, maximized: false })
  })
})

describe('fitting the saved state to the displays', () => {
  it('keeps a position that shows on a display, including a second one', () => {
    const state = { x: 1600, y: 100, width: 1200, height: 800, maximized: false }
    expect(fitToDisplays(state, [laptop, rightMonitor])).toEqual(state)
  })

  it('drops a position on a display that is gone, keeping the size', () => {
    const state = { x: 1600, y: 100, width: 1200, height: 800, maximized: true }
    expect(fitToDisplays(state, [laptop])).toEqual({ width: 1200, height: 800, maximized: true })
  })

  it('drops a position that leaves only a sliver of the window on screen', () => {
    const state = { x: laptop.width - 40, y: 100, width: 1000, height: 700, maximized: false }
    expect(fitToDisplays(state, [laptop]).x).toBeUndefined()
  })

  it('keeps the size between the minimum and the largest display', () => {
    const tiny = fitToDisplays({ width: 200, height: 100, maximized: false }, [laptop])
    expect(tiny).toMatchObject(MIN_WINDOW_SIZE)
    const huge = fitToDisplays({ width: 9000, height: 9000, maximized: false }, [laptop])
    expect(huge).toMatchObject({ width: laptop.width, height: laptop.height })
  })
})
