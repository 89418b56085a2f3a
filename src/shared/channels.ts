/**
 * The IPC channel of every LabApi method (`domain:action`), with no schema library: the sandboxed
 * preload bundles this file, and a sandboxed preload can require nothing but `electron`.
 * `api.ts` checks at compile time that this table names exactly the methods of the contract.
 */
export const apiChannels = {
  startRun: 'runs:start',
  cancelRun: 'runs:cancel',
  listRuns: 'runs:list',
  getRun: 'runs:get',
  updateRun: 'runs:update',
  deleteRuns: 'runs:delete',
  exportChart: 'export:chart',
  chartCaption: 'export:caption',
  exportBundle: 'bundles:export',
  importBundle: 'bundles:import',
  appInfo: 'app:info',
  importDataset: 'datasets:import',
  listDatasets: 'datasets:list',
  deleteDataset: 'datasets:delete',
  queryRuns: 'runs:query',
  queryHistory: 'runs:history',
  rerunRun: 'runs:rerun',
  getRuns: 'runs:getMany',
  saveComparison: 'comparisons:save',
  listComparisons: 'comparisons:list',
  deleteComparison: 'comparisons:delete',
  startSweep: 'sweeps:start',
  getSweep: 'sweeps:get',
  listSweeps: 'sweeps:list',
  cancelSweep: 'sweeps:cancel',
  resumeSweep: 'sweeps:resume',
  deleteSweep: 'sweeps:delete',
  sweepAggregate: 'sweeps:aggregate'
} as const

export type ChannelMethod = keyof typeof apiChannels

/** Main to renderer: every LabEvent (progress, status changes of runs and sweeps, deletions). */
export const EVENTS_CHANNEL = 'runs:event'
