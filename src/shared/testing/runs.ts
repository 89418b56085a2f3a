/**
 * Runs for tests of what is drawn and said of them: a done run with the given config and series
 * and nothing else measured, unless `overrides` says otherwise (its status, metrics, name...).
 * No Node, no DOM.
 */
import type { ExperimentConfig } from '../../kinds/registry'
import type { RunDetail, SeriesRecord } from '../results'

export function doneRun(
  id: number,
  config: ExperimentConfig,
  series: SeriesRecord[],
  overrides: Partial<RunDetail> = {}
): RunDetail {
  return {
    id,
    name: `run ${id}`,
    kind: config.kind,
    status: 'done',
    seed: 1,
    backend: 'cpu',
    appVersion: '0.1.0',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    notes: '',
    tags: [],
    progress: null,
    config,
    environment: null,
    metrics: [],
    series,
    ...overrides
  }
}
