/**
 * `GET /api/v1/me/library` (NIP-98): every game the caller is entitled to, with its releases, and the
 * games they zapped toward without owning yet (how far their zaps got toward the price).
 */
import { Hono } from 'hono'
import type { LibraryResponse } from '@zapcade/shared/api/purchases'
import type { EntitlementRepo } from '../ports/entitlement-repo.ts'
import type { RouteAuth } from './route-auth.ts'

/** Hono route for the buyer's library; mount at the app root. */
export function libraryRoutes(repo: EntitlementRepo, auth: RouteAuth): Hono {
  const app = new Hono()
  app.get('/api/v1/me/library', async (c) => {
    const pubkey = await auth.required(c)
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
    return c.json(body)
  })
  return app
}
