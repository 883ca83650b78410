/**
 * The web storefront's static files at `/` (client/web/dist, built by vite). Mounted last: API routes
 * win, and this handler passes every request it does not serve on to the app's NOT_FOUND problem.
 * Caching: Vite's content-hashed `/assets/*` are immutable for a year; index.html and other unhashed
 * files are `no-cache` (revalidated by ETag) so a new deploy is picked up at once. Non-API paths
 * without a file extension, and every /game/ path, get index.html (SPA fallback: deep links like
 * /game/<pubkey>/<slug>, where a slug may be a dotted NIP-82 id).
 * HTML carries a Content-Security-Policy that forbids inline and foreign scripts: a developer's
 * markdown is rendered without raw HTML, and even if something slipped through it could not run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { Hono } from 'hono'
import type { Context } from 'hono'

export interface WebRoutesDeps {
  /** The built storefront (contains index.html and assets/). */
  distDir: string
}

/** Where `npm run build:web` / ensureWebBuilt put the storefront in this repository. */
export function defaultWebDistDir(): string {
  return fileURLToPath(new URL('../../../client/web/dist', import.meta.url))
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
}
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.svg',
  '.map',
  '.txt',
  '.webmanifest',
])

export const IMMUTABLE = 'public, max-age=31536000, immutable'
export const REVALIDATE = 'no-cache'

/** The storefront's CSP: scripts only from this origin; images from anywhere (game art); trailers over https; wallets and relays over ws(s). */
export const STOREFRONT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: http: data: blob:",
  // A game's trailer (YouTube no-cookie, a PeerTube instance, a video file), created only when the visitor clicks play.
  'frame-src https:',
  "media-src 'self' https:",
  "connect-src 'self' https: wss: ws:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

// Paths that belong to the API even when no route matched: they must 404 as problems, never as HTML.
const API_PREFIXES = ['/api/', '/.well-known/', '/blobs/']
const API_EXACT = new Set(['/api', '/healthz', '/metrics', '/openapi.json'])

interface CachedFile {
  mtimeMs: number
  size: number
  raw: Buffer
  gz: Buffer | undefined
  etag: string
}

/** Hono sub-app serving the storefront; mount it after every API route. */
export function webRoutes(d: WebRoutesDeps): Hono {
  const root = resolve(d.distDir)
  const cache = new Map<string, CachedFile>()

  const load = (file: string): CachedFile | undefined => {
    let st
    try {
      st = statSync(file)
    } catch {
      return undefined
    }
    if (!st.isFile()) return undefined
    const hit = cache.get(file)
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit
    const raw = readFileSync(file)
    const gz =
      COMPRESSIBLE.has(extname(file)) && raw.length > 1024 ? gzipSync(raw, { level: 9 }) : undefined
    const entry = {
      mtimeMs: st.mtimeMs,
      size: st.size,
      raw,
      gz,
      etag: `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
    }
    cache.set(file, entry)
    return entry
  }

  const send = (c: Context, file: string, f: CachedFile, cacheControl: string): Response => {
    const ext = extname(file)
    const headers: Record<string, string> = {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      etag: f.etag,
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    }
    if (ext === '.html') {
      headers['content-security-policy'] = STOREFRONT_CSP
      headers['referrer-policy'] = 'strict-origin-when-cross-origin'
      headers['x-frame-options'] = 'DENY'
    }
    if (c.req.header('if-none-match') === f.etag) return c.body(null, 304, headers)
    const gzip = f.gz !== undefined && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')
    const body = gzip ? f.gz! : f.raw
    if (gzip) headers['content-encoding'] = 'gzip'
    headers['content-length'] = String(body.length)
    if (c.req.method === 'HEAD') return c.body(null, 200, headers)
    return c.body(new Uint8Array(body), 200, headers)
  }

  const app = new Hono()
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path
    if (API_EXACT.has(path) || API_PREFIXES.some((p) => path.startsWith(p))) return next()
    let rel: string
    try {
      rel = decodeURIComponent(path)
    } catch {
      return next()
    }
    if (rel.includes('\0')) return next()
    const file = resolve(root, `.${rel}`)
    // Never outside dist (../ in any encoding), never a dotfile.
    if (
      (file !== root && !file.startsWith(root + sep)) ||
      rel.split('/').some((s) => s.startsWith('.') && s.length > 0)
    )
      return next()
    const hashed = rel.startsWith('/assets/')
    const f = file === root ? undefined : load(file)
    if (f) return send(c, file, f, hashed ? IMMUTABLE : REVALIDATE)
    // A missing asset or any other file name is a real 404: answering HTML for a .js would break loudly later.
    // Game pages are routes whatever their slug: NIP-82 ids are reverse-domain (`/game/<pubkey>/com.example.app`).
    if (hashed || (extname(rel) !== '' && !rel.startsWith('/game/'))) return next()
    const index = join(root, 'index.html')
    const idx = existsSync(index) ? load(index) : undefined
    if (!idx) return next()
    return send(c, index, idx, REVALIDATE)
  })
  return app
}
