/**
 * `GET /api/v1/me/library` (NIP-98): every game the caller is entitled to, with its releases, and the
 * games they zapped toward without owning yet (how far their zaps got toward the price).
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { libraryResponseSchema, type LibraryResponse } from '@zapcade/shared/api/purchases'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { jsonContent } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import type { EntitlementRepo } from '../ports/entitlement-repo.ts'
import type { RouteAuth } from './route-auth.ts'

const route = (auth: RouteAuth) =>
  createRoute({
    method: 'get',
    path: '/api/v1/me/library',
    tags: ['purchases'],
    security: [{ nip98: [] }],
    middleware: [authMiddleware(auth, 'required')] as const,
    summary: 'Entitled games with their releases, and zaps toward games not owned yet',
    responses: { 200: jsonContent(libraryResponseSchema, 'library'), ...problems(401) },
  })

/** The buyer's library; mount at the app root. */
export function libraryRoutes(repo: EntitlementRepo, auth: RouteAuth): OpenAPIHono {
  const app = new OpenAPIHono()
  app.openapi(route(auth), (c) => {
    const pubkey = callerOf(c)
    const body: LibraryResponse = {
      items: repo.library(pubkey).map((e) => ({
        entitlement_id: e.entitlementId,
        purchase_id: e.purchaseId,
        origin: e.origin,
        granted_at: e.grantedAtSec,
        revoked_at: e.revokedAtSec,
        game: {
          pubkey: e.game.pubkey,
          slug: e.game.slug,
          title: e.game.title,
          icon: e.game.icon,
          status: e.game.status,
        },
        releases: e.releases.map((r) => ({
          version: r.version,
          channel: r.channel,
          notes: r.notes,
          published_at: r.publishedAtSec,
          asset: r.asset && { sha256: r.asset.sha256, size_bytes: r.asset.sizeBytes },
        })),
      })),
      zap_progress: repo
        .zapProgress(pubkey)
        .map((z) => ({ game: z.game, paid_msat: z.paidMsat, price_msat: z.priceMsat })),
    }
    c.header('cache-control', 'private, no-store')
    return c.json(body, 200)
  })
  return app
}
