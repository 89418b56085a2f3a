/**
 * Saving a comparison: every run must exist; grouped by seed, the runs must make 2 to
 * MAX_COMPARED_RUNS seed groups, as Compare shows them. Errors name `runIds` (400).
 */
import { LabApiError, type ApiInput, type ApiResults } from '../../shared/api'
import { groupCount } from '../../shared/compareGroups'
import { MAX_COMPARED_RUNS } from '../../shared/history'
import type { RunStore } from '../store/store'

function refuse(message: string): never {
  throw new LabApiError(
    `Invalid request to saveComparison: runIds: ${message}`,
    [{ field: 'runIds', message }],
    400
  )
}

export function saveComparison(
  store: RunStore,
  params: ApiInput<'saveComparison'>
): ApiResults['saveComparison'] {
  const missing = params.runIds.filter((id) => !store.runs.exists(id))
  if (missing.length > 0) refuse(`no run has id ${missing.join(', ')}`)
  if (params.grouped) {
    const groups = groupCount(params.runIds.map((id) => store.runs.get(id)))
    if (groups < 2)
      refuse(
        `these ${params.runIds.length} runs are one seed group; a comparison by seed group needs at least 2`
      )
    if (groups > MAX_COMPARED_RUNS)
      refuse(
        `these runs make ${groups} seed groups; a comparison takes at most ${MAX_COMPARED_RUNS}`
      )
  }
  return store.comparisons.save(params.name, params.runIds, params.grouped)
}
