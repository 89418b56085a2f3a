/**
 * `npx tsx bench/history.ts [count]`: how fast the runs table's queries are on a large history
 * (default 10,000 runs): one page of 100 per sort column, and the slowest filters; then the Runs
 * table's entries (runs, sweeps and seed groups paged together), on the same runs with six large
 * seed groups, and on runs of which 1,200 are in 100 sweeps and the rest in small seed groups.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { runSortColumns, type RunFilter, type RunSort } from '../src/shared/history'
import { seedHistory } from '../src/main/testing/historySeed'
import type { EntryQuery } from '../src/main/store/entries'
import { RunStore } from '../src/main/store/store'
import { SweepManager, type SweepHooks } from '../src/main/service/sweeps'

const count = Number(process.argv[2] ?? 10_000)
const dir = mkdtempSync(join(os.tmpdir(), 'lab-bench-history-'))
const file = join(dir, 'lab.db')

function ms(fn: () => unknown, repeats = 20): number {
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
  entries(reopened, 'six seed groups of ~1,700 runs, no sweep')
  reopened.close()

  const mixed = join(dir, 'mixed.db')
  t = performance.now()
  seedHistory(mixed, count, { sweeps: Math.floor(count / 100), configs: Math.floor(count / 33) })
  const store2 = RunStore.open(mixed)
  console.log(`\nseeded and opened the second history in ${(performance.now() - t).toFixed(0)} ms`)
  entries(store2, `${Math.floor(count / 100)} sweeps of 12 runs, the rest in small seed groups`)
  store2.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}

/** One page of 50 entries per sort, as the Runs table asks, with the sweeps summarised. */
function entries(store: RunStore, label: string): void {
  console.log(`\nentries (${label}):`)
  const sweeps = new SweepManager({ store } as unknown as SweepHooks)
  const run = (query: EntryQuery) => () =>
    store.entries.query({ limit: 50, ...query }, (ids) => sweeps.list({ ids }))
  const first = store.entries.query({ limit: 50, groupSeeds: true }, (ids) => sweeps.list({ ids }))
  console.log(`  ${first.total} entries grouped by seed, ${first.runs} runs`)
  for (const groupSeeds of [false, true]) {
    for (const column of ['createdAt', 'name', 'status', 'duration', 'key'] as const) {
      const sort: RunSort = { column, direction: 'desc' }
      const top = ms(run({ sort, groupSeeds }), 10)
      const deep = ms(run({ sort, groupSeeds, offset: Math.max(0, first.total - 50) }), 10)
      console.log(
        `  ${groupSeeds ? 'seed groups' : 'runs       '} by ${column.padEnd(9)}: first page ${top.toFixed(2)} ms, a deep page ${deep.toFixed(2)} ms`
      )
    }
  }
  const text = ms(run({ filter: { text: 'needle' }, groupSeeds: true }), 10)
  console.log(`  seed groups, text "needle"       : ${text.toFixed(2)} ms`)
  const sweep = ms(run({ filter: { sweepId: 1 }, groupSeeds: true, limit: 500 }), 10)
  console.log(`  a sweep's runs by point (grouped): ${sweep.toFixed(2)} ms`)
}
