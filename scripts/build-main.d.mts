/** Types of build-main.mjs, for the TypeScript that imports it (the benchmark). */
export const root: string
/** Why out/main must be built, or null when it is up to date. */
export function staleReason(): string | null
/** Builds out/main if it is missing or stale; says so on stderr. Returns whether it built. */
export function ensureMainBuilt(): Promise<boolean>
/** Builds the main-process bundles into out/main, or into `outDir` (a test's own folder). */
export function buildMain(outDir?: string): Promise<void>
