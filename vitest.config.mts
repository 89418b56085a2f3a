import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

const alias = {
  '@shared': resolve(import.meta.dirname, 'src/shared'),
  '@renderer': resolve(import.meta.dirname, 'src/renderer/src'),
  '@kinds': resolve(import.meta.dirname, 'src/kinds')
}

// Two projects: the main process, the lab and the shared code run in Node; the renderer's Vue
// components mount in jsdom. Playwright's e2e/*.spec.ts are not Vitest's.
export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          environment: 'node',
          include: ['src/**/*.test.ts'],
          exclude: ['src/renderer/**']
        }
      },
      {
        extends: true,
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.ts']
        }
      }
    ]
  }
})
