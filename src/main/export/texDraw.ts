/**
 * The TikZ side of a LaTeX figure: lengths in points, numbers as the CSV writes them, colours
 * defined once by name, and the options that draw a line and its marker as on screen.
 */
import type { KeySample } from '../../shared/figureKey'
import { LAYOUT_PX_PER_INCH } from './layout'

/** Points per CSS pixel of the layout. */
const PT = 72 / LAYOUT_PX_PER_INCH

export const pt = (px: number) => `${round(px * PT)}pt`
export const round = (v: number) => Number(v.toFixed(3))

/** Numbers as the CSV writes them (shortest exact form); a gap is `nan`. */
export function num(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? 'nan' : String(value)
}

/** The colours of a figure, each defined once by name, with the alpha as an opacity. */
export class Palette {
  readonly names = new Map<string, string>()
  use(colour: string): { name: string; opacity: number } {
    const [r, g, b, a] = rgba(colour)
    const hex = [r, g, b]
      .map((c) => c.toString(16).padStart(2, '0'))
      .join('')
      .toUpperCase()
    const name = `bdl${hex}`
    this.names.set(name, hex)
    return { name, opacity: a }
  }
  definitions(): string[] {
    return [...this.names].map(([name, hex]) => `\\definecolor{${name}}{HTML}{${hex}}`)
  }
}

/** `#RRGGBB`, `rgb(...)`, `rgba(...)`, white or black as [r, g, b, alpha]. */
export function rgba(colour: string): [number, number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour)
  if (hex) {
    const n = Number.parseInt(hex[1], 16)
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1]
  }
  const fn = /^rgba?\(([^)]*)\)$/.exec(colour)
  if (fn) {
    const [r, g, b, a = 1] = fn[1].split(',').map((v) => Number(v.trim()))
    return [r, g, b, a]
  }
  if (colour === 'white') return [255, 255, 255, 1]
  if (colour === 'black') return [0, 0, 0, 1]
  throw new Error(`no LaTeX colour for '${colour}'`)
}

/** chart.js point styles as pgfplots marks (drawn filled or outlined by their options). */
const marks: Record<string, string> = {
  circle: '*',
  triangle: 'triangle*',
  rect: 'square*',
  rectRounded: 'square*',
  rectRot: 'diamond*',
  star: 'asterisk',
  cross: '+',
  crossRot: 'x',
  line: '-',
  dash: '-'
}

function dashPattern(dash: number[]): string | null {
  if (dash.length === 0) return null
  const pairs = dash.length % 2 === 0 ? dash : [...dash, ...dash]
  const parts: string[] = []
  for (let i = 0; i < pairs.length; i += 2) parts.push(`on ${pt(pairs[i])} off ${pt(pairs[i + 1])}`)
  return `dash pattern=${parts.join(' ')}`
}

/** pgfplots/TikZ options that draw a sample's line and marker (no area). */
export function strokeOptions(sample: KeySample, palette: Palette): string[] {
  const options: string[] = []
  if (sample.line) {
    const c = palette.use(sample.line.colour)
    options.push(`color=${c.name}`, `line width=${pt(sample.line.width)}`)
    if (c.opacity < 1) options.push(`draw opacity=${c.opacity}`)
    const dash = dashPattern(sample.line.dash)
    if (dash) options.push(dash)
  }
  if (sample.marker) {
    const m = sample.marker
    const fill = palette.use(m.fill)
    const stroke = palette.use(m.stroke)
    const markOptions = [
      'solid',
      `fill=${fill.name}`,
      `draw=${stroke.name}`,
      `line width=${pt(m.borderWidth)}`,
      ...(fill.opacity < 1 ? [`fill opacity=${fill.opacity}`] : []),
      ...(stroke.opacity < 1 ? [`draw opacity=${stroke.opacity}`] : [])
    ]
    options.push(
      `mark=${marks[m.style] ?? '*'}`,
      `mark size=${pt(m.radius)}`,
      `mark options={${markOptions.join(', ')}}`
    )
  } else options.push('mark=none')
  return options
}
