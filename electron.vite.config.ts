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
  preload: {
    resolve: { alias },
    build: {
      rolldownOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } }
    }
  },
  renderer: {
    resolve: { alias },
    plugins: [vue()]
  }
})
