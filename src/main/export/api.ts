/**
 * The export methods of the LabApi, as the service calls them: each reads what it needs from the
 * store and turns export errors into LabApiErrors (400 naming the parameter).
 */
import {
  formatBytes,
  LabApiError,
  utf8Length,
  type ApiInput,
  type ApiResults
} from '../../shared/api'
import { MAX_BUNDLE_BYTES } from '../../shared/apiExport'
import type { RunSummary } from '../../shared/results'
import type { RunStore } from '../store/store'
import { BundleError, bundleFileName, bundleJson, createBundle, parseBundle } from './bundle'
import type { AnyChartSpec } from '../../shared/chartEntry'
import { exportChart, exportColumns, exportEntry, exportSpec, figureCaption } from './chart'
import { exportSweepChart } from './sweepChart'

/** A chart of runs (runIds), or of a sweep (sweepId and metric), as a file. */
export async function exportChartFile(
  store: RunStore,
  params: ApiInput<'exportChart'>
): Promise<ApiResults['exportChart']> {
  const file =
    params.sweepId !== undefined
      ? await exportSweepChart(store, {
          ...params,
          sweepId: params.sweepId,
          metric: params.metric!
        })
      : await exportChart(
          params.runIds!.map((id) => store.runs.get(id)),
          params
        )
  return { fileName: file.fileName, mimeType: file.mimeType, base64: file.data.toString('base64') }
}

/**
 * The caption of a chart of one run, or of several overlaid (grouped: of their seed groups), with
 * the notes of its figure; checked as exportChart checks. A chart without data yet has a caption and no notes.
 */
export function captionFor(
  store: RunStore,
  runIds: number[],
  chart: string,
  grouped = false
): string {
  const runs = runIds.map((id) => store.runs.get(id))
  const columns = exportColumns(runs, grouped)
  exportEntry(runs, chart, columns?.length)
  let spec: AnyChartSpec | undefined
  try {
    spec = exportSpec(runs, chart, columns)
  } catch (error) {
    if (!(error instanceof LabApiError)) throw error
  }
  return figureCaption(runs, chart, spec, columns)
}

/**
 * Finished runs and the CSV files they read, as one bundle; refused (409, naming the run) when
 * a run is unfinished, when this lab no longer has a file a run read, or when the bundle would
 * be larger than a lab imports.
 */
export function exportRunsBundle(
  store: RunStore,
  ids: number[],
  appVersion: string
): ApiResults['exportBundle'] {
  const runs = store.bundles.snapshot(ids)
  try {
    const bundle = createBundle(runs, appVersion, {
      data: (run) => {
        const sha256 = store.runs.dataSha(run.id)
        if (!sha256) return null
        const dataset = store.datasets.bySha(sha256)
        return {
          sha256,
          dataset: dataset && { sha256, name: dataset.name, content: dataset.content }
        }
      }
    })
    const json = bundleJson(bundle)
    const bytes = utf8Length(json)
    if (bytes > MAX_BUNDLE_BYTES) {
      throw new BundleError(
        `the bundle would be ${formatBytes(bytes)}, more than the ${formatBytes(MAX_BUNDLE_BYTES)} a lab imports; export fewer runs at a time`
      )
    }
    return { fileName: bundleFileName(runs), json }
  } catch (error) {
    if (!(error instanceof BundleError)) throw error
    throw new LabApiError(error.message, [{ field: 'ids', message: error.message }], 409)
  }
}

/** Checks the whole bundle first, then stores every run in one transaction: all or nothing. */
export function importRunsBundle(store: RunStore, json: string): RunSummary[] {
  let bundle: ReturnType<typeof parseBundle>
  try {
    bundle = parseBundle(json)
  } catch (error) {
    if (!(error instanceof BundleError)) throw error
    const message = `Cannot import the bundle: ${error.message}`
    throw new LabApiError(message, [{ field: 'json', message: error.message }], 400)
  }
  return store.bundles.import(bundle.runs, bundle.datasets)
}
