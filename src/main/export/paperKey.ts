/**
 * Draws a figure's key (src/shared/figureKey.ts) under the plot of an exported figure, in the
 * layout's CSS pixels: entries flow in rows as wide as the figure, each group on rows of its own,
 * a label too long for one row wraps, and the notes follow in smaller type. Nothing is ever cut:
 * the key is as tall as its rows, and the figure grows to hold it (see layout.ts).
 */
import type { SKRSContext2D } from '@napi-rs/canvas'
import type { PointStyle } from 'chart.js'
import { drawPoint, toFont } from 'chart.js/helpers'
import { paperStyle } from '../../shared/charts'
import type { FigureKey, KeySample } from '../../shared/figureKey'

/** Sizes of the key in CSS pixels of the layout (12 px prints at 7.2 pt). */
export const KEY = {
  fontSize: paperStyle.legendSize,
  noteSize: paperStyle.legendSize - 1,
  sampleWidth: 18,
  sampleGap: 4,
  itemGap: 12,
  lineHeight: 15,
  noteLineHeight: 13,
  /** Between the x axis title and the key, and between the key and the notes. */
  gap: 4,
  muted: '#57606a'
} as const

type Ctx = Pick<
  SKRSContext2D,
  | 'font'
  | 'measureText'
  | 'fillText'
  | 'save'
  | 'restore'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'fill'
  | 'rect'
  | 'setLineDash'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'textBaseline'
  | 'textAlign'
>

const font = (size: number) => toFont({ size, family: paperStyle.fontFamily }).string

/** Words of `text` in lines no wider than `width` (a word wider than that stands alone). */
export function wrapText(ctx: Ctx, text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word
    if (line && ctx.measureText(candidate).width > width) {
      lines.push(line)
      line = word
    } else line = candidate
  }
  if (line) lines.push(line)
  return lines
}

interface Item {
  width: number
  lines: string[]
  sample: KeySample | null
  muted: boolean
}

interface Row {
  items: Item[]
  width: number
  height: number
}

export interface KeyLayout {
  /** Height of the key and its notes; 0 when there is nothing to say. */
  height: number
  /** Width of the widest row or note line (never more than the width it was laid out in). */
  width: number
  /** Draws the key with its top-left corner at (left, top), centred in `width`. */
  draw(ctx: Ctx, left: number, top: number): void
}

/** Lays `key` out in rows no wider than `width`, measuring text with `ctx`. */
export function layoutKey(ctx: Ctx, key: FigureKey, width: number): KeyLayout {
  const rows: Row[] = []
  ctx.font = font(KEY.fontSize)
  const textRoom = Math.max(1, width - KEY.sampleWidth - KEY.sampleGap)
  for (const group of key.groups) {
    let row: Row | null = null
    const items: Item[] = [
      ...(group.title ? [{ width: 0, lines: [`${group.title}:`], sample: null, muted: true }] : []),
      ...group.entries.map((e) => ({ width: 0, lines: [e.text], sample: e.sample, muted: false }))
    ]
    for (const item of items) {
      const room = item.sample ? textRoom : width
      item.lines = wrapText(ctx, item.lines[0], room)
      const textWidth = Math.max(...item.lines.map((l) => ctx.measureText(l).width))
      item.width = (item.sample ? KEY.sampleWidth + KEY.sampleGap : 0) + textWidth
      const height = item.lines.length * KEY.lineHeight
      if (!row || row.width + KEY.itemGap + item.width > width) {
        row = { items: [], width: -KEY.itemGap, height: 0 }
        rows.push(row)
      }
      row.items.push(item)
      row.width += KEY.itemGap + item.width
      row.height = Math.max(row.height, height)
    }
  }
  ctx.font = font(KEY.noteSize)
  const notes = key.notes.flatMap((n) => wrapText(ctx, `${n}.`, width))
  const rowsHeight = rows.reduce((h, r) => h + r.height, 0)
  const notesHeight = notes.length * KEY.noteLineHeight
  const height = rowsHeight + (rows.length && notes.length ? KEY.gap : 0) + notesHeight
  const widest = Math.max(
    0,
    ...rows.map((r) => r.width),
    ...notes.map((l) => ctx.measureText(l).width)
  )
  return {
    height,
    width: Math.min(width, widest),
    draw(target, left, top) {
      target.save()
      target.textBaseline = 'middle'
      target.textAlign = 'left'
      let y = top
      for (const row of rows) {
        let x = left + (width - row.width) / 2
        for (const item of row.items) {
          const mid = y + KEY.lineHeight / 2
          let textX = x
          if (item.sample) {
            drawSample(target, item.sample, x, mid)
            textX += KEY.sampleWidth + KEY.sampleGap
          }
          target.font = font(KEY.fontSize)
          target.fillStyle = item.muted ? KEY.muted : paperStyle.text
          item.lines.forEach((line, i) => target.fillText(line, textX, mid + i * KEY.lineHeight))
          x += item.width + KEY.itemGap
        }
        y += row.height
      }
      if (rows.length && notes.length) y += KEY.gap
      target.font = font(KEY.noteSize)
      target.fillStyle = KEY.muted
      target.textAlign = 'center'
      for (const line of notes) {
        target.fillText(line, left + width / 2, y + KEY.noteLineHeight / 2)
        y += KEY.noteLineHeight
      }
      target.restore()
    }
  }
}

/** An entry's sample, `KEY.sampleWidth` wide, centred on `mid`. */
function drawSample(ctx: Ctx, sample: KeySample, x: number, mid: number): void {
  ctx.save()
  if (sample.area) {
    ctx.beginPath()
    ctx.rect(x + 2, mid - 4.5, KEY.sampleWidth - 4, 9)
    ctx.fillStyle = sample.area.fill
    ctx.fill()
    if (sample.area.stroke) {
      ctx.strokeStyle = sample.area.stroke
      ctx.lineWidth = 1
      ctx.stroke()
    }
  }
  if (sample.line) {
    ctx.beginPath()
    ctx.setLineDash(sample.line.dash)
    ctx.strokeStyle = sample.line.colour
    ctx.lineWidth = sample.line.width
    ctx.moveTo(x, mid)
    ctx.lineTo(x + KEY.sampleWidth, mid)
    ctx.stroke()
  }
  if (sample.marker) {
    const m = sample.marker
    ctx.setLineDash([])
    ctx.fillStyle = m.fill
    ctx.strokeStyle = m.stroke
    ctx.lineWidth = m.borderWidth
    drawPoint(
      ctx as unknown as Parameters<typeof drawPoint>[0],
      {
        pointStyle: m.style as PointStyle,
        radius: Math.min(Math.max(m.radius, 3), 4.5),
        borderWidth: m.borderWidth,
        rotation: 0
      },
      x + KEY.sampleWidth / 2,
      mid
    )
  }
  ctx.restore()
}
