/**
 * The desktop window's security rules as plain functions (no Electron at run time, so tests
 * import them directly): which page is the app's own, which links may open in the user's
 * browser, which permissions the page gets, and the Content-Security-Policy header.
 */
import { fileURLToPath } from 'node:url'

/** The same policy as the meta tag in src/renderer/index.html (security.test.ts compares them). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"

/** Hosts the app links to (Help menu); any other link stays closed. */
export const EXTERNAL_HOSTS: readonly string[] = ['arxiv.org']

/** Permissions the app's own page may use: writing text to the clipboard (Copy caption). */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write']

/** Where the app's page comes from: the built index.html, or the dev server while developing. */
export interface AppPage {
  file: string
  devServerUrl?: string
}

function parse(url: string | undefined): URL | null {
  if (!url) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * Whether `url` is the app's own page: exactly the built index.html (with any hash route, no
 * query), or a page of the dev server's origin when one is in use. Not a suffix match: another
 * file named index.html elsewhere on disk is not the app.
 */
export function isAppPage(url: string | undefined, page: AppPage): boolean {
  const parsed = parse(url)
  if (!parsed) return false
  if (page.devServerUrl) {
    const dev = parse(page.devServerUrl)
    return dev !== null && parsed.origin === dev.origin
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '' || parsed.search !== '') return false
  let path: string
  try {
    path = fileURLToPath(parsed)
  } catch {
    return false
  }
  return process.platform === 'win32'
    ? path.toLowerCase() === page.file.toLowerCase()
    : path === page.file
}

/** Whether a link may open in the user's browser: https, an allowed host, no credentials. */
export function isAllowedExternalLink(url: string): boolean {
  const parsed = parse(url)
  if (!parsed || parsed.protocol !== 'https:') return false
  if (parsed.username || parsed.password || parsed.port) return false
  return EXTERNAL_HOSTS.includes(parsed.hostname)
}

/** Whether the page at `url` may use `permission`. */
export function isPermissionAllowed(
  permission: string,
  url: string | undefined,
  page: AppPage
): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && isAppPage(url, page)
}

/** Response headers with the app's CSP in place of any the response carried. */
export function withContentSecurityPolicy(
  headers: Record<string, string[] | string> | undefined
): Record<string, string[] | string> {
  const kept = Object.entries(headers ?? {}).filter(
    ([name]) => name.toLowerCase() !== 'content-security-policy'
  )
  return { ...Object.fromEntries(kept), 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] }
}
