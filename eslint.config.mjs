import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'

/**
 * Which code may import what (ARCHITECTURE.md, Layout): the shared part (contract, kinds'
 * definitions, chart specs) runs in every process, so it imports neither Node nor the DOM nor
 * tfjs; a kind's computation (`run.ts`, and its parts in `compute/`) and the main-side registry
 * are for the main bundle only, and so are the fixtures of their tests (`*.fixture.ts`);
 * Vue is for the renderer only.
 */
const nodeOnly = [
  { group: ['node:*'], message: 'Node modules are for the main process (src/main) only.' },
  {
    group: ['@tensorflow/*'],
    message: 'tfjs runs in the main bundle only (src/main, src/kinds/*/run.ts).'
  },
  {
    group: ['better-sqlite3', 'electron', 'hono', '@hono/*', '@napi-rs/*'],
    message: 'Main-process packages stay out of shared code.'
  },
  { group: ['**/main/**', '@main/*'], message: 'Shared code must not import the main process.' },
  {
    group: ['**/run', '**/compute/*', '**/kinds/main', '**/kinds/runner'],
    message: "A kind's computation is for the main bundle only."
  }
]
const rendererOnly = [
  {
    group: ['vue', 'vue-router', '*.vue', '**/*.vue', '**/renderer/**', '@renderer/*'],
    message: 'Vue and the renderer stay out of shared and main code.'
  },
  { group: ['**/kinds/views'], message: "A kind's Vue parts are for the renderer only." }
]
// Browser globals that shared code must not touch.
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'fetch', 'location'].map(
  (name) => ({ name, message: 'Shared code runs in every process: no DOM.' })
)

export default defineConfigWithVueTs(
  {
    ignores: [
      'out/**',
      'build/**',
      'dist/**',
      '.cache/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**'
    ]
  },
  vue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    // A kind's parts are named by their folder: effectiveness/Results.vue.
    files: ['src/kinds/**/*.vue'],
    rules: { 'vue/multi-word-component-names': ['error', { ignores: ['Results', 'Fields'] }] }
  },
  {
    files: ['src/shared/**/*.ts', 'src/kinds/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/*.fixture.ts',
      'src/kinds/*/run.ts',
      'src/kinds/*/compute/**',
      'src/kinds/main.ts',
      'src/kinds/runner.ts',
      'src/kinds/views.ts'
    ],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeOnly, ...rendererOnly] }],
      'no-restricted-globals': ['error', ...domGlobals]
    }
  },
  {
    files: [
      'src/kinds/*/run.ts',
      'src/kinds/*/compute/**/*.ts',
      'src/kinds/main.ts',
      'src/kinds/runner.ts',
      'src/kinds/**/*.fixture.ts',
      'src/main/**/*.ts'
    ],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: rendererOnly }] }
  },
  {
    files: ['src/renderer/**/*.{ts,vue}', 'src/kinds/**/*.vue', 'src/kinds/views.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: nodeOnly.filter((p) => !p.group.includes('**/renderer/**')) }
      ]
    }
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } }
  },
  prettier
)
