/**
 * The LabApi's sweep methods (SCIENCE.md section 12): a base config, one or two swept fields, r
 * seeds per point; a sweep is read, listed, cancelled, resumed, deleted and aggregated by its
 * id. No Node, no DOM.
 */
import { z } from 'zod'
import { metricRef, pageLimit, singleLineText, sweepId } from './apiFields'
import { MAX_QUERY_LIMIT } from './history'

export const sweepSchemas = {
  startSweep: z.object({
    // The sweep config is validated by parseSweepConfig so that errors name each field.
    config: z.unknown().refine((v) => v !== undefined, { error: 'config is required' }),
    name: singleLineText('name', 200).optional()
  }),
  getSweep: z.object({ id: sweepId }),
  listSweeps: z
    .object({
      ids: z
        .array(sweepId)
        .max(MAX_QUERY_LIMIT, { error: `ids may name at most ${MAX_QUERY_LIMIT} sweeps` })
        .optional(),
      limit: pageLimit
    })
    .default({ limit: 100 }),
  cancelSweep: z.object({ id: sweepId }),
  resumeSweep: z.object({ id: sweepId }),
  deleteSweep: z.object({ id: sweepId }),
  sweepAggregate: z.object({ id: sweepId, metric: metricRef })
} as const
