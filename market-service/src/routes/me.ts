/**
 * `GET /api/v1/me` (NIP-98): the caller's pubkey and npub, whether it is a market admin
 * (ZAPCADE_ADMIN_PUBKEYS), and its developer side (payout address, how many games). The storefront uses
 * it to show the admin link and pre-fill the payout form; it grants nothing by itself.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { MeResponse } from '@zapcade/shared/api/me'
import { ProblemResponse } from '@zapcade/shared/api/problem'
import { toNpub } from '@zapcade/shared/ids'
import type { RouteContext } from './context.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { zodHook } from '../http/validate.ts'

const problem = {
  description: 'problem',
  content: { 'application/problem+json': { schema: ProblemResponse } },
}

export function meRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const repo = ctx.ports.developers
  const admins = new Set(ctx.config.adminPubkeys)
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me',
      tags: ['account'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(ctx.auth, 'required')] as const,
      summary:
        'The caller: pubkey, npub, whether it is an admin, its payout address and game count',
      responses: {
        200: { description: 'the caller', content: { 'application/json': { schema: MeResponse } } },
        401: problem,
      },
    }),
    (c) => {
      const pubkey = callerOf(c)
      return c.json(
        {
          pubkey,
          npub: toNpub(pubkey),
          is_admin: admins.has(pubkey),
          developer: {
            payout_ln_address: repo.payoutAddress(pubkey),
            games_count: repo.gamesCount(pubkey),
          },
        },
        200,
      )
    },
  )
  return app
}
