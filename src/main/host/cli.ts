/**
 * The command-line host: `npm run lab -- <command>`. Runs experiments with no UI against the same
 * database and service as the app.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, resolve } from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import { formatBytes, LabApiError } from '../../shared/api'
import { FIGURE_WIDTH, MAX_BUNDLE_BYTES } from '../../shared/apiExport'
import { durationSeconds, runReport, type RunSummary } from '../../shared/results'
import { availableCharts } from '../../kinds/charts'
import { exportFormats, type ExportFormat } from '../export/chart'
import { integer, openCliLab, readConfig, readText, UsageError } from './cliCommon'
import { addShardCommands } from './cliShards'
import { addSweepCommand } from './cliSweep'
import { databasePath, rendererDir } from './paths'
import { serveHeadless } from './serve'
import { exitQuietlyOnClosedPipe, printable, printJson, say } from './terminal'

exitQuietlyOnClosedPipe()

function progressLine(
  run: RunSummary | undefined,
  phase: string,
  step: number,
  total: number,
  eta: number | null
) {
  const pct = Math.round((100 * step) / total)
  const etaText = eta === null ? '' : `, about ${Math.ceil(eta)} s left`
  return `run ${run?.id ?? ''}: ${phase} ${step}/${total} (${pct}%${etaText})`
}

const program = new Command('lab')
  .description('Backdoor Lab from the terminal: run experiments and read saved runs')
  .showHelpAfterError()
  // A bad option or argument is bad input like any other: exit code 2 (help and --version 0).
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))

program
  .command('run')
  .description('run one experiment config and wait for it to finish')
  .requiredOption('--config <file>', 'experiment config (JSON); see examples/')
  .option('--db <file>', 'SQLite database file (default: BACKDOOR_LAB_DB or the app data folder)')
  .option('--name <name>', 'name of the run')
  .option('--seed <n>', 'override the config seed', integer('--seed'))
  .option('--json', 'print the finished run as JSON on stdout')
  .action(
    async (opts: { config: string; db?: string; name?: string; seed?: number; json?: boolean }) => {
      const config = readConfig(opts.config)
      if (opts.seed !== undefined && config && typeof config === 'object')
        (config as Record<string, unknown>).seed = opts.seed
      const lab = openCliLab(opts.db)
      try {
        let run: RunSummary
        try {
          // The same validation as every host: the contract's schema, then the config's.
          run = await lab.service.dispatch('startRun', { config, name: opts.name })
        } catch (error) {
          if (error instanceof LabApiError && error.status === 400)
            throw new UsageError(`${opts.config}: ${error.message}`)
          throw error
        }
        const tty = process.stderr.isTTY
        lab.service.subscribe((event) => {
          if (event.type !== 'progress' || event.runId !== run.id) return
          const { phase, step, total, etaSeconds } = event.progress
          const line = progressLine(run, phase, step, total, etaSeconds)
          process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
        })
        const finished = await lab.service.waitForRun(run.id)
        if (tty) process.stderr.write('\n')
        const detail = await lab.service.dispatch('getRun', { id: run.id })
        if (opts.json) printJson(runReport(detail))
        else {
          const seconds = durationSeconds(finished)
          say(
            `run ${finished.id} ${finished.status}${seconds === null ? '' : ` in ${seconds.toFixed(1)} s`} on ${finished.backend ?? '?'}: ${finished.name}`
          )
        }
        if (finished.error) console.error(printable(finished.error))
        process.exitCode = finished.status === 'done' ? 0 : 1
      } finally {
        lab.close()
      }
    }
  )

addSweepCommand(program)
addShardCommands(program)

program
  .command('list')
  .description('list saved runs, newest first')
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print JSON')
  .action(async (opts: { db?: string; json?: boolean }) => {
    const lab = openCliLab(opts.db)
    try {
      const runs = await lab.service.dispatch('listRuns', {})
      if (opts.json) printJson(runs)
      else if (runs.length === 0) console.log('No runs yet.')
      else
        for (const r of runs) {
          say(
            `${String(r.id).padStart(5)}  ${r.status.padEnd(11)} ${r.kind.padEnd(14)} ${r.createdAt}  ${r.name}`
          )
        }
    } finally {
      lab.close()
    }
  })

program
  .command('show')
  .description('print one saved run')
  .argument('<id>', 'run id', integer('id'))
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print JSON (the same shape as run --json)')
  .action(async (id: number, opts: { db?: string; json?: boolean }) => {
    const lab = openCliLab(opts.db)
    try {
      const report = runReport(await lab.service.dispatch('getRun', { id }))
      if (opts.json) printJson(report)
      else {
        say(`${report.id} ${report.status} ${report.kind}: ${report.name}`)
        for (const [model, metrics] of Object.entries(report.metrics)) {
          for (const [name, m] of Object.entries(metrics)) {
            if (!('value' in m)) continue
            const ci =
              m.lower != null && m.upper != null
                ? ` [${m.lower.toFixed(3)}, ${m.upper.toFixed(3)}]`
                : ''
            say(`  ${model}.${name} = ${m.value === null ? '-' : Number(m.value).toFixed(4)}${ci}`)
          }
        }
      }
    } finally {
      lab.close()
    }
  })

function runIdList(value: string): number[] {
  const ids = value.split(',').map((part) => Number(part.trim()))
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || id < 1)) {
    throw new InvalidArgumentError(`--run takes run ids separated by commas (got '${value}')`)
  }
  return ids
}

function figureWidth(value: string): number {
  const inches = Number(value)
  if (!Number.isFinite(inches) || inches < FIGURE_WIDTH.min || inches > FIGURE_WIDTH.max)
    throw new InvalidArgumentError(
      `--width must be ${FIGURE_WIDTH.min} to ${FIGURE_WIDTH.max} inches (got '${value}')`
    )
  return inches
}

function dpiOption(value: string): number {
  if (value !== '300' && value !== '600')
    throw new InvalidArgumentError(`--dpi must be 300 or 600 (got '${value}')`)
  return Number(value)
}

/** Writes `data` to `file`, creating its folder; a failure is the user's to fix (exit 2). */
function writeOut(file: string, data: string | Buffer): string {
  const path = resolve(file)
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, data)
  } catch (error) {
    throw new UsageError(`Cannot write ${file}: ${(error as Error).message}`)
  }
  return path
}

program
  .command('charts')
  .description('list the charts of a run, by the names `export --chart` takes')
  .requiredOption('--run <id>', 'run id', integer('--run'))
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print JSON')
  .action(async (opts: { run: number; db?: string; json?: boolean }) => {
    const lab = openCliLab(opts.db)
    try {
      const run = await lab.service.dispatch('getRun', { id: opts.run })
      const charts = availableCharts(run).map(({ name, title }) => ({ name, title }))
      if (opts.json) printJson(charts)
      else if (charts.length === 0)
        console.log(`Run ${run.id} (${run.kind}) has no charts to export.`)
      else for (const c of charts) console.log(`${c.name.padEnd(18)} ${c.title}`)
    } finally {
      lab.close()
    }
  })

program
  .command('export')
  .description(
    'export a chart of a run as a figure (png, svg, pdf; paper style), as LaTeX (tex: a pgfplots axis for \\input) or its plotted numbers (csv, json)'
  )
  .requiredOption(
    '--run <ids>',
    'run id; several, separated by commas, overlay the runs as Compare does',
    runIdList
  )
  .requiredOption('--chart <name>', 'chart name (see `charts --run ID`)')
  .addOption(
    new Option('--format <format>', 'file format (default: from the extension of --out)').choices(
      exportFormats
    )
  )
  .option('--out <file>', 'file to write (default: run-ID-CHART.FORMAT in this folder)')
  .option(
    '--width <inches>',
    'figure width (png, svg, pdf, tex): 3.25 a column, 6.75 a page',
    figureWidth,
    3.25
  )
  .option('--dpi <n>', 'PNG resolution: 300 or 600', dpiOption, 300)
  .option(
    '--by-seed-group',
    'draw each seed group of the runs as its mean with the t-interval over its seeds'
  )
  .option('--db <file>', 'SQLite database file')
  .action(
    async (opts: {
      run: number[]
      chart: string
      format?: ExportFormat
      out?: string
      width: number
      dpi: number
      bySeedGroup?: boolean
      db?: string
    }) => {
      const extension = opts.out ? extname(opts.out).slice(1).toLowerCase() : ''
      const format =
        opts.format ?? (exportFormats as readonly string[]).find((f) => f === extension)
      if (!format) {
        throw new UsageError(
          `Say which format to write: --format ${exportFormats.join('|')}, or an --out file ending in one of them`
        )
      }
      const lab = openCliLab(opts.db)
      try {
        const started = performance.now()
        const file = await lab.service.dispatch('exportChart', {
          runIds: opts.run,
          chart: opts.chart,
          format: format as ExportFormat,
          widthInches: opts.width,
          dpi: opts.dpi as 300 | 600,
          grouped: opts.bySeedGroup ?? false
        })
        const path = writeOut(opts.out ?? file.fileName, Buffer.from(file.base64, 'base64'))
        const ms = Math.round(performance.now() - started)
        say(`wrote ${path} (${file.mimeType}, ${ms} ms)`)
      } finally {
        lab.close()
      }
    }
  )

program
  .command('export-bundle')
  .description(
    'export finished runs as one JSON bundle (config, environment, metrics, series, notes)'
  )
  .requiredOption('--run <ids>', 'run ids, separated by commas', runIdList)
  .option('--out <file>', 'file to write (default: run-ID.lab.json in this folder)')
  .option('--db <file>', 'SQLite database file')
  .action(async (opts: { run: number[]; out?: string; db?: string }) => {
    const lab = openCliLab(opts.db)
    try {
      const bundle = await lab.service.dispatch('exportBundle', { ids: opts.run })
      const path = writeOut(opts.out ?? bundle.fileName, bundle.json)
      say(`wrote ${path} (${opts.run.length === 1 ? 'run' : 'runs'} ${opts.run.join(', ')})`)
    } finally {
      lab.close()
    }
  })

program
  .command('import-bundle')
  .description(
    'import the runs of a bundle under new ids; a changed or malformed bundle changes nothing'
  )
  .requiredOption('--in <file>', 'bundle file (JSON) written by export-bundle or the app')
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print the imported runs as JSON')
  .action(async (opts: { in: string; db?: string; json?: boolean }) => {
    // The same limit as the app's: from the file's size, before reading any of it.
    let size: number
    try {
      size = statSync(opts.in).size
    } catch (error) {
      throw new UsageError(`Cannot read --in ${opts.in}: ${(error as Error).message}`)
    }
    if (size > MAX_BUNDLE_BYTES) {
      throw new UsageError(
        `--in ${opts.in} is ${formatBytes(size)}; the lab imports bundles of at most ${formatBytes(MAX_BUNDLE_BYTES)}`
      )
    }
    const json = readText(opts.in, '--in')
    const lab = openCliLab(opts.db)
    try {
      const { imported } = await lab.service.dispatch('importBundle', { json }).catch((error) => {
        if (error instanceof LabApiError && error.status === 400)
          throw new UsageError(`--in ${opts.in}: ${error.message}`)
        throw error
      })
      if (opts.json) printJson(imported)
      else for (const r of imported) say(`imported run ${r.id} (${r.status}): ${r.name}`)
    } finally {
      lab.close()
    }
  })

program
  .command('import-csv')
  .description(
    'import a CSV file (numeric columns, one label column) as a data set for fine-tuning and universality configs'
  )
  .requiredOption('--in <file>', 'CSV file with a header row')
  .option('--name <name>', 'name in the lab (default: the file name)')
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print the data set as JSON')
  .action(async (opts: { in: string; name?: string; db?: string; json?: boolean }) => {
    const content = readText(opts.in, '--in')
    const lab = openCliLab(opts.db)
    try {
      const dataset = await lab.service.dispatch('importDataset', {
        name: opts.name ?? basename(opts.in),
        content
      })
      if (opts.json) printJson(dataset)
      else {
        say(
          `imported data set ${dataset.id}: ${dataset.name} (${dataset.rows} rows, ${dataset.columns.length} columns)`
        )
        const labels = dataset.labelCandidates.map((c) => c.column)
        say(
          labels.length > 0
            ? `label columns: ${labels.join(', ')}; use "dataset": { "kind": "csv", "datasetId": ${dataset.id}, "labelColumn": "${labels[0]}", ... } in a config`
            : 'no column can be the label (each needs 2 to 100 distinct values, the others numeric)'
        )
      }
    } finally {
      lab.close()
    }
  })

program
  .command('datasets')
  .description('list the imported CSV data sets')
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print JSON')
  .action(async (opts: { db?: string; json?: boolean }) => {
    const lab = openCliLab(opts.db)
    try {
      const datasets = await lab.service.dispatch('listDatasets', {})
      if (opts.json) printJson(datasets)
      else if (datasets.length === 0) console.log('No data sets imported.')
      else
        for (const d of datasets)
          say(
            `${String(d.id).padStart(4)}  ${d.name}  ${d.rows} rows × ${d.columns.length} columns  label: ${d.labelCandidates.map((c) => c.column).join(', ') || '—'}`
          )
    } finally {
      lab.close()
    }
  })

program
  .command('serve')
  .description('serve the app in a browser on 127.0.0.1 (needs `npm run build` first)')
  .option('--port <port>', 'port (0 picks a free one)', integer('--port'), 0)
  .option('--db <file>', 'SQLite database file')
  .action(async (opts: { port: number; db?: string }) => {
    await serveHeadless({
      port: opts.port,
      dbPath: databasePath(opts.db),
      bundleDir: __dirname,
      rendererDir: rendererDir(__dirname)
    })
  })

program.parseAsync().catch((error: unknown) => {
  const usage =
    error instanceof UsageError || (error instanceof LabApiError && error.status === 400)
  console.error(printable(`lab: ${error instanceof Error ? error.message : String(error)}`))
  process.exit(usage ? 2 : 1)
})
