// `npm test`: typecheck, lint, unit and science tests (Vitest), then the built app end to end in
// a real browser (Playwright). Stops at the first failing stage; ends with one summary line.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// Outside test-results/, which Playwright empties when it starts.
const results = join(root, '.cache', 'test-summary')
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })
const vitestJson = join(results, 'vitest.json')
const playwrightJson = join(results, 'playwright.json')

const stages = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  [
    'unit',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]
  ],
  ['build', 'npx', ['electron-vite', 'build']],
  [
    'e2e',
    'npx',
    ['playwright', 'test', '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson }
  ]
]

function counts() {
  let passed = 0
  let failed = 0
  let skipped = 0
  if (existsSync(vitestJson)) {
    const v = JSON.parse(readFileSync(vitestJson, 'utf8'))
    passed += v.numPassedTests
    failed += v.numFailedTests
    skipped += v.numPendingTests + (v.numTodoTests ?? 0)
  }
  if (existsSync(playwrightJson)) {
    const p = JSON.parse(readFileSync(playwrightJson, 'utf8')).stats
    passed += p.expected + p.flaky
    failed += p.unexpected
    skipped += p.skipped
  }
  return { passed, failed, skipped }
}

let failedStage = null
for (const [name, command, args, env = {}] of stages) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env }
  })
  if (result.status !== 0) {
    failedStage = name
    break
  }
}
const { passed, failed, skipped } = counts()
if (failedStage) console.log(`\nnpm test stopped: the ${failedStage} stage failed.`)
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failedStage ? 1 : 0)
