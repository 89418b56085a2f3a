/** Bad LabApi calls. The corpus lab holds runs 1 and 2 and data set 1 (see corpus.test.ts). */
import type { ApiBadInput } from './types'

const effectiveness = { kind: 'effectiveness', d: 20, m: 200, k: 4 }

export const apiBadInputs: Omit<ApiBadInput, 'channel'>[] = [
  {
    title: 'startRun without a config',
    method: 'startRun',
    params: { name: 'no config' },
    field: 'config',
    rule: 'config is required'
  },
  {
    title: 'startRun with a name of 201 characters',
    method: 'startRun',
    params: { config: effectiveness, name: 'n'.repeat(201) },
    field: 'name',
    rule: 'name must be at most 200 characters'
  },
  {
    title: 'startRun with an escape sequence in the name',
    method: 'startRun',
    params: { config: effectiveness, name: 'red \u001b[31mrun' },
    field: 'name',
    rule: 'name must not contain control characters'
  },
  {
    title: 'startRun with k larger than d',
    method: 'startRun',
    params: { config: { ...effectiveness, k: 50 } },
    field: 'k',
    rule: 'k must be at most d (got k=50, d=20)'
  },
  {
    title: 'startRun on a data set that does not exist',
    method: 'startRun',
    params: {
      config: {
        kind: 'universality',
        dataset: { kind: 'csv', datasetId: 99, labelColumn: 'species' }
      }
    },
    field: 'dataset.datasetId',
    rule: 'no imported data set has id 99'
  },
  {
    title: 'updateRun with a blank name',
    method: 'updateRun',
    params: { id: 1, name: '   ' },
    field: 'name',
    rule: 'name must not be empty'
  },
  {
    title: 'updateRun with a line break in a tag',
    method: 'updateRun',
    params: { id: 1, tags: ['paper', 'two\nlines'] },
    field: 'tags.1',
    rule: 'tags must not contain control characters'
  },
  {
    title: 'updateRun with an escape sequence in the notes',
    method: 'updateRun',
    params: { id: 1, notes: 'fine\nbut \u001b]0;retitled\u0007' },
    field: 'notes',
    rule: 'notes must not contain control characters other than tabs and line breaks'
  },
  {
    title: 'updateRun with 51 tags',
    method: 'updateRun',
    params: { id: 1, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) },
    field: 'tags',
    rule: 'at most 50 tags'
  },
  {
    title: 'updateRun with an id that is text',
    method: 'updateRun',
    params: { id: 'seven', name: 'x' },
    field: 'id',
    rule: 'id must be a number'
  },
  {
    title: 'getRun with a negative id',
    method: 'getRun',
    params: { id: -1 },
    field: 'id',
    rule: 'id must be positive'
  },
  {
    title: 'queryRuns from 30 February',
    method: 'queryRuns',
    params: { filter: { createdFrom: '2024-02-30' } },
    field: 'filter.createdFrom',
    rule: 'createdFrom must be a real day: 2024-02-30 does not exist'
  },
  {
    title: 'queryRuns to a date that is a word',
    method: 'queryRuns',
    params: { filter: { createdTo: 'yesterday' } },
    field: 'filter.createdTo',
    rule: 'createdTo must be an ISO date (YYYY-MM-DD) or date-time'
  },
  {
    title: 'queryRuns sorted by a column that does not exist',
    method: 'queryRuns',
    params: { sort: { column: 'secret', direction: 'asc' } },
    field: 'sort.column',
    rule: 'sort.column must be one of'
  },
  {
    title: 'queryRuns with a page of 0 runs',
    method: 'queryRuns',
    params: { limit: 0 },
    field: 'limit',
    rule: 'limit must be at least 1'
  },
  {
    title: 'saveComparison of a run that never existed',
    method: 'saveComparison',
    params: { name: 'ghost', runIds: [1, 999] },
    field: 'runIds',
    rule: 'no run has id 999'
  },
  {
    title: 'saveComparison of one run',
    method: 'saveComparison',
    params: { name: 'alone', runIds: [1] },
    field: 'runIds',
    rule: 'a comparison needs at least 2 runs'
  },
  {
    title: 'saveComparison with a tab in its name',
    method: 'saveComparison',
    params: { name: 'a\tb', runIds: [1, 2] },
    field: 'name',
    rule: 'name must not contain control characters'
  },
  {
    title: 'exportChart as a GIF',
    method: 'exportChart',
    params: { runIds: [1], chart: 'asr', format: 'gif' },
    field: 'format',
    rule: 'format must be one of: png, svg, pdf, tex, csv, json'
  },
  {
    title: 'exportChart 50 inches wide',
    method: 'exportChart',
    params: { runIds: [1], chart: 'asr', format: 'png', widthInches: 50 },
    field: 'widthInches',
    rule: 'widthInches must be at most 20'
  },
  {
    title: 'deleteRuns of no run',
    method: 'deleteRuns',
    params: { ids: [] },
    field: 'ids',
    rule: 'ids must name at least one run'
  },
  {
    title: 'exportBundle naming a run twice',
    method: 'exportBundle',
    params: { ids: [1, 1] },
    field: 'ids',
    rule: 'ids must not repeat a run'
  },
  {
    title: 'importDataset with a bell in its name',
    method: 'importDataset',
    params: { name: 'ding\u0007.csv', content: 'a,label\n1,x\n2,y\n' },
    field: 'name',
    rule: 'name must not contain control characters'
  },
  {
    title: 'startSweep without a sweep',
    method: 'startSweep',
    params: { config: effectiveness },
    field: 'sweep',
    rule: 'sweep is required'
  },
  {
    title: 'startSweep varying the seed',
    method: 'startSweep',
    params: { config: { ...effectiveness, sweep: { fields: [{ path: 'seed', values: [1, 2] }] } } },
    field: 'sweep.fields.0.path',
    rule: 'seed is not a field an effectiveness sweep can vary'
  },
  {
    title: 'startSweep with a swept value the field refuses',
    method: 'startSweep',
    params: { config: { ...effectiveness, sweep: { fields: [{ path: 'k', values: [4, 50] }] } } },
    field: 'sweep.fields.0.values.1',
    rule: 'k = 50: k must be at most d (got k=50, d=20)'
  },
  {
    title: 'startSweep of more runs than a sweep may hold',
    method: 'startSweep',
    params: {
      config: {
        ...effectiveness,
        sweep: { fields: [{ path: 'theta', range: { from: 0, to: 8, steps: 200 } }], seeds: 3 }
      }
    },
    field: 'sweep.seeds',
    rule: 'this sweep has 600 runs (200 points × 3 seeds per point); a sweep may hold at most 500'
  },
  {
    title: 'sweepAggregate without a metric name',
    method: 'sweepAggregate',
    params: { id: 1, metric: { model: 'run' } },
    field: 'metric.name',
    rule: 'metric.name is required'
  },
  {
    title: 'a method the lab does not have',
    method: 'dropTables',
    params: {},
    field: 'method',
    rule: "the lab has no method 'dropTables'",
    status: 404
  }
]
