/**
 * Bad bundles. The valid bundle they start from holds run 0 (effectiveness, synthetic data) and
 * run 1 (universality on the imported Iris CSV file, datasets.0). An edit with `resign` passes
 * the checksum, as a careful forger's would: the checks after it must catch the rest.
 */
import { createHash } from 'node:crypto'
import { MAX_BUNDLE_BYTES } from '../../../shared/apiExport'
import type { Bundle } from '../../export/bundle'
import type { BundleBadInput } from './types'

/** Moves the first metric of run `run` whose name passes `test` to the front, and returns it. */
function firstMetric(bundle: Bundle, run: number, test: (name: string) => boolean) {
  const metrics = bundle.runs[run].metrics
  const index = metrics.findIndex((m) => test(m.name) && m.value !== null)
  if (index < 0) throw new Error(`run ${run} of the bundle has no such metric`)
  const [metric] = metrics.splice(index, 1)
  metrics.unshift(metric)
  return metric
}

/**
 * A bundle whose envelope is right and whose runs nest 50,000 arrays deep: the checksum's
 * recursive canonical JSON overflowed the stack on it (HTTP 500) before any schema check.
 */
export const deepBundle = `{"format":"backdoor-lab-bundle","version":2,"runs":${'['.repeat(50_000)}${']'.repeat(50_000)},"datasets":[],"checksum":"0"}`

export const bundleBadInputs: Omit<BundleBadInput, 'channel'>[] = [
  {
    title: 'a bundle of 50,000 nested arrays',
    text: () => deepBundle,
    field: 'json',
    rule: 'it nests more than 64 levels deep'
  },
  {
    title: 'a bundle larger than the limit',
    text: () => ' '.repeat(MAX_BUNDLE_BYTES + 1),
    field: 'json',
    rule: 'the lab imports bundles of at most 50.0 MB'
  },
  {
    title: 'a bundle cut short',
    text: (valid) => valid.slice(0, 300),
    field: 'json',
    rule: 'it is not valid JSON'
  },
  {
    title: 'a bundle of another program',
    text: () => JSON.stringify({ format: 'zip', version: 1, runs: [], checksum: '' }),
    field: 'json',
    rule: 'its format is "zip"'
  },
  {
    title: 'a bundle of a newer version',
    edit: (b) => void ((b as { version: number }).version = 3),
    field: 'json',
    rule: 'this bundle has version 3; this lab reads versions 1 and 2'
  },
  {
    title: 'a number changed by hand',
    edit: (b) => void (b.runs[0].series[0].points[0].x += 1),
    field: 'json',
    rule: "the bundle's checksum does not match its content"
  },
  {
    title: 'a rate of 5.0, re-signed',
    edit: (b) => void (firstMetric(b, 1, (n) => n === 'attackSuccessRate').value = 5),
    resign: true,
    field: 'runs.1.metrics.0.value',
    rule: 'attackSuccessRate is a rate: it must lie between 0 and 1 (got 5)'
  },
  {
    title: 'a negative attack success rate in a series, re-signed',
    edit: (b) => {
      const series = b.runs[0].series.find((s) => s.name === 'attackSuccessRate')!
      b.runs[0].series = [series, ...b.runs[0].series.filter((s) => s !== series)]
      series.points[0].value = -0.5
    },
    resign: true,
    field: 'runs.0.series.0.points.0.value',
    rule: 'is a rate: it must lie between 0 and 1 (got -0.5)'
  },
  {
    title: 'an estimate outside its interval, re-signed',
    edit: (b) => {
      const metric = firstMetric(b, 0, (n) => n === 'cleanAccuracy')
      metric.upper = metric.value! - 0.01
      metric.lower = Math.min(metric.lower!, metric.upper)
    },
    resign: true,
    field: 'runs.0.metrics.0.value',
    rule: 'lies above its interval'
  },
  {
    title: 'an interval upside down, re-signed',
    edit: (b) => {
      const metric = firstMetric(b, 0, (n) => n === 'cleanAccuracy')
      ;[metric.lower, metric.upper] = [metric.upper, metric.lower]
    },
    resign: true,
    field: 'runs.0.metrics.0.lower',
    rule: 'is upside down'
  },
  {
    title: 'a run that finished before it started, re-signed',
    edit: (b) => void (b.runs[0].finishedAt = '2000-01-01T00:00:00.000Z'),
    resign: true,
    field: 'runs.0.finishedAt',
    rule: 'is before the run began'
  },
  {
    title: 'an escape sequence in a run name, re-signed',
    edit: (b) => void (b.runs[0].name = 'evil \u001b[2J'),
    resign: true,
    field: 'runs.0.name',
    rule: 'name must not contain control characters'
  },
  {
    title: 'a tab in a tag, re-signed',
    edit: (b) => void (b.runs[1].tags = ['a\tb']),
    resign: true,
    field: 'runs.1.tags.0',
    rule: 'tags must not contain control characters'
  },
  {
    title: 'an invalid config, re-signed',
    edit: (b) => void ((b.runs[0].config as { k: number }).k = 500),
    resign: true,
    field: 'runs.0.config.k',
    rule: 'k must be at most d (got k=500, d=20)'
  },
  {
    title: 'a data set whose text is not the one its SHA-256 names, re-signed',
    edit: (b) => void (b.datasets[0].content = b.datasets[0].content.replace('5.1', '5.2')),
    resign: true,
    field: 'datasets.0.content',
    rule: 'its SHA-256 is'
  },
  {
    title: 'a data set that is not a valid CSV file, its SHA-256 recomputed',
    edit: (b) => {
      const content = b.datasets[0].content.replace('5.1', 'five')
      b.datasets[0].content = content
      b.datasets[0].sha256 = sha256(content)
      b.runs[1].dataSha256 = b.datasets[0].sha256
      if (b.runs[1].environment?.dataFile) b.runs[1].environment.dataFile.sha256 = sha256(content)
    },
    resign: true,
    field: 'datasets.0.content',
    rule: 'row 2, column "sepal_length": "five" is not a number'
  },
  {
    title: 'a run on a CSV file the bundle does not carry, re-signed',
    edit: (b) => void (b.datasets = []),
    resign: true,
    field: 'runs.1.dataSha256',
    rule: 'the bundle does not carry the data set this run read'
  },
  {
    title: 'a run re-running itself, re-signed',
    edit: (b) => void (b.runs[0].rerunOf = b.runs[0].sourceId),
    resign: true,
    field: 'runs.0.rerunOf',
    rule: 'a run cannot be a re-run of itself'
  }
]

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
