/**
 * `GET /api/v1/games/:pubkey/:slug/download?version=&format=json` (docs/architecture.md "HTTP API rules"): NIP-98 (an
 * entitled pubkey) or `X-Receipt-Code` (a guest) → the download domain decides, records the
 * DownloadEvent and mints the URL → 302 to it, or `{url, expires_at, sha256, size_bytes}` as JSON.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '@zapcade/shared/errors'
import { parsePubkey, SLUG_RE } from '@zapcade/shared/ids'
import { authorizeDownload } from '../domain/download/download-service.ts'
import type { DownloadDeps } from '../domain/download/download-service.ts'
import type { RouteAuth } from './route-auth.ts'
import { socketIp } from './route-auth.ts'

const Query = z
  .object({
    version: z.string().min(1).max(64).optional(),
    format: z.enum(['json', 'redirect']).optional(),
  })
  .strict()

export interface DownloadRoutesDeps {
  downloads: DownloadDeps
  auth: RouteAuth
  /** The client address (behind a proxy the app decides which header to trust). */
  clientIp?: (c: Parameters<typeof socketIp>[0]) => string
}

/** Hono route for downloads; mount at the app root. */
export function downloadRoutes(d: DownloadRoutesDeps): Hono {
  const app = new Hono()
  app.get('/api/v1/games/:pubkey/:slug/download', async (c) => {
    const pubkey = parsePubkey(c.req.param('pubkey'))
    const slug = c.req.param('slug')
    if (!pubkey || !SLUG_RE.test(slug)) throw new AppError('GAME_NOT_FOUND', 'no such game')
    const q = Query.safeParse(c.req.query())
    if (!q.success)
      throw new AppError(
        'VALIDATION_FAILED',
        q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      )
    const callerPubkey = await d.auth.optional(c)
    const receipt = c.req.header('x-receipt-code')
    c.header('cache-control', 'private, no-store')
    let g
    try {
      g = await authorizeDownload(d.downloads, {
        gamePubkey: pubkey,
        slug,
        version: q.data.version,
        callerPubkey,
        receiptCode: callerPubkey === undefined && receipt ? receipt.slice(0, 200) : undefined,
        ip: (d.clientIp ?? socketIp)(c),
        userAgent: c.req.header('user-agent'),
      })
    } catch (e) {
      if (e instanceof AppError && e.code === 'RATE_LIMITED')
        c.header('retry-after', String(e.extra?.retry_after_sec ?? 60))
      throw e
    }
    if (q.data.format === 'json')
      return c.json({
        url: g.url,
        expires_at: g.expiresAtSec,
        sha256: g.sha256,
        size_bytes: g.sizeBytes,
      })
    return c.redirect(g.url, 302)
  })
  return app
}
