import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { problemNotFound } from '../http/problem.ts'
import { IMMUTABLE, REVALIDATE, webRoutes } from './web.ts'

let base: string
let dist: string
const INDEX =
  '<!doctype html><title>Zapcade</title><script type="module" src="/assets/index-abc123.js"></script>'
const BIG_JS = `export const x = ${JSON.stringify('a'.repeat(5000))};\n`

function makeApp(): Hono {
  const app = new Hono()
  app.notFound(problemNotFound)
  app.get('/api/v1/info', (c) => c.json({ ok: true }))
  app.route('/', webRoutes({ distDir: dist }))
  // Registered after the storefront, as createApp registers /openapi.json: still reachable.
  app.get('/openapi.json', (c) => c.json({ openapi: '3.1.0' }))
  return app
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'zapcade-web-'))
  dist = join(base, 'dist')
  mkdirSync(join(dist, 'assets'), { recursive: true })
  writeFileSync(join(base, 'outside.txt'), 'OUTSIDE-SECRET')
  writeFileSync(join(dist, 'index.html'), INDEX)
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), BIG_JS)
  writeFileSync(join(dist, 'assets', 'index-def456.css'), 'body{color:red}')
  writeFileSync(join(dist, 'robots.txt'), 'User-agent: *\n')
  writeFileSync(join(dist, '.secret'), 'no')
})
afterEach(() => rmSync(base, { recursive: true, force: true }))

describe('storefront static files', () => {
  it('serves hashed assets as immutable for a year with their content type', async () => {
    const js = await makeApp().request('/assets/index-abc123.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toBe(IMMUTABLE)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe(BIG_JS)
    const css = await makeApp().request('/assets/index-def456.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toBe(IMMUTABLE)
  })

  it('serves index.html at / with no-cache, a script-only-from-self CSP and nosniff', async () => {
    const res = await makeApp().request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe(REVALIDATE)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-eval')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toBe(INDEX)
  })

  it('answers index.html for deep links that are not API paths (SPA fallback)', async () => {
    for (const path of [
      '/game/abc/def',
      '/game/abc/com.Example.App',
      '/library',
      '/signin?next=%2F',
    ]) {
      const res = await makeApp().request(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('cache-control'), path).toBe(REVALIDATE)
      expect(await res.text(), path).toBe(INDEX)
    }
  })

  it('never answers HTML for unknown API paths, missing assets or other file names: they are problem 404s', async () => {
    for (const path of [
      '/api/v1/nope',
      '/api',
      '/.well-known/lnurlp/x',
      '/assets/index-gone999.js',
      '/favicon.ico',
      '/metrics',
    ]) {
      const res = await makeApp().request(path)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type'), path).toBe('application/problem+json')
    }
  })

  it('lets API routes win whether they were mounted before or after the storefront', async () => {
    expect(await (await makeApp().request('/api/v1/info')).json()).toEqual({ ok: true })
    expect(await (await makeApp().request('/openapi.json')).json()).toEqual({ openapi: '3.1.0' })
  })

  it('never serves a file outside dist or a dotfile, however the path is encoded', async () => {
    for (const path of [
      '/..%2foutside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/%2e%2e/outside.txt',
      '/..%5coutside.txt',
      '/.secret',
    ]) {
      const res = await makeApp().request(path)
      expect(res.status, path).toBe(404)
      const body = await res.text()
      expect(body, path).not.toContain('OUTSIDE-SECRET')
      expect(body, path).not.toBe('no')
    }
  })

  it('serves unhashed files revalidated by ETag: a matching If-None-Match gets 304', async () => {
    const first = await makeApp().request('/robots.txt')
    expect(first.headers.get('cache-control')).toBe(REVALIDATE)
    const etag = first.headers.get('etag')
    expect(etag).toBeTruthy()
    const again = await makeApp().request('/robots.txt', { headers: { 'if-none-match': etag! } })
    expect(again.status).toBe(304)
  })

  it('gzips text assets for clients that accept it', async () => {
    const res = await makeApp().request('/assets/index-abc123.js', {
      headers: { 'accept-encoding': 'gzip, br' },
    })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    const body = Buffer.from(await res.arrayBuffer())
    expect(body.length).toBeLessThan(BIG_JS.length)
    expect(gunzipSync(body).toString()).toBe(BIG_JS)
  })

  it('answers HEAD like GET without a body', async () => {
    const res = await makeApp().request('/assets/index-abc123.js', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE)
    expect(await res.text()).toBe('')
  })
})
