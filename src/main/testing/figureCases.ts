/**
 * Test fixture: every chart of every kind as export draws it, for a run alone and for four runs
 * compared (as Compare overlays them), from the real runs of labWithRuns.ts.
 */
import { availableCharts } from '../../kinds/charts'
import type { AnyChartSpec } from '../../shared/chartEntry'
import { overlaySpec } from '../../shared/overlay'
import type { RunDetail } from '../../shared/results'
import type { LabWithRuns } from './labWithRuns'

export interface FigureCase {
  /** `asr of run 3`, `scatter of 4 runs`. */
  name: string
  chart: string
  runs: RunDetail[]
  spec: AnyChartSpec
}

/**
 * Four runs of one kind: the fixture's run and three more with the same data under other ids
 * (identical curves, the hardest case for a key: every note says so).
 */
function fourRuns(run: RunDetail): RunDetail[] {
  return [0, 100, 200, 300].map((offset) => ({ ...run, id: run.id + offset }))
}

export function figureCases(fixture: LabWithRuns): FigureCase[] {
  const runs = [fixture.effectiveness, fixture.finetune, fixture.universality]
  return runs.flatMap((run) =>
    availableCharts(run).flatMap((entry) => [
      {
        name: `${entry.name} of run ${run.id}`,
        chart: entry.name,
        runs: [run],
        spec: entry.spec(run)
      },
      ...(entry.notOverlaid
        ? []
        : [
            {
              name: `${entry.name} of 4 runs`,
              chart: entry.name,
              runs: fourRuns(run),
              spec: overlaySpec(fourRuns(run), entry.name)
            }
          ])
    ])
  )
}
