/**
 * Ownership a launcher can verify (docs/ownership-proof.md), both signed with NIP-98 by the player's key:
 * - `GET /api/v1/entitlements/check?game=<pubkey>/<slug>|<naddr>` answers whether that key owns the game;
 * - `GET /api/v1/entitlements/proof?game=…` answers a kind-3267 event signed by the market key naming the
 *   game, the owner, granted_at and a NIP-40 expiration (ZAPCADE_OWNERSHIP_PROOF_TTL_DAYS, default 30),
 *   which a game verifies offline. It is made per request and never published to relays. Not owned
 *   (never, revoked or refunded): 403 NOT_ENTITLED.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import {
  EntitlementCheckResponse,
  EntitlementQuery,
  OwnershipProofResponse,
} from '@zapcade/shared/api/entitlements'
import { AppError } from '@zapcade/shared/errors'
import type { GameAddress } from '@zapcade/shared/ids'
import { buildOwnershipProof } from '@zapcade/shared/events/ownership-proof'
import type { RouteContext } from './context.ts'
import { decideOwnership, type OwnershipAnswer } from '../domain/ownership/decide-ownership.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'

export function entitlementRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const repo = ctx.ports.entitlements
  const ttlSec = ctx.config.ownershipProofTtlSec
  const answer = (c: Context, game: GameAddress): Extract<OwnershipAnswer, { found: true }> => {
    c.header('cache-control', 'private, no-store')
    const a = decideOwnership(repo.ownership(callerOf(c), game), callerOf(c), game.pubkey)
    if (!a.found) throw new AppError('GAME_NOT_FOUND', 'no such game')
    return a
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/entitlements/check',
      tags: ['entitlements'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(ctx.auth, 'required')] as const,
      summary:
        'Whether the NIP-98 signer owns a game (entitled and not revoked or refunded, the game is free, or theirs)',
      request: { query: EntitlementQuery },
      responses: {
        200: {
          description: 'owned or not',
          content: { 'application/json': { schema: EntitlementCheckResponse } },
        },
        ...problems(400, 401, 404),
      },
    }),
    (c) => {
      const game = c.req.valid('query').game
      const a = answer(c, game)
      return c.json(
        {
          owned: a.owned,
          game: { pubkey: game.pubkey, slug: game.slug },
          free: a.free,
          ...(a.basis ? { basis: a.basis } : {}),
          ...(a.entitlement
            ? { entitlement_id: a.entitlement.id, granted_at: a.entitlement.grantedAtSec }
            : {}),
          ...(a.revokedAtSec !== undefined ? { revoked_at: a.revokedAtSec } : {}),
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/entitlements/proof',
      tags: ['entitlements'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(ctx.auth, 'required')] as const,
      summary:
        'A market-signed ownership proof (kind 3267, never published) a game verifies offline with the market pubkey',
      request: { query: EntitlementQuery },
      responses: {
        200: {
          description: 'the proof',
          content: { 'application/json': { schema: OwnershipProofResponse } },
        },
        ...problems(400, 401, 403, 404),
      },
    }),
    (c) => {
      const game = c.req.valid('query').game
      const a = answer(c, game)
      if (!a.owned || !a.basis) {
        throw new AppError(
          'NOT_ENTITLED',
          a.revokedAtSec !== undefined
            ? 'this entitlement was revoked'
            : 'this key does not own the game',
        )
      }
      const now = ctx.clock.nowSec()
      const expiresAtSec = now + ttlSec
      const event = ctx.signer.sign(
        buildOwnershipProof({
          game,
          owner: callerOf(c),
          basis: a.basis,
          entitlementId: a.entitlement?.id,
          grantedAtSec: a.entitlement?.grantedAtSec ?? now,
          createdAtSec: now,
          expiresAtSec,
        }),
      )
      return c.json({ event, expires_at: expiresAtSec }, 200)
    },
  )
  return app
}
