/**
 * Comparing runs on one chart: the single-run spec of each run (from the chart registry, so the
 * same builders as the run page), merged into one spec with one Okabe–Ito colour per run. Within
 * a run, models keep their dash (theory, before fine-tuning) and are told apart by marker shape;
 * bands stay, in the run's colour. Reference lines (ASR = 0.5, θ, the tracked λ) appear once when
 * every run draws them, once per run when only some do. No Node, no DOM.
 */
import type { ChartDataset } from 'chart.js'
import { chartRegistry, drawsKind, specFor } from '../kinds/charts'
import { type ChartEntry } from './chartEntry'
import {
  BAND_MARK,
  okabeIto,
  paperStyle,
  withAlpha,
  type ChartPoint,
  type LineChartSpec
} from './charts'
import type { RunDetail } from './results'

type LineDataset = ChartDataset<'line', ChartPoint[]>

/** One colour per compared run, in order (yellow last: it is faint on white). */
export const runPalette = [
  okabeIto.blue,
  okabeIto.vermillion,
  okabeIto.bluishGreen,
  okabeIto.orange,
  okabeIto.reddishPurple,
  okabeIto.skyBlue,
  okabeIto.black,
  okabeIto.yellow
] as const

export function runColour(index: number): string {
  return runPalette[index % runPalette.length]
}

/** Marker shapes of the models within a run, in the order the single-run spec lists them. */
export const modelMarkers = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot'] as const

/** How a run is named on a compared chart's legend and tooltips. */
export function runTag(run: Pick<RunDetail, 'id'>): string {
  return `#${run.id}`
}

/**
 * The run a compared chart's dataset belongs to, read back from its label (`#3 · Clean network`),
 * and the label the run's own chart gives it; run null for a line every run shares.
 */
export function untag(label: string): { run: number | null; label: string } {
  const match = /^#(\d+) · (.*)$/s.exec(label)
  return match ? { run: Number(match[1]), label: match[2] } : { run: null, label }
}

/**
 * The column a compared chart's dataset belongs to, read back from its label by the tags the
 * chart names its columns with (`paper.runs`: `#3`, or a seed group's `A (mean of 3 seeds)`), and
 * the label the column's own chart gives it; tag null for a line every column shares.
 */
export function untagBy(
  label: string,
  tags: readonly string[]
): { tag: string | null; label: string } {
  for (const tag of tags)
    if (label.startsWith(`${tag} · `)) return { tag, label: label.slice(tag.length + 3) }
  return { tag: null, label }
}

/**
 * Reference lines are drawn on top (order 4) by every single-run builder; shaded reference
 * regions (the universal-backdoor band, order 5) behave the same: one per meaning, not per run.
 */
function isReference(d: LineDataset): boolean {
  return (d.order ?? 0) >= 4
}

function isBand(d: LineDataset): boolean {
  return typeof d.label === 'string' && d.label.includes(BAND_MARK)
}

/** The alpha of an `rgba(...)` colour, or `fallback`. */
function alphaOf(colour: unknown, fallback: number): number {
  const match = typeof colour === 'string' ? colour.match(/rgba\([^)]*,\s*([\d.]+)\)$/) : null
  return match ? Number(match[1]) : fallback
}

/** `colour` with the alpha of `original`: translucent fills stay translucent in the run's colour. */
function tint(original: unknown, colour: string): string {
  // The white rim of a filled marker stays white.
  if (original === paperStyle.background) return original
  const alpha = alphaOf(original, 1)
  return alpha === 1 ? colour : withAlpha(colour, alpha)
}

/**
 * One run's datasets in the run's colour, labels prefixed with the run. Models are told apart by
 * marker; a dataset with its own marker (a head family of the scatter, a bar's legend square)
 * keeps it.
 */
function recolour(datasets: LineDataset[], tag: string, colour: string): LineDataset[] {
  const curves = datasets.filter((d) => !isBand(d) && !isReference(d))
  // Models are the distinct colours of the single-run curves, in order.
  const modelOf = new Map<string, number>()
  for (const d of curves) {
    const key = String(d.borderColor)
    if (!modelOf.has(key)) modelOf.set(key, modelOf.size)
  }
  const curveModel = new Map(curves.map((d) => [d.label, modelOf.get(String(d.borderColor)) ?? 0]))
  return datasets
    .filter((d) => !isReference(d))
    .map((d) => {
      const label = `${tag} · ${d.label}`
      if (isBand(d)) {
        // Shaded bands are drawn by their fill; whiskers (interval segments) by their stroke.
        const stroked = alphaOf(d.borderColor, 1) > 0 && Number(d.borderWidth ?? 0) > 0
        return {
          ...d,
          label,
          backgroundColor: withAlpha(colour, alphaOf(d.backgroundColor, paperStyle.bandAlpha)),
          ...(stroked ? { borderColor: tint(d.borderColor, colour) } : {})
        }
      }
      // Scatter families keep their marker; so does a shape without markers (a bar outline),
      // whose pointStyle only draws its legend entry.
      const ownMarker =
        typeof d.pointStyle === 'string' && (d.showLine === false || d.pointRadius === 0)
      const marker = ownMarker
        ? d.pointStyle
        : modelMarkers[(curveModel.get(d.label) ?? 0) % modelMarkers.length]
      return {
        ...d,
        label,
        borderColor: tint(d.borderColor, colour),
        backgroundColor: tint(d.backgroundColor, colour),
        pointStyle: marker
      }
    })
}

/**
 * The reference lines of every run. A label says what a line means (ASR = 0.5, θ = 4), so a
 * label every run draws becomes one line, a horizontal one spanning all runs' x; a label only
 * some runs draw (θ differs) is drawn for each of them, in its colour and named after it.
 */
function references(specs: LineChartSpec[], tags: string[], colours: string[]): LineDataset[] {
  const perRun = specs.map((s) => s.data.datasets.filter(isReference))
  const labels = [...new Set(perRun.flat().map((d) => d.label))]
  const sharedBy = (label: string | undefined) =>
    perRun.every((list) => list.some((d) => d.label === label))
  const shared = labels.filter(sharedBy).map((label) => {
    const lines = perRun.map((list) => list.find((d) => d.label === label)!)
    const first = lines[0]
    const points = lines.flatMap((d) => d.data)
    const horizontal = new Set(points.map((p) => p.y)).size === 1
    if (!horizontal) return first
    const xs = points.map((p) => p.x)
    const y = points[0].y
    return {
      ...first,
      data: [
        { x: Math.min(...xs), y },
        { x: Math.max(...xs), y }
      ]
    }
  })
  // The others run by run, in each run's order.
  const own = perRun.flatMap((list, i) =>
    list
      .filter((d) => !sharedBy(d.label))
      .map((d) => ({
        ...d,
        label: `${tags[i]} · ${d.label}`,
        borderColor: withAlpha(colours[i], 0.55),
        backgroundColor: withAlpha(colours[i], 0.55)
      }))
  )
  return [...shared, ...own]
}

type Axis = { min?: number; max?: number; title?: { text?: string | string[] } }

/**
 * The chart `chartName` of every run overlaid: one colour per run (runPalette, in the order
 * given), the single-run style otherwise, bands kept, the x axis spanning every run. `tags` name
 * the runs on the legend (`#3` by default; a seed group's mean run by its group's words).
 */
export function overlaySpec(
  runs: RunDetail[],
  chartName: string,
  tags: string[] = runs.map(runTag)
): LineChartSpec {
  const entry = chartRegistry.find((c) => c.name === chartName)
  if (!entry) throw new Error(`no chart '${chartName}'; the charts are: ${chartNames().join(', ')}`)
  if (runs.length === 0) throw new Error('overlaySpec needs at least one run')
  if (runs.length > 1 && entry.notOverlaid) {
    throw new Error(`chart '${chartName}' of several runs is not overlaid: ${entry.notOverlaid}`)
  }
  if (tags.length !== runs.length) throw new Error('overlaySpec needs one tag per run')
  const specs = runs.map((run) => specFor(entry, run) as LineChartSpec)
  const colours = runs.map((_, i) => runColour(i))
  const datasets = [
    ...specs.flatMap((spec, i) => recolour(spec.data.datasets, tags[i], colours[i])),
    ...references(specs, tags, colours)
  ]

  const first = specs[0].options ?? {}
  const axes = specs.map((s) => (s.options?.scales ?? {}) as Record<string, Axis>)
  const xs = axes.map((a) => a.x).filter((x): x is Axis => !!x)
  const mins = xs.map((x) => x.min).filter((v): v is number => v != null)
  const maxs = xs.map((x) => x.max).filter((v): v is number => v != null)
  const scales = (first.scales ?? {}) as Record<string, Axis>
  const yTitles = [...new Set(axes.map((a) => String(a.y?.title?.text ?? '')))]
  const legend = first.plugins?.legend
  // On paper: each run's colour as a key, and each run's notes under its tag.
  const paper = {
    runs: tags.map((tag, i) => ({ tag, colour: colours[i] })),
    notes: specs.flatMap((s, i) =>
      (s.options?.plugins?.paper?.notes ?? []).map((note) => `${tags[i]}: ${note}`)
    )
  }
  return {
    type: 'line',
    data: { datasets },
    options: {
      ...first,
      scales: {
        ...first.scales,
        x: {
          ...scales.x,
          ...(mins.length ? { min: Math.min(...mins) } : {}),
          ...(maxs.length ? { max: Math.max(...maxs) } : {})
        },
        y: {
          ...scales.y,
          ...(yTitles.length > 1
            ? { title: { ...scales.y?.title, text: yTitles.join(' / ') } }
            : {})
        }
      } as NonNullable<LineChartSpec['options']>['scales'],
      plugins: {
        ...first.plugins,
        paper,
        legend: {
          ...legend,
          // Markers tell the models apart, so the legend shows them, at text size.
          labels: { ...legend?.labels, usePointStyle: true, boxWidth: 9, boxHeight: 9 }
        }
      }
    },
    plugins: specs[0].plugins
  }
}

export function chartNames(): string[] {
  return chartRegistry.map((c) => c.name)
}

/**
 * The charts every run has kind-wise (in registry order), its own or comparably (a fine-tuning
 * run on the ASR chart), and those only some runs have, with the kinds that have them: what a
 * comparison of different kinds can and cannot overlay.
 */
export function sharedCharts(runs: Pick<RunDetail, 'kind'>[]): {
  shared: ChartEntry[]
  notShared: { entry: ChartEntry; kinds: readonly string[] }[]
} {
  const kinds = [...new Set(runs.map((r) => r.kind))]
  const relevant = chartRegistry.filter((c) => kinds.some((k) => c.kinds.includes(k)))
  const sharedByAll = (c: ChartEntry) => kinds.every((k) => drawsKind(c, k))
  return {
    shared: relevant.filter(sharedByAll),
    notShared: relevant
      .filter((c) => !sharedByAll(c))
      .map((entry) => ({
        entry,
        kinds: entry.kinds.filter((k) => (kinds as readonly string[]).includes(k))
      }))
  }
}

/** Whether a spec has anything to draw besides reference lines. */
export function hasData(spec: LineChartSpec): boolean {
  return spec.data.datasets.some(
    (d) => !isReference(d) && d.data.some((p) => p.y != null && Number.isFinite(p.y))
  )
}
