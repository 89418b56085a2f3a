/**
 * Backend choice (ARCHITECTURE.md, Computation): tfjs-node when it loads, else the wasm backend,
 * else the plain cpu backend. The choice and the versions are recorded on every run.
 * BACKDOOR_LAB_BACKEND=tensorflow|wasm|cpu forces one (benchmarks, tests).
 */
import { createRequire } from 'node:module'
import { dirname, join, sep } from 'node:path'
import os from 'node:os'
import * as tf from '@tensorflow/tfjs-core'
import type { Environment } from '../../shared/results'

const requireHere = createRequire(import.meta.url)

export type BackendName = 'tensorflow' | 'wasm' | 'cpu'
const order: BackendName[] = ['tensorflow', 'wasm', 'cpu']

function packageVersion(name: string): string | null {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      requireHere('@tensorflow/tfjs-node')
    } else if (name === 'wasm') {
      const wasm = requireHere('@tensorflow/tfjs-backend-wasm') as {
        setWasmPaths: (prefix: string) => void
      }
      const folder = join(
        dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
        'dist'
      )
      wasm.setWasmPaths(folder + sep)
    } else {
      requireHere('@tensorflow/tfjs-backend-cpu')
    }
    const ok = await tf.setBackend(name)
    if (!ok) return `tf.setBackend('${name}') returned false`
    await tf.ready()
    return null
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return 'not installed'
    return error instanceof Error ? error.message.split('\n')[0] : String(error)
  }
}

let chosen: Environment | null = null

/** Picks and initialises the backend once per process; returns what ran and why. */
export async function initBackend(): Promise<Environment> {
  if (chosen) return chosen
  const forced = process.env.BACKDOOR_LAB_BACKEND as BackendName | undefined
  if (forced && !order.includes(forced)) {
    throw new Error(`BACKDOOR_LAB_BACKEND must be one of ${order.join(', ')} (got '${forced}')`)
  }
  const candidates = forced ? [forced] : order
  const skipped: string[] = []
  for (const name of candidates) {
    const failure = await tryBackend(name)
    if (failure === null) {
      chosen = {
        backend: name,
        backendNote: forced
          ? `forced by BACKDOOR_LAB_BACKEND=${forced}`
          : skipped.length
            ? skipped.join('; ')
            : undefined,
        versions: {
          node: process.versions.node,
          'tfjs-core': packageVersion('@tensorflow/tfjs-core') ?? 'unknown',
          [backendPackage(name)]: packageVersion(backendPackage(name)) ?? 'unknown'
        },
        platform: `${process.platform}-${process.arch}`,
        cpus: os.cpus().length
      }
      return chosen
    }
    skipped.push(
      `${backendPackage(name)} ${failure === 'not installed' ? 'is not installed' : `failed to start (${failure})`}`
    )
  }
  throw new Error(`No tfjs backend could start: ${skipped.join('; ')}`)
}

function backendPackage(name: BackendName): string {
  return name === 'tensorflow' ? '@tensorflow/tfjs-node' : `@tensorflow/tfjs-backend-${name}`
}
