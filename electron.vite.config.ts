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
      externalizeDeps: { include: optional },
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          host: resolve(__dirname, 'src/main/host/headless.ts'),
          worker: resolve(__dirname, 'src/main/service/worker.ts')
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
