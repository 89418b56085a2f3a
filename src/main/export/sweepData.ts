/**
 * The numbers of a sweep's chart: one row per run (its point, seed, status and value) and one per
 * aggregated point (mean, sd, n of how many, and the 95% t-interval), the same for the line chart
 * and the heat map, since both draw these numbers.
 */
import { sweepAxis, type SweepChartInput } from '../../kinds/sweepAxes'
import { csvField } from './data'

/** The columns after the swept fields' (which are named by their config paths). */
const RUN_COLUMNS = ['replicate', 'seed', 'run', 'status', 'value'] as const
const POINT_COLUMNS = ['mean', 'sd', 'n', 'of', 'lower', 'upper'] as const

type Cell = string | number | null

/**
 * CSV: `row` (run or point), `metric` (model/name), `point`, one column per swept field, then the
 * run's replicate, seed, id, status and value, or the point's mean, sd, n, of, lower and upper.
 * Each point's row comes first, then its runs; a slot whose run was deleted has no run id.
 */
export function sweepCsv(input: SweepChartInput): string {
  const paths = input.sweep.fields.map((f) => f.path)
  const header = ['row', 'metric', 'point', ...paths, ...RUN_COLUMNS, ...POINT_COLUMNS]
  const { model, name } = input.aggregate.metric
  const metric = `${model}/${name}`
  const lines = [header.join(',')]
  const line = (cells: Cell[]) => lines.push(cells.map(csvField).join(','))
  const blank = (n: number) => Array<Cell>(n).fill(null)
  for (const point of input.aggregate.points) {
    const values = paths.map((p) => {
      const v = point.values[p]
      return typeof v === 'boolean' ? String(v) : v
    })
    const a = point.aggregate
    line([
      'point',
      metric,
      point.index,
      ...values,
      ...blank(RUN_COLUMNS.length),
      a.mean,
      a.sd,
      a.n,
      a.of,
      a.lower,
      a.upper
    ])
    for (const seed of point.seeds) {
      line([
        'run',
        metric,
        point.index,
        ...values,
        seed.replicate,
        seed.seed,
        seed.runId,
        seed.status,
        seed.value,
        ...blank(POINT_COLUMNS.length)
      ])
    }
  }
  return lines.join('\r\n') + '\r\n'
}

/** JSON: the sweep and its fields, the metric, and each point with its seeds and aggregate. */
export function sweepJson(
  input: SweepChartInput,
  about: { chart: string; title: string; caption: string }
) {
  const { sweep, aggregate } = input
  return {
    ...about,
    sweep: {
      id: sweep.id,
      name: sweep.name,
      kind: sweep.kind,
      seeds: sweep.seeds,
      seed: sweep.sweep.seed,
      fields: sweep.fields.map((f, i) => ({
        path: f.path,
        label: f.label,
        values: f.values,
        scale: sweepAxis(input, i).log ? 'log' : 'linear'
      }))
    },
    metric: aggregate.metric,
    points: aggregate.points
  }
}
