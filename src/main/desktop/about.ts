/** The text of Help > About: the versions a bug report needs, and where the data live. */
import type { AppInfo } from '../../shared/api'

export interface RuntimeVersions {
  electron?: string
  chrome?: string
  node: string
}

/** One line per fact; the backend's lines come from the run process's own probe. */
export function aboutDetail(info: AppInfo, runtime: RuntimeVersions): string {
  const env = info.environment
  const lines = [
    `Backdoor Lab ${info.appVersion}`,
    `Electron ${runtime.electron ?? 'unknown'}`,
    `Chromium ${runtime.chrome ?? 'unknown'}`,
    `Node ${runtime.node} (main process)`
  ]
  if (env) {
    const backendPackage = Object.keys(env.versions).find(
      (name) => name.startsWith('@tensorflow/') && name !== '@tensorflow/tfjs-core'
    )
    lines.push(
      `tfjs-core ${env.versions['tfjs-core'] ?? 'unknown'}`,
      `Backend: ${env.backend}${backendPackage ? ` (${backendPackage} ${env.versions[backendPackage]})` : ''}`
    )
    if (env.backendNote) lines.push(`Backend note: ${env.backendNote}`)
    lines.push(`Run processes: Node ${env.versions.node ?? 'unknown'} on ${env.platform}`)
  } else {
    lines.push('tfjs and backend: unknown (the run process did not answer its probe)')
  }
  lines.push(`Runs at once: ${info.parallelRuns}`, `Database: ${info.databasePath}`)
  return lines.join('\n')
}
