/** Entry of the built headless host (`out/main/host.js`), started by `npm start` without Electron. */
import { resolve } from 'node:path'
import { Command } from 'commander'
import { databasePath } from './paths'
import { serveHeadless } from './serve'

const program = new Command('backdoor-lab-host')
  .description('Serve Backdoor Lab in a browser on 127.0.0.1')
  .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', '0')
  .option('--db <file>', 'SQLite database file (default: BACKDOOR_LAB_DB or the app data folder)')
  .action(async (opts: { port: string; db?: string }) => {
    const port = Number(opts.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`--port must be an integer from 0 to 65535 (got '${opts.port}')`)
    }
    await serveHeadless({
      port,
      dbPath: databasePath(opts.db),
      bundleDir: __dirname,
      rendererDir: resolve(__dirname, '../renderer'),
      hostNote: process.env.BACKDOOR_LAB_HOST_NOTE
    })
  })

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
