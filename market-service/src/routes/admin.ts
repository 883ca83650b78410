/**
 * Admin surface (NIP-98, pubkey in ZAPCADE_ADMIN_PUBKEYS): `POST /api/v1/admin/games/:pubkey/:slug/status`
 * sets FEATURED (a paid game only once it has a verified build: NO_BUILD), LISTED (the developer's own
 * listing back) or BANNED; the featured list (30267) or a ban label (1985) is then published by the
 * market key through the outbox; lifting a ban (LISTED or FEATURED) publishes a NIP-09 deletion of its label.
 */
import { randomUUID } from 'node:crypto'
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { AdminGameStatusRequest, AdminGameStatusResponse } from '@zapcade/shared/api/admin'
import { problems } from '../http/problem.ts'
import { AppError } from '@zapcade/shared/errors'
import { parsePubkey, SLUG_RE } from '@zapcade/shared/ids'
import type { RouteContext } from './context.ts'
import { authMiddleware } from '../http/auth-nip98.ts'
import { zodHook } from '../http/validate.ts'

const Params = z.object({
  pubkey: z
    .string()
    .transform(
      (s, ctx) =>
        parsePubkey(s) ??
        (ctx.addIssue({ code: 'custom', message: 'must be a hex pubkey or npub' }), z.NEVER),
    ),
  slug: z.string().regex(SLUG_RE, 'must be a game slug'),
})

export function adminRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const overlay = ctx.ports.gameOverlay
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/games/{pubkey}/{slug}/status',
      tags: ['admin'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(ctx.auth, 'admin')] as const,
      summary: "Set the market's overlay on a game: FEATURED, LISTED or BANNED",
      request: {
        params: Params,
        body: {
          required: true,
          content: { 'application/json': { schema: AdminGameStatusRequest } },
        },
      },
      responses: {
        200: {
          description: 'changed',
          content: { 'application/json': { schema: AdminGameStatusResponse } },
        },
        ...problems(400, 401, 403, 404, 409, 413, 415),
      },
    }),
    (c) => {
      const { pubkey, slug } = c.req.valid('param')
      const body = c.req.valid('json')
      // domain/game-status decides (a paid game is featured only once it has a verified build).
      const r = overlay.set({
        pubkey,
        slug,
        status: body.status,
        rank: body.rank,
        reason: body.reason,
        nowSec: ctx.clock.nowSec(),
        marketPubkey: ctx.signer.pubkey,
        nonce: randomUUID(),
      })
      if (!r) throw new AppError('GAME_NOT_FOUND', 'no such game in the catalog')
      ctx.log.info(
        { pubkey, slug, status: r.status, outbox: r.outbox, ban_labels: r.banLabelIds },
        'admin changed a game status',
      )
      if (r.outbox.length > 0) ctx.kickOutbox()
      return c.json(
        {
          pubkey,
          slug,
          status: r.status,
          listing: r.listing,
          featured_rank: r.featuredRank,
          outbox: r.outbox,
        },
        200,
      )
    },
  )
  return app
}
