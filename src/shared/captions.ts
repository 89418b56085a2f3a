/**
 * Figure captions: one line naming what a chart shows, the run's config and what the marks mean,
 * for a paper's figure (the app copies it to the clipboard). Each kind words its own config
 * (KindDefinition.describeConfig); this module puts the pieces together. Pure; no Node, no DOM.
 */
import type { ChartEntry } from './chartEntry'
import { significant } from './format'

/** A number as a caption prints it: up to 4 significant digits, no trailing zeros. */
export function captionNumber(value: number): string {
  return significant(value, 4)
}

export function captionPercent(fraction: number): string {
  return `${captionNumber(fraction * 100)}%`
}

/**
 * A random-ReLU network's shape in a caption: d only where the lab draws the data (real data sets
 * bring their own), and θ, or "clean" for a clean encoder.
 */
export function networkPart(
  config: { d: number; m: number; k: number; theta: number },
  options: { ownD: boolean; clean?: boolean }
): string {
  const planted = options.clean ? 'clean' : `θ=${captionNumber(config.theta)}`
  return [
    ...(options.ownD ? [`d=${config.d}`] : []),
    `m=${config.m}`,
    `k=${config.k}`,
    planted
  ].join(', ')
}

/** The sizes of data the lab draws: "n=2000/2000". */
export function sizesPart(config: { n: number; nTest: number }): string {
  return `n=${config.n}/${config.nTest}`
}

/** One caption line for a chart of one run, given the run's config in words. */
export function captionLine(entry: ChartEntry, describedConfig: string): string {
  const marks = entry.marks ? `; ${entry.marks}` : ''
  return `${entry.title} for ${describedConfig}${marks}.`
}
