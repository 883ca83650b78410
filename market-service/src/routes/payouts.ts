/**
 * Payout routes (docs/architecture.md "Money flows"): `GET /api/v1/developer/payouts` (NIP-98, the
 * developer's own), `GET /api/v1/admin/payouts`, `POST /api/v1/admin/payouts/:id/retry` and `…/cancel`
 * (NIP-98 admin). The payout worker is built by compose.ts.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import {
  adminPayoutsQuerySchema,
  adminPayoutsResponseSchema,
  cancelPayoutBodySchema,
  payoutViewSchema,
  payoutsQuerySchema,
  payoutsResponseSchema,
  type PayoutView,
} from '@zapcade/shared/api/payouts'
import { cancelPayout, retryPayout } from '../domain/payout/payout-admin.ts'
import type { Payout } from '../domain/payout/payout-repo.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { jsonContent } from '../http/openapi.ts'
import { keysetPage, pageRequest } from '../http/page.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { RouteContext } from './context.ts'

/** The wire shape of a payout. */
export function payoutView(p: Payout): PayoutView {
  return {
    id: p.id,
    status: p.status,
    amount_msat: p.amountMsat,
    purchase_id: p.purchaseId,
    destination: p.destination,
    payment_hash: p.paymentHash,
    preimage: p.preimage,
    fees_paid_msat: p.feesPaidMsat,
    attempts: p.attempts,
    next_attempt_at: p.nextAttemptAtSec,
    last_error: p.lastError,
    created_at: p.createdAtSec,
    updated_at: p.updatedAtSec,
  }
}

const nip98 = [{ nip98: [] }]
const id = z.object({ id: z.string() })

/** Payout routes; mount at the app root. */
export function payoutRoutes(ctx: Pick<RouteContext, 'auth' | 'ports'>): OpenAPIHono {
  const { payouts: repo, payoutAdmin: admin } = ctx.ports
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const asAdmin = authMiddleware(ctx.auth, 'admin')
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/payouts',
      tags: ['developer'],
      security: nip98,
      middleware: [authMiddleware(ctx.auth, 'required')] as const,
      summary: 'Payouts to the caller, newest first',
      request: { query: payoutsQuerySchema },
      responses: {
        200: jsonContent(payoutsResponseSchema, 'a page of payouts'),
        ...problems(400, 401),
      },
    }),
    (c) => {
      const q = c.req.valid('query')
      const { limit, after } = pageRequest(q, ['int', 'text'] as const)
      const rows = repo.listForDeveloper(callerOf(c), {
        limit: limit + 1,
        ...(after ? { beforeCreatedAtSec: after[0], beforeId: after[1] } : {}),
      })
      const page = keysetPage(rows, limit, (p) => [p.createdAtSec, p.id])
      c.header('cache-control', 'private, no-store')
      return c.json({ items: page.items.map(payoutView), next_cursor: page.next_cursor }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/payouts',
      tags: ['admin'],
      security: nip98,
      middleware: [asAdmin] as const,
      summary: 'Payouts needing a person (FAILED, RETRYING) or of one status',
      request: { query: adminPayoutsQuerySchema },
      responses: {
        200: jsonContent(adminPayoutsResponseSchema, 'payouts'),
        ...problems(400, 401, 403),
      },
    }),
    (c) => {
      const q = c.req.valid('query')
      const statuses =
        q.status === undefined || q.status === 'attention'
          ? (['FAILED', 'RETRYING'] as const)
          : [q.status]
      c.header('cache-control', 'no-store')
      return c.json(
        {
          items: repo
            .listByStatus(statuses, 500)
            .map((p) => ({ ...payoutView(p), developer_pubkey: p.developerPubkey })),
        },
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/payouts/{id}/retry',
      tags: ['admin'],
      security: nip98,
      middleware: [asAdmin] as const,
      summary: 'Retry a FAILED payout (RETRYING, due now)',
      request: { params: id },
      responses: {
        200: jsonContent(payoutViewSchema, 'the payout'),
        ...problems(401, 403, 404, 409),
      },
    }),
    (c) => c.json(payoutView(retryPayout(admin, c.req.valid('param').id)), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/payouts/{id}/cancel',
      tags: ['admin'],
      security: nip98,
      middleware: [asAdmin] as const,
      summary: 'Cancel a payout that is not paid (a bare POST cancels with a default reason)',
      request: {
        params: id,
        body: {
          required: false,
          content: { 'application/json': { schema: cancelPayoutBodySchema } },
        },
      },
      responses: {
        200: jsonContent(payoutViewSchema, 'the payout, CANCELED'),
        ...problems(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const reason = c.req.valid('json').reason ?? 'by an admin'
      return c.json(payoutView(await cancelPayout(admin, c.req.valid('param').id, reason)), 200)
    },
  )
  return app
}
