/**
 * LNURL-withdraw (LUD-03) endpoints a refund's withdraw link points at, for a guest with no wallet
 * address: `GET /api/v1/refunds/:id/withdraw?k1=` answers the `withdrawRequest` (exactly the refund
 * amount), and `GET /api/v1/refunds/:id/withdraw/callback?k1=&pr=` takes the wallet's invoice, records
 * its payment hash (the link is used up) and answers `{"status":"OK"}`; the refund worker pays it.
 * Failures are LUD-03's `{"status":"ERROR","reason"}` with HTTP 200 (wallets read the body, and some
 * only the body: Blink's redeem screen checks `status` case-insensitively).
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { LnurlStatusResponse, WithdrawRequestResponse } from '@zapcade/shared/api/refunds'
import { claimWithdraw, withdrawRequest, type RefundDeps } from '../domain/refund/refund-service.ts'
import { zodHook } from '../http/validate.ts'

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : 'refused').slice(0, 200)

/** Hono routes for withdraw links; mount at the app root. */
export function lnurlWithdrawRoutes(deps: { refunds: RefundDeps }): OpenAPIHono {
  const d = deps.refunds
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const params = z.object({ id: z.string().min(1).max(100) })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/refunds/{id}/withdraw',
      tags: ['refunds', 'lnurl'],
      summary: "LUD-03: a refund's withdraw link (single use, expiring)",
      request: {
        params,
        query: z.object({ k1: z.string().max(200).optional() }),
      },
      responses: {
        200: {
          description: 'withdrawRequest, or status ERROR',
          content: {
            'application/json': { schema: WithdrawRequestResponse.or(LnurlStatusResponse) },
          },
        },
      },
    }),
    (c) => {
      c.header('cache-control', 'no-store')
      try {
        return c.json(
          withdrawRequest(d, c.req.valid('param').id, c.req.valid('query').k1 ?? ''),
          200,
        )
      } catch (e) {
        return c.json({ status: 'ERROR' as const, reason: reasonOf(e) }, 200)
      }
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/refunds/{id}/withdraw/callback',
      tags: ['refunds', 'lnurl'],
      summary:
        "LUD-03: the wallet's invoice for a withdraw link (exactly the refund amount); paid right after",
      request: {
        params,
        query: z.object({
          k1: z.string().max(200).optional(),
          pr: z.string().max(4000).optional(),
        }),
      },
      responses: {
        200: {
          description: 'status OK, or status ERROR with a reason',
          content: { 'application/json': { schema: LnurlStatusResponse } },
        },
      },
    }),
    (c) => {
      c.header('cache-control', 'no-store')
      const q = c.req.valid('query')
      try {
        if (!q.pr) throw new Error('pr: the invoice is missing')
        claimWithdraw(d, c.req.valid('param').id, q.k1 ?? '', q.pr)
        return c.json({ status: 'OK' as const }, 200)
      } catch (e) {
        return c.json({ status: 'ERROR' as const, reason: reasonOf(e) }, 200)
      }
    },
  )
  return app
}
