/**
 * The key of a figure on paper, read from its spec: what each mark means, grouped so that it fits
 * a column. A chart of one run lists its series as the screen's legend does. A chart of several
 * runs gets two small keys instead of runs × series entries: the runs (one colour each) and the
 * series (one marker or dash each, in grey), then the lines that are not a run's series. Notes say
 * what the marks cannot: curves that are identical and drawn over each other, and the spec's own
 * notes. Exported figures (PNG, SVG, PDF, LaTeX) draw it under the plot. No Node, no DOM.
 */
import type { LegendItem } from 'chart.js'
import type { AnyChartSpec } from './chartEntry'
import { BAND_MARK, withAlpha, type PaperOptions } from './charts'
import { untag, untagBy } from './overlay'

export interface KeyLine {
  colour: string
  width: number
  dash: number[]
}
export interface KeyMarker {
  /** A chart.js point style: circle, triangle, rect, rectRot, star, crossRot, line... */
  style: string
  radius: number
  fill: string
  stroke: string
  borderWidth: number
}
export interface KeyArea {
  fill: string
  stroke: string | null
}
/** What an entry's sample draws: a line, a marker on it, or a filled swatch. */
export interface KeySample {
  line: KeyLine | null
  marker: KeyMarker | null
  area: KeyArea | null
}
export interface KeyEntry {
  text: string
  sample: KeySample
}
export interface KeyGroup {
  /** Said before the group's first entry ("Runs"); null for none. */
  title: string | null
  entries: KeyEntry[]
}
export interface FigureKey {
  groups: KeyGroup[]
  notes: string[]
}

/** The grey that draws a series' marks in the series key of several runs. */
export const KEY_GREY = '#4d4d4d'

/** A dataset as the key reads it: chart.js options, any of which may be missing. */
interface Drawn {
  label?: string
  data: unknown[]
  showLine?: boolean
  fill?: unknown
  order?: number
  borderColor?: unknown
  backgroundColor?: unknown
  borderWidth?: unknown
  borderDash?: unknown
  pointRadius?: unknown
  pointStyle?: unknown
  pointBackgroundColor?: unknown
  pointBorderColor?: unknown
  pointBorderWidth?: unknown
}

const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback)
const num = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback

/** The alpha of a colour: `rgba(..., a)`, or 1. */
export function alphaOf(colour: string): number {
  const match = /rgba\([^)]*,\s*([\d.]+)\)$/.exec(colour)
  return match ? Number(match[1]) : 1
}

export function isBandDataset(d: { label?: string }): boolean {
  return (d.label ?? '').includes(BAND_MARK)
}

/** Reference lines and regions (order 4 and 5 in every builder): not a run's series. */
export function isReferenceDataset(d: { order?: number }): boolean {
  return (d.order ?? 0) >= 4
}

/**
 * Filled to a level (bars, the shaded region) or inside its own outline (a heat map's cells, a
 * key's swatch), not to another dataset (a band).
 */
export function areaFill(d: { fill?: unknown }): 'origin' | 'start' | 'end' | 'shape' | null {
  return d.fill === 'origin' || d.fill === 'start' || d.fill === 'end' || d.fill === 'shape'
    ? d.fill
    : null
}

/** How chart.js draws a line dataset, as the key draws its sample; null when it draws nothing. */
export function sampleOf(d: Drawn): KeySample | null {
  const stroke = text(d.borderColor, 'rgba(0, 0, 0, 0.1)')
  const fill = text(d.backgroundColor, 'rgba(0, 0, 0, 0.1)')
  // chart.js's defaults for line datasets: 3 px lines and 3 px points.
  const width = num(d.borderWidth, 3)
  if (areaFill(d)) {
    return { line: null, marker: null, area: { fill, stroke: width > 0 ? stroke : null } }
  }
  const drawsLine = d.showLine !== false && width > 0 && alphaOf(stroke) > 0
  const radius = num(d.pointRadius, 3)
  const line = drawsLine
    ? { colour: stroke, width, dash: Array.isArray(d.borderDash) ? [...d.borderDash] : [] }
    : null
  const marker =
    radius > 0
      ? {
          style: text(d.pointStyle, 'circle'),
          radius,
          fill: text(d.pointBackgroundColor, fill),
          stroke: text(d.pointBorderColor, stroke),
          borderWidth: num(d.pointBorderWidth, width)
        }
      : null
  return line || marker ? { line, marker, area: null } : null
}

/** `colour` with the alpha of `original`; white (an open marker's inside) stays white. */
function tinted(original: string, colour: string): string {
  if (original.toLowerCase() === '#ffffff') return original
  const alpha = alphaOf(original)
  return alpha === 1 ? colour : withAlpha(colour, alpha)
}

/** The sample in grey: what tells a series apart within a run is its marker and dash. */
function neutral(sample: KeySample): KeySample {
  return {
    line: sample.line && { ...sample.line, colour: tinted(sample.line.colour, KEY_GREY) },
    marker: sample.marker && {
      ...sample.marker,
      fill: tinted(sample.marker.fill, KEY_GREY),
      stroke: tinted(sample.marker.stroke, KEY_GREY)
    },
    area: sample.area && {
      fill: tinted(sample.area.fill, KEY_GREY),
      stroke: sample.area.stroke && tinted(sample.area.stroke, KEY_GREY)
    }
  }
}

function paperOf(spec: AnyChartSpec): PaperOptions {
  return (spec.options?.plugins?.paper as PaperOptions | undefined) ?? {}
}

/**
 * The datasets the screen's legend shows, by its own filter, in its order (chart.js lists them
 * by `order`, then as the spec does).
 */
function legendDatasets(spec: AnyChartSpec): { d: Drawn; index: number }[] {
  const legend = spec.options?.plugins?.legend as
    | { display?: boolean; labels?: { filter?: (item: LegendItem, data: unknown) => boolean } }
    | undefined
  if (legend?.display === false) return []
  const datasets = spec.data.datasets as Drawn[]
  const filter = legend?.labels?.filter
  return datasets
    .map((d, index) => ({ d, index }))
    .sort((a, b) => (a.d.order ?? 0) - (b.d.order ?? 0) || a.index - b.index)
    .filter(({ d, index }) => {
      if (!filter) return !isBandDataset(d)
      const item = { text: d.label ?? '', datasetIndex: index } as LegendItem
      return filter(item, spec.data)
    })
}

function add(entries: KeyEntry[], entry: KeyEntry): void {
  const same = entries.some(
    (e) => e.text === entry.text && JSON.stringify(e.sample) === JSON.stringify(entry.sample)
  )
  if (!same) entries.push(entry)
}

/** The figure's key: entries grouped as described above, and its notes. */
export function figureKey(spec: AnyChartSpec): FigureKey {
  const paper = paperOf(spec)
  const shown = legendDatasets(spec).flatMap(({ d }) => {
    const sample = sampleOf(d)
    return sample ? [{ d, sample }] : []
  })
  const runs = paper.runs ?? []
  const tags = runs.map((r) => r.tag)
  const notes = [
    ...(paper.notes ?? []),
    ...identicalCurves(spec).map((labels) => identicalNote(labels, runs.length ? tags : undefined))
  ]
  if (runs.length < 2) {
    const entries: KeyEntry[] = []
    for (const { d, sample } of shown) add(entries, { text: d.label ?? '', sample })
    return { groups: entries.length > 0 ? [{ title: null, entries }] : [], notes }
  }
  const lines = shown.some(
    ({ d, sample }) => untagBy(d.label ?? '', tags).tag != null && sample.line
  )
  const runKey: KeyEntry[] = runs.map(({ tag, colour }) => ({
    text: tag,
    sample: lines
      ? { line: { colour, width: 2.5, dash: [] }, marker: null, area: null }
      : { line: null, marker: null, area: { fill: withAlpha(colour, 0.55), stroke: colour } }
  }))
  const series: KeyEntry[] = []
  const shared: KeyEntry[] = []
  // A reference line of one run (its θ, its heads' ASR) keeps the run's colour, listed by run.
  const perRun = new Map<string, KeyEntry[]>()
  for (const { d, sample } of shown) {
    const { tag: run, label } = untagBy(d.label ?? '', tags)
    if (run == null) add(shared, { text: label, sample })
    else if (isReferenceDataset(d)) {
      perRun.set(run, perRun.get(run) ?? [])
      add(perRun.get(run)!, { text: label, sample })
    } else if (!series.some((e) => e.text === label)) {
      series.push({ text: label, sample: neutral(sample) })
    }
  }
  const others = [...shared, ...runs.flatMap(({ tag }) => perRun.get(tag) ?? [])]
  const groups: KeyGroup[] = [
    { title: columnsTitle(tags), entries: runKey },
    { title: null, entries: series },
    { title: null, entries: others }
  ]
  return { groups: groups.filter((g) => g.entries.length > 0), notes }
}

/** What the columns' key is called: runs (`#3`), seed groups, or both. */
function columnsTitle(tags: string[]): string {
  const runs = tags.filter((t) => /^#\d+$/.test(t)).length
  if (runs === tags.length) return 'Runs'
  return runs === 0 ? 'Seed groups' : 'Seed groups and runs'
}

/** The points a dataset draws, as a comparable key. */
function pointsKey(d: Drawn): string {
  return JSON.stringify(
    d.data.map((p) => {
      const { x, y } = (p ?? {}) as { x?: unknown; y?: unknown }
      return [x ?? null, y ?? null]
    })
  )
}

/**
 * Series whose drawn points are exactly the same (the clean network of runs that differ only in
 * θ; both networks at θ = 0): one hides the others, so the figure says so. Labels, grouped.
 */
export function identicalCurves(spec: AnyChartSpec): string[][] {
  const byPoints = new Map<string, string[]>()
  for (const d of spec.data.datasets as Drawn[]) {
    if (isBandDataset(d) || isReferenceDataset(d) || !sampleOf(d)) continue
    if (!d.data.some((p) => typeof (p as { y?: unknown } | null)?.y === 'number')) continue
    const key = pointsKey(d)
    const labels = byPoints.get(key) ?? []
    if (!labels.includes(d.label ?? '')) labels.push(d.label ?? '')
    byPoints.set(key, labels)
  }
  return [...byPoints.values()].filter((labels) => labels.length > 1)
}

/** "a, b and c". */
export function listed(items: string[]): string {
  return items.length < 2
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/**
 * "Clean network of #1, #2, #3 and #4; Backdoored network of #1: identical, drawn over each
 * other"; on a chart of one run, "Clean network and Backdoored network: identical, ...". `tags`
 * are the chart's column tags (`paper.runs`); without them, labels name runs as `#3 · `.
 */
export function identicalNote(labels: string[], tags?: readonly string[]): string {
  const byLabel = new Map<string, string[]>()
  const untagged = labels.map((l) => {
    if (tags) return untagBy(l, tags)
    const { run, label } = untag(l)
    return { tag: run == null ? null : `#${run}`, label }
  })
  for (const { tag, label } of untagged) {
    byLabel.set(label, [...(byLabel.get(label) ?? []), ...(tag == null ? [] : [tag])])
  }
  const parts = [...byLabel].map(([label, runs]) =>
    runs.length > 0 ? `${label} of ${listed(runs)}` : label
  )
  const who = parts.some((p) => p.includes(' of ')) ? parts.join('; ') : listed(parts)
  return `${who}: identical, drawn over each other`
}
