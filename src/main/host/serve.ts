/** Starts the headless host: the built renderer and the LabApi on 127.0.0.1. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createHttpApp, createToken, listen } from './http'
import { openLab } from './lab'
import { workerEntry } from './paths'

export interface ServeOptions {
  port: number
  dbPath: string
  /** The folder holding the built `host.js`/`worker.js` (out/main) or the host sources. */
  bundleDir: string
  rendererDir: string
  hostNote?: string
}

export async function serveHeadless(options: ServeOptions): Promise<void> {
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new Error(
      `The renderer is not built (${options.rendererDir} has no index.html): run 'npm run build' first`
    )
  }
  const lab = openLab({
    dbPath: options.dbPath,
    host: 'headless',
    hostNote: options.hostNote,
    worker: workerEntry(options.bundleDir),
    resumeSweeps: true
  })
  const token = createToken()
  const app = createHttpApp(lab.service, { token, rendererDir: options.rendererDir })
  const host = await listen(app, options.port, token)
  if (options.hostNote) console.log(options.hostNote)
  console.log(`Backdoor Lab is running at ${host.url}`)
  console.log(`Database: ${options.dbPath}`)
  console.log(
    'Open the address above in a browser (it carries the access token). Ctrl+C stops the host.'
  )
  const stop = () => {
    lab.close()
    void host.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
