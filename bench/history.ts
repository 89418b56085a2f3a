/**
 * `npx tsx bench/history.ts [count]`: how fast the runs table's queries are on a large history
 * (default 10,000 runs): one page of 100 per sort column, and the slowest filters.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { runSortColumns, type RunFilter, type RunSort } from '../src/shared/history'
import { seedHistory } from '../src/main/testing/historySeed'
import { RunStore } from '../src/main/store/store'

const count = Number(process.argv[2] ?? 10_000)
const dir = mkdtempSync(join(os.tmpdir(), 'lab-bench-history-'))
const file = join(dir, 'lab.db')

function ms(fn: () => void, repeats = 20): number {
  fn()
  const start = performance.now()
  for (let i = 0; i < repeats; i++) fn()
  return (performance.now() - start) / repeats
}

try {
  let t = performance.now()
  seedHistory(file, count)
  console.log(`seeded ${count} runs in ${(performance.now() - t).toFixed(0)} ms`)
  t = performance.now()
  const store = RunStore.open(file)
  console.log(
    `first open (fills key metric, data set, search text): ${(performance.now() - t).toFixed(0)} ms`
  )
  t = performance.now()
  store.close()
  const reopened = RunStore.open(file)
  console.log(`open again: ${(performance.now() - t).toFixed(1)} ms`)

  const page =
    (sort: RunSort, filter: RunFilter = {}, offset = 0) =>
    () =>
      reopened.history.query({ sort, filter, offset, limit: 100 })
  for (const column of runSortColumns) {
    for (const direction of ['asc', 'desc'] as const) {
      const first = ms(page({ column, direction }))
      const deep = ms(page({ column, direction }, {}, count - 100))
      console.log(
        `sort ${column.padEnd(9)} ${direction.padEnd(4)}: first page ${first.toFixed(2)} ms, last page ${deep.toFixed(2)} ms`
      )
    }
  }
  const byDate: RunSort = { column: 'createdAt', direction: 'desc' }
  const filters: [string, RunFilter][] = [
    ['text "needle" (notes)', { text: 'needle' }],
    ['text "m=2000" (config)', { text: 'm=2000' }],
    ['text, no match', { text: 'nothing matches this' }],
    ['tag paper', { tags: ['paper'] }],
    ['kind + status + tag', { kinds: ['finetune'], statuses: ['done'], tags: ['paper'] }],
    ['date range', { createdFrom: '2025-01-10', createdTo: '2025-02-10' }]
  ]
  for (const [label, filter] of filters) {
    console.log(`filter ${label.padEnd(24)}: ${ms(page(byDate, filter)).toFixed(2)} ms`)
  }
  reopened.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
