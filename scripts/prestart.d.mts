/** Types of prestart.mjs, for the TypeScript that imports it (its tests). */
export const KINDS_WITH_HELP: readonly string[]
export function workersFor(args: string[], env?: NodeJS.ProcessEnv): number
export function prestartWorker(workerPath: string): void
