/**
 * `tsx bench/compute.ts N`: N default effectiveness runs (seeds 1..N) in this one process, after
 * a warm-up run, without the service or the pool; prints the seconds they took. The pool benchmark
 * starts two of these at once to see how two bare processes scale on this machine.
 */
import { initBackend } from '../src/main/lab/backend'
import { runExperiment } from '../src/kinds/main'
import { collectingReporter } from '../src/main/lab/reporter'
import { defaultConfig } from './lib'

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 4)
  await initBackend()
  await runExperiment(defaultConfig('effectiveness'), collectingReporter())
  // Start together: wait for the parent's go.
  await new Promise((resolve) => process.stdin.once('data', resolve))
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    await runExperiment({ ...defaultConfig('effectiveness'), seed: i + 1 }, collectingReporter())
  }
  console.log(((performance.now() - start) / 1000).toFixed(3))
  process.stdin.destroy()
}

void main()
