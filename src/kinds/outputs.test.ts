import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../main/lab/backend'
import { collectingReporter } from '../main/lab/reporter'
import { runExperiment } from './main'
import { findKind, parseExperimentConfig } from './registry'

beforeAll(async () => {
  await initBackend()
})

const names = (records: { model: string; name: string }[]) =>
  [...new Set(records.map((r) => `${r.model}/${r.name}`))].sort()
const listed = (lists: Readonly<Record<string, readonly string[]>>) =>
  [
    ...new Set(Object.entries(lists).flatMap(([model, list]) => list.map((n) => `${model}/${n}`)))
  ].sort()

describe("each kind's outputs list is what its runs report", () => {
  for (const raw of [
    { kind: 'effectiveness', m: 200, n: 200, nTest: 200 },
    { kind: 'finetune', m: 200, n: 200, nTest: 200, train: { epochs: 1 } },
    {
      kind: 'universality',
      m: 100,
      n: 200,
      nTest: 200,
      randomHeads: 5,
      probes: 2,
      head: { epochs: 5 }
    },
    {
      kind: 'detectability',
      d: 20,
      m: 200,
      k: 4,
      thetas: { from: 0.5, to: 2, steps: 2 },
      draws: 2,
      nullDraws: 19,
      n: 100,
      nTest: 100
    }
  ]) {
    it(`${raw.kind}: every metric and series reported is listed, and every one listed is reported`, async () => {
      const config = parseExperimentConfig(raw)
      const report = collectingReporter()
      await runExperiment(config, report)
      const outputs = findKind(config.kind)!.outputs
      expect(names(report.metricRecords)).toEqual(listed(outputs.metrics))
      expect(names(report.seriesRecords)).toEqual(listed(outputs.series))
    })
  }
})
