/**
 * Re-running a run exactly (SCIENCE.md section 10): its config pointed at this lab's copy of the
 * exact data it read, and, on the re-run, whether its numbers equal its original's.
 */
import { LabApiError, type DatasetSummary } from '../../shared/api'
import { csvDatasetId, withCsvDataset, type ExperimentConfig } from '../../kinds/registry'
import { compareNumbers } from '../../shared/history'
import type { Reproduction, RunDetail } from '../../shared/results'
import type { RunStore } from '../store/store'
import { RunNotFoundError } from '../store/runs'
import { DatasetNotFoundError } from '../store/datasets'

/** The run, with whether its numbers equal its original's when it is a re-run. */
export function withReproduction(store: RunStore, run: RunDetail): RunDetail {
  if (run.rerunOf != null) run.reproduction = reproduction(store, run, run.rerunOf)
  return run
}

/**
 * The config of a run, pointed at this lab's copy of the exact CSV file it read (found by its
 * SHA-256, whatever its id). Refuses (409) when this lab has no file with that content: the
 * same data set id may name another file here (a run imported from another lab).
 */
export function sameData(store: RunStore, run: RunDetail): ExperimentConfig {
  const config = run.config
  const sha = store.runs.dataSha(run.id)
  const datasetId = csvDatasetId(config)
  if (datasetId == null || !sha) return config
  const local = store.datasets.bySha(sha)
  if (local) return withCsvDataset(config, local.id)
  const file = run.environment?.dataFile?.name
  let named: DatasetSummary | null = null
  try {
    named = store.datasets.summary(datasetId)
  } catch (error) {
    if (!(error instanceof DatasetNotFoundError)) throw error
  }
  const message =
    `Run ${run.id} cannot be re-run exactly: it read ${file ? JSON.stringify(file) : 'a CSV file'} ` +
    `(SHA-256 ${sha.slice(0, 12)}…), and no data set in this lab has that content` +
    (named ? ` (data set ${named.id}, ${JSON.stringify(named.name)}, is another file)` : '') +
    '. Import that file (or a bundle that carries it), then re-run.'
  throw new LabApiError(message, [{ field: 'dataset.datasetId', message }], 409)
}

/**
 * How a re-run compares with the run it repeats: identical numbers are expected when both are
 * done on the same backend; an original deleted meanwhile is said to be missing.
 */
function reproduction(store: RunStore, run: RunDetail, of: number): Reproduction {
  let original: RunDetail
  try {
    original = store.runs.get(of)
  } catch (error) {
    if (!(error instanceof RunNotFoundError)) throw error
    return {
      of,
      originalExists: false,
      originalBackend: null,
      sameBackend: null,
      identical: null,
      differing: [],
      compared: 0
    }
  }
  const sameBackend = run.backend && original.backend ? run.backend === original.backend : null
  const bothDone = run.status === 'done' && original.status === 'done'
  const numbers = bothDone ? compareNumbers(original, run) : null
  return {
    of,
    originalExists: true,
    originalBackend: original.backend,
    sameBackend,
    identical: numbers ? numbers.identical : null,
    differing: numbers?.differing ?? [],
    compared: numbers?.compared ?? 0
  }
}
