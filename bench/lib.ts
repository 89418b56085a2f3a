/** Shared pieces of the whole-process benchmark: configs, statistics, running measured commands. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { effectivenessConfigSchema } from '../src/kinds/effectiveness/config'
import { finetuneConfigSchema } from '../src/kinds/finetune/config'
import type { ExperimentConfig } from '../src/kinds/registry'
import { universalityConfigSchema } from '../src/kinds/universality/config'

export const root = resolve(__dirname, '..')
export const KINDS = ['effectiveness', 'finetune', 'universality'] as const
export type Kind = (typeof KINDS)[number]

/** The default config of each kind, as the form starts it. */
export function defaultConfig(kind: Kind): ExperimentConfig {
  if (kind === 'effectiveness') return effectivenessConfigSchema.parse({ kind })
  if (kind === 'finetune') return finetuneConfigSchema.parse({ kind })
  return universalityConfigSchema.parse({ kind })
}

export function describe(kind: Kind, config = defaultConfig(kind)): string {
  if (config.kind === 'effectiveness') {
    return `d=${config.d}, m=${config.m}, ${config.lambdas.steps} lambdas, n=nTest=${config.n}`
  }
  if (config.kind === 'finetune') {
    const t = config.train
    return `m=${config.m}, ${t.epochs} epochs of ${t.optimizer}, batch ${t.batchSize}, both models`
  }
  if (config.kind !== 'universality') return `${config.kind}, m=${config.m}`
  const L = config.dataset.kind === 'mixture' ? config.dataset.L : '?'
  return `L=${L}, m=${config.m}, ${config.probes} probes, ${config.randomHeads} random heads`
}

export const scratch = mkdtempSync(join(os.tmpdir(), 'lab-bench-'))

/** Writes `config` to a file in the scratch folder and returns its path. */
export function configFile(name: string, config: ExperimentConfig): string {
  const file = join(scratch, `${name}.json`)
  writeFileSync(file, JSON.stringify(config))
  return file
}

let fresh = 0
export function freshDatabase(): string {
  return join(scratch, `run-${++fresh}.db`)
}

export interface Cost {
  wall: number
  cpu: number
  /** The largest single process (bytes). */
  maxRss: number
  /** The largest sum over the process tree, when sampled (bytes). */
  peakRss: number | null
}

/** Runs `command` through bench/measure.py: wall and CPU of the whole process tree. */
export function measure(
  command: string[],
  options: { env?: NodeJS.ProcessEnv; sampleRss?: boolean } = {}
): Cost {
  const args = [join(root, 'bench', 'measure.py'), ...(options.sampleRss ? ['--sample-rss'] : [])]
  const result = spawnSync('python3', [...args, '--', ...command], {
    cwd: root,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024
  })
  if (result.status !== 0) throw new Error(`measure.py failed: ${result.stderr}`)
  const cost = JSON.parse(result.stdout) as {
    code: number
    wall: number
    cpu: number
    max_rss: number
    peak_rss: number | null
  }
  if (cost.code !== 0) {
    throw new Error(`${command.join(' ')} exited with code ${cost.code}: ${result.stderr}`)
  }
  return { wall: cost.wall, cpu: cost.cpu, maxRss: cost.max_rss, peakRss: cost.peak_rss }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The q-quantile (0..1) by the nearest-rank rule. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

export const mb = (bytes: number | null): string =>
  bytes == null ? '-' : `${Math.round(bytes / 1024 ** 2)} MB`
export const s = (seconds: number, digits = 2): string => `${seconds.toFixed(digits)} s`

/** Prints rows as a Markdown table. */
export function table(header: string[], rows: (string | number)[][]): void {
  console.log(`| ${header.join(' | ')} |`)
  console.log(`|${header.map(() => ' --- ').join('|')}|`)
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
}

/** The environment for the numpy side: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. */
export function numpyEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.OPENBLAS_CORETYPE
  delete env.OPENBLAS_L2_SIZE
  return env
}

/** The backends to measure: wasm always, tensorflow where @tensorflow/tfjs-node loads. */
export function backends(): { name: string; note?: string }[] {
  const probe = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], {
    cwd: root,
    encoding: 'utf8'
  })
  const tensorflow =
    probe.status === 0
      ? { name: 'tensorflow' }
      : {
          name: 'tensorflow',
          note: /Cannot find module '@tensorflow\/tfjs-node'/.test(probe.stderr)
            ? '@tensorflow/tfjs-node is not installed here'
            : `@tensorflow/tfjs-node does not load here: ${probe.stderr.trim().split('\n')[0]}`
        }
  return [{ name: 'wasm' }, tensorflow]
}

export function withBackend(backend: string, env: NodeJS.ProcessEnv = process.env) {
  return { ...env, BACKDOOR_LAB_BACKEND: backend }
}
