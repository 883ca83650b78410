/**
 * Developer surface (NIP-98): `PUT /api/v1/developer/profile` (payout Lightning address, LUD-16 syntax,
 * its LNURL checked when reachable), `GET /api/v1/developer/games` (their catalog games and drafts) and
 * `GET /api/v1/developer/events` (their events the indexer refused or holds, with the reason).
 * Sales, ledger and payouts views are mounted by the payments feature.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import {
  DeveloperEventsResponse,
  DeveloperGamesResponse,
  DeveloperProfileRequest,
  DeveloperProfileResponse,
  type DeveloperGame,
} from '@zapcade/shared/api/developer'
import { problems } from '../http/problem.ts'
import { parseGame } from '@zapcade/shared/events/game'
import type { RouteContext } from './context.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { zodHook } from '../http/validate.ts'

const security = [{ nip98: [] }]

export function developerRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const { developers: repo, drafts, developerEvents: devEvents } = ctx.ports
  const auth = authMiddleware(ctx.auth, 'required')

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/developer/profile',
      tags: ['developer'],
      security,
      middleware: [auth] as const,
      summary:
        'Set the payout Lightning address (checked for LUD-16 syntax and, when reachable, its LNURL)',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: DeveloperProfileRequest } },
        },
      },
      responses: {
        200: {
          description: 'saved',
          content: { 'application/json': { schema: DeveloperProfileResponse } },
        },
        ...problems(400, 401, 413, 415, 422),
      },
    }),
    async (c) => {
      const pubkey = callerOf(c)
      const { payout_ln_address: address } = c.req.valid('json')
      const check = await ctx.ports.checkLnAddress(address)
      if (!check.reachable)
        ctx.log.warn(
          { pubkey, address, reason: check.reason },
          'payout address not reachable; kept unverified',
        )
      const row = repo.setPayoutAddress(pubkey, address, check.reachable, ctx.clock.nowSec())
      return c.json(
        {
          pubkey: row.pubkey,
          payout_ln_address: row.payoutLnAddress,
          verified: row.verified,
          updated_at: row.updatedAtSec,
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/games',
      tags: ['developer'],
      security,
      middleware: [auth] as const,
      summary: "The caller's games: catalog rows and drafts kept by the service",
      responses: {
        200: {
          description: 'games',
          content: { 'application/json': { schema: DeveloperGamesResponse } },
        },
        ...problems(401),
      },
    }),
    (c) => {
      const pubkey = callerOf(c)
      const items: DeveloperGame[] = []
      for (const d of drafts.listByPubkey(pubkey)) {
        const g = parseGame(d.event)
        items.push({
          pubkey,
          slug: d.slug,
          title: g.ok ? g.value.title : d.slug,
          status: 'DRAFT',
          price_msat: g.ok ? g.value.priceMsat : 0,
          event_id: d.event.id,
          source: 'draft',
          updated_at: d.updatedAtSec,
          event: d.event,
        })
      }
      for (const r of repo.games(pubkey)) {
        items.push({
          pubkey,
          slug: r.slug,
          title: r.title,
          status: r.status,
          price_msat: r.priceMsat,
          event_id: r.eventId,
          source: 'catalog',
          updated_at: r.updatedAtSec,
        })
      }
      return c.json({ items }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/events',
      tags: ['developer'],
      security,
      middleware: [auth] as const,
      summary:
        "The caller's events that did not reach the catalog: refused (with the rule) or pending (with what they wait for)",
      responses: {
        200: {
          description: 'newest first',
          content: { 'application/json': { schema: DeveloperEventsResponse } },
        },
        ...problems(401),
      },
    }),
    (c) => c.json({ items: devEvents.of(callerOf(c)) }, 200),
  )
  return app
}
