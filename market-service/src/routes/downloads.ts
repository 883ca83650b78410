/**
 * `GET /api/v1/games/:pubkey/:slug/download?version=&format=json` (docs/architecture.md "HTTP API rules"): NIP-98 (an
 * entitled pubkey) or `X-Receipt-Code` (a guest) → the download domain decides, records the
 * DownloadEvent and mints the URL → 302 to it, or `{url, expires_at, sha256, size_bytes}` as JSON.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { DownloadQuery, DownloadTicket } from '@zapcade/shared/api/downloads'
import { AppError } from '@zapcade/shared/errors'
import { parsePubkey, SLUG_RE } from '@zapcade/shared/ids'
import { authorizeDownload } from '../domain/download/download-service.ts'
import type { DownloadDeps } from '../domain/download/download-service.ts'
import { jsonContent } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { RouteAuth } from './route-auth.ts'
import { socketIp } from './route-auth.ts'

export interface DownloadRoutesDeps {
  downloads: DownloadDeps
  auth: RouteAuth
  /** The client address (behind a proxy the app decides which header to trust). */
  clientIp?: (c: Parameters<typeof socketIp>[0]) => string
}

const route = createRoute({
  method: 'get',
  path: '/api/v1/games/{pubkey}/{slug}/download',
  tags: ['downloads'],
  security: [{ nip98: [] }, {}],
  summary:
    'Download a build: 302 to a signed URL, or JSON with ?format=json (NIP-98 or X-Receipt-Code)',
  request: {
    params: z.object({ pubkey: z.string(), slug: z.string() }),
    query: DownloadQuery,
    headers: z.object({ 'x-receipt-code': z.string().optional() }),
  },
  responses: {
    200: jsonContent(DownloadTicket, 'the signed URL (format=json)'),
    302: { description: 'to the signed, short-lived URL' },
    ...problems(400, 401, 403, 404, 429),
  },
})

/** The download route; mount at the app root. */
export function downloadRoutes(d: DownloadRoutesDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  app.openapi(route, async (c) => {
    const params = c.req.valid('param')
    const pubkey = parsePubkey(params.pubkey)
    const slug = params.slug
    if (!pubkey || !SLUG_RE.test(slug)) throw new AppError('GAME_NOT_FOUND', 'no such game')
    const q = c.req.valid('query')
    const callerPubkey = await d.auth.optional(c)
    const receipt = c.req.header('x-receipt-code')
    c.header('cache-control', 'private, no-store')
    let g
    try {
      g = await authorizeDownload(d.downloads, {
        gamePubkey: pubkey,
        slug,
        version: q.version,
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
    if (q.format === 'json')
      return c.json(
        { url: g.url, expires_at: g.expiresAtSec, sha256: g.sha256, size_bytes: g.sizeBytes },
        200,
      )
    return c.redirect(g.url, 302)
  })
  return app
}
