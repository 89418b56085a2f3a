import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  CONTENT_SECURITY_POLICY,
  isAllowedExternalLink,
  isAppPage,
  isPermissionAllowed,
  withContentSecurityPolicy
} from './security'

const file = resolve('/opt/Backdoor Lab/resources/app/out/renderer/index.html')
const page = { file }
const own = pathToFileURL(file).href

describe('the app page', () => {
  it('is exactly the built index.html, with any hash route', () => {
    expect(isAppPage(own, page)).toBe(true)
    expect(isAppPage(`${own}#/runs/3`, page)).toBe(true)
  })

  it('is not another file of the same name, a query, another scheme, or nothing', () => {
    expect(isAppPage(pathToFileURL('/tmp/out/renderer/index.html').href, page)).toBe(false)
    expect(isAppPage(pathToFileURL(`${file}.html`).href, page)).toBe(false)
    expect(isAppPage(`${own}?x=1`, page)).toBe(false)
    expect(isAppPage(own.replace('file:///', 'file://evil.example/'), page)).toBe(false)
    expect(isAppPage('https://example.org/renderer/index.html', page)).toBe(false)
    expect(isAppPage(undefined, page)).toBe(false)
    expect(isAppPage('not a url', page)).toBe(false)
  })

  it('is the dev server origin while developing, and only that origin', () => {
    const dev = { file, devServerUrl: 'http://localhost:5173/' }
    expect(isAppPage('http://localhost:5173/#/new', dev)).toBe(true)
    expect(isAppPage('http://localhost:5174/', dev)).toBe(false)
    expect(isAppPage(own, dev)).toBe(false)
  })
})

describe('external links', () => {
  it('open only over https to an allowed host, without credentials or a port', () => {
    expect(isAllowedExternalLink('https://arxiv.org/abs/2204.06974')).toBe(true)
    for (const url of [
      'http://arxiv.org/abs/1',
      'https://arxiv.org.evil.example/',
      'https://evilarxiv.org/',
      'https://user:pw@arxiv.org/',
      'https://arxiv.org:8443/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      ''
    ]) {
      expect(isAllowedExternalLink(url), url).toBe(false)
    }
  })
})

describe('permissions', () => {
  it('grant the clipboard to the app page alone, and nothing else to anyone', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', own, page)).toBe(true)
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.org/', page)).toBe(
      false
    )
    expect(isPermissionAllowed('media', own, page)).toBe(false)
    expect(isPermissionAllowed('clipboard-read', own, page)).toBe(false)
  })
})

describe('the Content-Security-Policy header', () => {
  it('is the policy of the meta tag in index.html, so that the two never disagree', () => {
    const html = readFileSync(join(__dirname, '../../renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY)
  })

  it('replaces any policy the response carried, whatever the case of its name', () => {
    const headers = withContentSecurityPolicy({
      'content-type': ['text/html'],
      'content-security-policy': ['default-src *'],
      'CONTENT-SECURITY-POLICY': ["script-src 'unsafe-eval'"]
    })
    expect(headers).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY]
    })
  })
})
