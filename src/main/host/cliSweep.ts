/**
 * `lab sweep`: runs a sweep (SCIENCE.md section 12) from a config file, or resumes one by its id,
 * with one progress line for the whole sweep, and prints it with its key metrics aggregated over
 * seeds per point.
 */
import type { Command } from 'commander'
import { sweepKeyMetrics } from '../../kinds/sweep'
import { LabApiError } from '../../shared/api'
import type { SweepAggregate, SweepDetail, SweepSummary } from '../../shared/sweepStatus'
import type { LabService } from '../service/service'
import { integer, openCliLab, readConfig, UsageError } from './cliCommon'
import { addShardedSweepOptions, runShardedSweep, type ShardedSweepOptions } from './cliSlurm'
import { printable, printJson, say } from './terminal'

interface SweepOptions {
  config?: string
  resume?: number
  db?: string
  name?: string
  jobs?: number
  json?: boolean
}

/** "sweep 3: 4/8 done, 2 running, 2 queued, 0 failed (56%), about 12 s left" */
export function sweepLine(sweep: SweepSummary): string {
  const c = sweep.counts
  const present = sweep.total - c.missing
  const parts = [
    `${c.done}/${present} done`,
    `${c.running} running`,
    `${c.queued} queued`,
    `${c.failed} failed`
  ]
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`)
  if (c.interrupted) parts.push(`${c.interrupted} interrupted`)
  const eta = sweep.etaSeconds === null ? '' : `, about ${Math.ceil(sweep.etaSeconds)} s left`
  return `sweep ${sweep.id}: ${parts.join(', ')} (${Math.round(sweep.progress * 100)}%${eta})`
}

/** The sweep's key metrics (those of its kind), each aggregated per point. */
export function keyAggregates(service: LabService, sweep: SweepDetail): SweepAggregate[] {
  return sweepKeyMetrics(sweep.kind).map((metric) => service.sweeps.aggregate(sweep.id, metric))
}

/** What `--json` prints: the sweep, its points with their aggregated key metrics, its runs. */
export function sweepReport(sweep: SweepDetail, aggregates: SweepAggregate[]) {
  const { children, ...summary } = sweep
  const points = aggregates[0]?.points ?? []
  return {
    sweep: summary,
    points: points.map((point) => ({
      index: point.index,
      values: point.values,
      runIds: children.filter((c) => c.point === point.index).map((c) => c.id),
      metrics: aggregates.map((a) => {
        const p = a.points[point.index]
        return {
          ...a.metric,
          ...p.aggregate,
          seeds: p.seeds.map(({ runId, seed, status, value }) => ({ runId, seed, status, value }))
        }
      })
    })),
    runIds: children.map((c) => c.id)
  }
}

function estimate(a: SweepAggregate['points'][number]['aggregate'], seeds: number): string {
  if (a.mean === null) return `— (no value in ${a.of} of ${seeds} seeds)`
  const interval =
    a.lower !== null && a.upper !== null ? ` [${a.lower.toFixed(3)}, ${a.upper.toFixed(3)}]` : ''
  return `${a.mean.toFixed(4)}${interval} (n=${a.n} of ${seeds})`
}

export function printSweep(sweep: SweepDetail, aggregates: SweepAggregate[]): void {
  say(`sweep ${sweep.id} ${sweep.status}: ${sweep.name}`)
  say(`  ${sweepLine(sweep).replace(/^sweep \d+: /, '')}`)
  for (const point of aggregates[0]?.points ?? []) {
    const values = Object.entries(point.values)
      .map(([path, value]) => `${path}=${String(value)}`)
      .join(', ')
    say(`  point ${point.index} (${values})`)
    for (const a of aggregates) {
      say(`    ${a.metric.label}: ${estimate(a.points[point.index].aggregate, sweep.seeds)}`)
    }
  }
  for (const child of sweep.children) {
    if (child.status === 'failed' && child.error)
      console.error(printable(`run ${child.id} (${child.name}) failed: ${child.error}`))
  }
}

async function runSweep(opts: SweepOptions & ShardedSweepOptions): Promise<void> {
  if (opts.slurm || opts.shards !== undefined) return runShardedSweep(opts)
  if ((opts.config === undefined) === (opts.resume === undefined)) {
    throw new UsageError('Give either --config FILE (a new sweep) or --resume ID (a saved one)')
  }
  const config = opts.config === undefined ? undefined : readConfig(opts.config)
  const lab = openCliLab(opts.db, { parallelRuns: opts.jobs })
  // Ctrl+C: the runs computing are marked interrupted, and the sweep can resume.
  let sweepId: number | null = null
  const stop = () => {
    lab.close()
    if (sweepId !== null)
      console.error(`\nsweep ${sweepId} interrupted; resume it with: lab sweep --resume ${sweepId}`)
    process.exit(130)
  }
  process.once('SIGINT', stop)
  try {
    let sweep: SweepDetail
    try {
      sweep =
        config === undefined
          ? await lab.service.dispatch('resumeSweep', { id: opts.resume! })
          : await lab.service.dispatch('startSweep', { config, name: opts.name })
    } catch (error) {
      if (error instanceof LabApiError && error.status === 400)
        throw new UsageError(`${opts.config ?? `sweep ${opts.resume}`}: ${error.message}`)
      throw error
    }
    sweepId = sweep.id
    const tty = process.stderr.isTTY
    let last = ''
    const show = (summary: SweepSummary) => {
      const line = sweepLine(summary)
      if (tty) process.stderr.write(`\r${line}\x1b[K`)
      // Without a terminal, a line per change of the counts, not per tick of the time left.
      else if (line.replace(/, about.*$/, '') !== last) process.stderr.write(`${line}\n`)
      last = line.replace(/, about.*$/, '')
    }
    show(sweep)
    let shownAt = 0
    lab.service.subscribe((event) => {
      if (event.type === 'sweep' && event.sweep.id === sweepId) show(event.sweep)
      // On a terminal, the share done and the time left move with the runs' progress too.
      else if (tty && event.type === 'progress' && Date.now() - shownAt > 500) {
        shownAt = Date.now()
        show(lab.service.sweeps.summary(sweep.id))
      }
    })
    const finished = await lab.service.sweeps.waitFor(sweep.id)
    if (tty) process.stderr.write('\n')
    const detail = await lab.service.dispatch('getSweep', { id: sweep.id })
    const aggregates = keyAggregates(lab.service, detail)
    if (opts.json) printJson(sweepReport(detail, aggregates))
    else printSweep(detail, aggregates)
    process.exitCode = finished.status === 'done' ? 0 : 1
  } finally {
    process.removeListener('SIGINT', stop)
    lab.close()
  }
}

export function addSweepCommand(program: Command): void {
  const command = program
    .command('sweep')
    .description(
      'run a sweep (a base config, one or two swept fields, r seeds per point) and wait for it, or resume one'
    )
    .option('--config <file>', 'sweep config (JSON); see examples/sweep-*.json')
    .option(
      '--resume <id>',
      'resume a saved sweep: run again only its points that are not done',
      integer('--resume', 1)
    )
    .option('--db <file>', 'SQLite database file')
    .option('--name <name>', 'name of the sweep')
    .option(
      '--jobs <n>',
      'how many runs compute at once (default: one per core)',
      integer('--jobs', 1, 64)
    )
    .option(
      '--json',
      'print the finished sweep, its points with their key metrics, and its run ids'
    )
  addShardedSweepOptions(command).action(runSweep)
}
