/**
 * The command-line host: `npm run lab -- <command>`. Runs experiments with no UI against the same
 * database and service as the app.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { LabApiError } from '../../shared/api'
import { durationSeconds, runReport, type RunSummary } from '../../shared/results'
import { openLab } from './lab'
import { databasePath, workerEntry } from './paths'
import { serveHeadless } from './serve'

/** Bad input from the user: exit code 2 and the message alone. */
class UsageError extends Error {}

function readConfig(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`Cannot read --config ${file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`--config ${file} is not valid JSON: ${(error as Error).message}`)
  }
}

function integer(name: string) {
  return (value: string) => {
    const n = Number(value)
    if (!Number.isInteger(n))
      throw new InvalidArgumentError(`${name} must be a whole number (got '${value}')`)
    return n
  }
}

function openCliLab(db?: string) {
  return openLab({ dbPath: databasePath(db), host: 'cli', worker: workerEntry(__dirname) })
}

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
      const config = readConfig(opts.config) as Record<string, unknown>
      if (opts.seed !== undefined) config.seed = opts.seed
      const lab = openCliLab(opts.db)
      try {
        let run: RunSummary
        try {
          run = lab.service.startRun(config, opts.name)
        } catch (error) {
          throw new UsageError(`${opts.config}: ${(error as Error).message}`)
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
        const detail = lab.service.getRun(run.id)
        if (opts.json) process.stdout.write(JSON.stringify(runReport(detail), null, 2) + '\n')
        else {
          const seconds = durationSeconds(finished)
          console.log(
            `run ${finished.id} ${finished.status}${seconds === null ? '' : ` in ${seconds.toFixed(1)} s`} on ${finished.backend ?? '?'}: ${finished.name}`
          )
          if (finished.error) console.log(finished.error)
        }
        process.exitCode = finished.status === 'done' ? 0 : 1
      } finally {
        lab.close()
      }
    }
  )

program
  .command('list')
  .description('list saved runs, newest first')
  .option('--db <file>', 'SQLite database file')
  .option('--json', 'print JSON')
  .action((opts: { db?: string; json?: boolean }) => {
    const lab = openCliLab(opts.db)
    try {
      const runs = lab.service.store.listRuns()
      if (opts.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n')
      else if (runs.length === 0) console.log('No runs yet.')
      else
        for (const r of runs) {
          console.log(
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
  .action((id: number, opts: { db?: string; json?: boolean }) => {
    const lab = openCliLab(opts.db)
    try {
      const report = runReport(lab.service.getRun(id))
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n')
      else {
        console.log(`${report.id} ${report.status} ${report.kind}: ${report.name}`)
        for (const [model, metrics] of Object.entries(report.metrics)) {
          for (const [name, m] of Object.entries(metrics)) {
            if (!('value' in m)) continue
            const ci =
              m.lower != null && m.upper != null
                ? ` [${m.lower.toFixed(3)}, ${m.upper.toFixed(3)}]`
                : ''
            console.log(
              `  ${model}.${name} = ${m.value === null ? '-' : Number(m.value).toFixed(4)}${ci}`
            )
          }
        }
      }
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
      rendererDir: resolve(__dirname, '../../../out/renderer')
    })
  })

program.parseAsync().catch((error: unknown) => {
  const usage =
    error instanceof UsageError || (error instanceof LabApiError && error.status === 400)
  console.error(`lab: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(usage ? 2 : 1)
})
