/**
 * A shard's result file holds its run as a one-run bundle (see shards.ts). The CSV file a run
 * read is in the sweep's manifest once, so a result's bundle names it by its SHA-256 alone and
 * gets its content back from the manifest when it is read: the bundle, checksum included, is then
 * exactly the one the shard wrote, and reads as any bundle import reads it.
 */
import { BundleError, parseBundle, type Bundle, type BundledDataset } from '../export/bundle'
import type { ImportedDataset, ImportedRun } from '../store/bundles'
import { configHash, type ShardResult } from './shards'

/** A bundle as a result file keeps it: each data set by its SHA-256 and name, no content. */
export function packBundle(bundle: Bundle): unknown {
  return { ...bundle, datasets: bundle.datasets.map(({ sha256, name }) => ({ sha256, name })) }
}

/** A packed bundle made whole again with the manifest's data sets; null when one is missing. */
function unpackBundle(packed: unknown, datasets: BundledDataset[]): unknown {
  if (packed === null || typeof packed !== 'object' || !('datasets' in packed)) return packed
  const named = (packed as { datasets: unknown }).datasets
  if (!Array.isArray(named)) return packed
  const whole = named.map((d: { sha256?: unknown }) =>
    datasets.find((full) => full.sha256 === d.sha256)
  )
  if (whole.some((d) => d === undefined)) return null
  return { ...packed, datasets: whole }
}

/** What a result must match: its slot's seed, config hash and the data it reads. */
export interface SlotIdentity {
  point: number
  replicate: number
  seed: number
  hash: string
  dataSha256: string | null
}

/**
 * Whether a result is the run of its slot: of this sweep (`key`), of a slot it has, with the
 * slot's seed and config hash, and a bundle that reads as any bundle import reads it (checksum,
 * every value) holding that one run. Answers the run to store (reading this lab's copy of the
 * slot's CSV file, found by its SHA-256; null when the run could not even start) with the data
 * sets it read, or the problem.
 */
export function checkResult(
  result: ShardResult,
  key: string,
  slot: SlotIdentity | undefined,
  datasets: BundledDataset[]
): { run: ImportedRun | null; datasets: ImportedDataset[] } | { problem: string } {
  if (result.key !== key) return { problem: 'it is a result of another sweep' }
  if (!slot)
    return { problem: `the sweep has no point ${result.point} with replicate ${result.replicate}` }
  if (result.point !== slot.point || result.replicate !== slot.replicate)
    return {
      problem: `it is the result of point ${result.point}, replicate ${result.replicate}, not of point ${slot.point}, replicate ${slot.replicate}`
    }
  if (result.seed !== slot.seed || result.configHash !== slot.hash)
    return {
      problem: `its run is not this slot's: seed ${result.seed} and config hash ${result.configHash.slice(0, 12)}…, where point ${slot.point}, replicate ${slot.replicate} has seed ${slot.seed} and config hash ${slot.hash.slice(0, 12)}…`
    }
  if (result.bundle == null) return { run: null, datasets: [] }
  const bundle = unpackBundle(result.bundle, datasets)
  if (bundle === null)
    return { problem: 'its bundle names a CSV file that the shard folder does not hold' }
  let parsed
  try {
    parsed = parseBundle(JSON.stringify(bundle))
  } catch (error) {
    if (!(error instanceof BundleError)) throw error
    return { problem: `its run cannot be read: ${error.message}` }
  }
  const [run] = parsed.runs
  if (parsed.runs.length !== 1)
    return { problem: `its bundle holds ${parsed.runs.length} runs, not the one of its slot` }
  if (run.seed !== slot.seed || configHash(run.config, result.dataSha256) !== slot.hash)
    return { problem: "its bundle's run has another config or seed than its slot" }
  if (run.status !== result.status)
    return { problem: `its bundle's run is ${run.status}, the result says ${result.status}` }
  return {
    run: { ...run, dataSha256: slot.dataSha256, rerunOf: null },
    datasets: parsed.datasets
  }
}
