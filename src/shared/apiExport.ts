/**
 * The LabApi's export methods: a chart as a figure or its numbers, its caption, and runs as a
 * bundle and back. A chart of runs names them (runIds; grouped: each seed group as one column);
 * a chart of a sweep names the sweep, its metric and the swept field on the x axis (0 or 1).
 * No Node, no DOM.
 */
import { z } from 'zod'
import { grouped, metricRef, runId, runsPerMode, sweepId } from './apiFields'
import { MAX_COMPARED_RUNS, MAX_GROUPED_RUNS } from './history'

/**
 * The largest run bundle the lab imports, in bytes (50 MB): room for a CSV file at the size
 * limit, escaped as JSON, beside its runs.
 */
export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024

/**
 * The widths a figure can be exported at, in inches. Narrower than 1.5 in, the y axis (its tick
 * labels and a title in two lines) no longer fits beside a plot: chart.js gives it at most half
 * the width, and its title would run over the tick labels.
 */
export const FIGURE_WIDTH = { min: 1.5, max: 20 } as const

/** The runs a chart shows: one (its run page) or several overlaid (Compare), in order. */
const chartRuns = z
  .array(runId, { error: 'runIds must be a list of run ids' })
  .min(1, { error: 'runIds must name at least one run' })
  .max(MAX_GROUPED_RUNS, {
    error: `runIds may name at most ${MAX_GROUPED_RUNS} runs, grouped by seed`
  })
  .refine((ids) => new Set(ids).size === ids.length, { error: 'runIds must not repeat a run' })

export const exportSchemas = {
  exportChart: z
    .object({
      runIds: chartRuns.optional(),
      grouped,
      sweepId: sweepId.optional(),
      metric: metricRef.optional(),
      x: z.union([z.literal(0), z.literal(1)], { error: 'x must be 0 or 1' }).optional(),
      chart: z.string({ error: 'chart is required' }).trim().min(1, { error: 'chart is required' }),
      format: z.enum(['png', 'svg', 'pdf', 'tex', 'csv', 'json'], {
        error: 'format must be one of: png, svg, pdf, tex, csv, json'
      }),
      widthInches: z
        .number({ error: 'widthInches must be a number' })
        .min(FIGURE_WIDTH.min, { error: `widthInches must be at least ${FIGURE_WIDTH.min}` })
        .max(FIGURE_WIDTH.max, { error: `widthInches must be at most ${FIGURE_WIDTH.max}` })
        .default(3.25),
      dpi: z
        .union([z.literal(300), z.literal(600)], { error: 'dpi must be 300 or 600' })
        .default(300)
    })
    .superRefine((p, ctx) => {
      if (p.runIds && p.sweepId !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['sweepId'],
          message: "give runIds (a run's chart) or sweepId (a sweep's chart), not both"
        })
      } else if (!p.runIds && p.sweepId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['runIds'],
          message:
            "runIds must name at least one run (or give sweepId and metric for a sweep's chart)"
        })
      } else if (p.sweepId !== undefined && !p.metric) {
        ctx.addIssue({
          code: 'custom',
          path: ['metric'],
          message: "metric is required for a sweep's chart: { model, name }"
        })
      } else if (p.runIds) {
        runsPerMode(
          { runIds: p.runIds, grouped: p.grouped },
          ctx,
          `runIds may name at most ${MAX_COMPARED_RUNS} runs unless grouped`
        )
      }
    }),
  chartCaption: z
    .object({
      runIds: chartRuns,
      grouped,
      chart: z.string({ error: 'chart is required' }).trim().min(1, { error: 'chart is required' })
    })
    .superRefine((v, ctx) =>
      runsPerMode(v, ctx, `runIds may name at most ${MAX_COMPARED_RUNS} runs unless grouped`)
    ),
  exportBundle: z.object({
    ids: z
      .array(runId)
      .min(1, { error: 'ids must name at least one run' })
      .refine((ids) => new Set(ids).size === ids.length, { error: 'ids must not repeat a run' })
  }),
  importBundle: z.object({ json: z.string({ error: 'json must be the text of a bundle' }) })
} as const
