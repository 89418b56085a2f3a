/**
 * The session's guards: every permission refused but those the app's own page needs (asked or
 * merely checked), and the Content-Security-Policy sent as a response header for the app's
 * pages, on top of the meta tag in index.html.
 */
import type { Session } from 'electron'
import { isAppPage, isPermissionAllowed, withContentSecurityPolicy, type AppPage } from './security'

export function guardSession(session: Session, page: AppPage): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionAllowed(permission, details.requestingUrl, page))
  )
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? contents?.getURL(), page)
  )
  session.webRequest.onHeadersReceived((details, callback) => {
    if (isAppPage(details.url, page)) {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) })
    } else callback({})
  })
}
