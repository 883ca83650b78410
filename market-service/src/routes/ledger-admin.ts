/**
 * Money views (docs/architecture.md "HTTP API rules"): `GET /api/v1/admin/ledger/check` (admin) → `{ok, violations}` over
 * every invariant of section 3; `POST /api/v1/admin/entitlements/:id/revoke` (admin); payment alerts
 * (admin: proven payments settlement could not book — list, and resolve with a note);
 * `GET /api/v1/developer/sales` and `/api/v1/developer/ledger` (NIP-98, cursor pages). The developer's
 * balance owed is Σ DEVELOPER_NET − Σ PAYOUT_SENT, summed on each request, never stored.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { AppError } from '@zapcade/shared/errors'
import {
  developerLedgerResponseSchema,
  ledgerCheckResponseSchema,
  pageQuerySchema,
  paymentAlertSchema,
  paymentAlertsQuerySchema,
  paymentAlertsResponseSchema,
  resolvePaymentAlertBodySchema,
  revokeEntitlementBodySchema,
  revokeEntitlementResponseSchema,
  salesResponseSchema,
} from '@zapcade/shared/api/purchases'
import type { PaymentAlert } from '@zapcade/shared/api/purchases'
import { checkLedger } from '../domain/ledger/ledger-check.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { keysetPage, pageRequest } from '../http/page.ts'
import { jsonBody, jsonContent } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { Clock } from '../ports/clock.ts'
import type { EntitlementRepo } from '../ports/entitlement-repo.ts'
import type { LedgerRepo } from '../ports/ledger-repo.ts'
import type { PaymentAlertRecord, PaymentAlertRepo } from '../ports/payment-alert-repo.ts'
import type { RouteAuth } from './route-auth.ts'

export interface LedgerRoutesDeps {
  ledger: LedgerRepo
  entitlements: EntitlementRepo
  alerts: PaymentAlertRepo
  clock: Clock
  auth: RouteAuth
}

const nip98 = [{ nip98: [] }]

const alertView = (a: PaymentAlertRecord): PaymentAlert => ({
  purchase_id: a.purchaseId,
  payment_hash: a.paymentHash,
  reason: a.reason,
  amount_msat: a.amountMsat,
  received_msat: a.receivedMsat,
  purchase_status: a.purchaseStatus,
  first_seen_at: a.firstSeenAtSec,
  last_seen_at: a.lastSeenAtSec,
  seen_count: a.seenCount,
  resolved_at: a.resolvedAtSec,
  resolved_note: a.resolvedNote,
})

/** The ledger check, revokes, payment alerts and developer money views; mount at the app root. */
export function ledgerRoutes(d: LedgerRoutesDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const admin = authMiddleware(d.auth, 'admin')
  const signed = authMiddleware(d.auth, 'required')
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/ledger/check',
      tags: ['admin'],
      security: nip98,
      middleware: [admin] as const,
      summary: 'Check every ledger invariant',
      responses: {
        200: jsonContent(ledgerCheckResponseSchema, '{ok, violations}'),
        ...problems(401, 403),
      },
    }),
    (c) => {
      c.header('cache-control', 'no-store')
      return c.json(checkLedger(d.ledger.facts()), 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/entitlements/{id}/revoke',
      tags: ['admin'],
      security: nip98,
      middleware: [admin] as const,
      summary: 'Revoke an entitlement (once)',
      request: {
        params: z.object({ id: z.string() }),
        body: jsonBody(revokeEntitlementBodySchema),
      },
      responses: {
        200: jsonContent(revokeEntitlementResponseSchema, 'revoked'),
        ...problems(400, 401, 403, 404),
      },
    }),
    (c) => {
      const body = c.req.valid('json')
      const r = d.entitlements.revoke(c.req.valid('param').id, body.reason, d.clock.nowSec())
      if (!r) throw new AppError('NOT_FOUND', 'no such entitlement')
      return c.json({ id: r.id, revoked_at: r.revokedAtSec, revoked_reason: r.revokedReason }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/payment-alerts',
      tags: ['admin'],
      security: nip98,
      middleware: [admin] as const,
      summary:
        'Payments the wallet proved that settlement could not book (short, or for a FAILED purchase)',
      request: { query: paymentAlertsQuerySchema },
      responses: {
        200: jsonContent(paymentAlertsResponseSchema, 'alerts, oldest first'),
        ...problems(400, 401, 403),
      },
    }),
    (c) => {
      const q = c.req.valid('query')
      c.header('cache-control', 'no-store')
      return c.json({ items: d.alerts.list(q.status ?? 'open', 500).map(alertView) }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/payment-alerts/{purchaseId}/resolve',
      tags: ['admin'],
      security: nip98,
      middleware: [admin] as const,
      summary: 'Resolve a payment alert with a note; a still PENDING purchase becomes FAILED',
      request: {
        params: z.object({ purchaseId: z.string() }),
        body: jsonBody(resolvePaymentAlertBodySchema),
      },
      responses: {
        200: jsonContent(paymentAlertSchema, 'resolved'),
        ...problems(400, 401, 403, 404, 409),
      },
    }),
    (c) => {
      const body = c.req.valid('json')
      const id = c.req.valid('param').purchaseId
      if (!d.alerts.resolve(id, body.note, d.clock.nowSec())) {
        if (!d.alerts.byPurchase(id))
          throw new AppError('NOT_FOUND', 'no payment alert for this purchase')
        throw new AppError('CONFLICT', 'this payment alert is already resolved')
      }
      return c.json(alertView(d.alerts.byPurchase(id)!), 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/sales',
      tags: ['developer'],
      security: nip98,
      middleware: [signed] as const,
      summary: "Paid purchases of the caller's games",
      request: { query: pageQuerySchema },
      responses: {
        200: jsonContent(salesResponseSchema, 'sales, newest first'),
        ...problems(400, 401),
      },
    }),
    (c) => {
      const q = c.req.valid('query')
      const { limit, after } = pageRequest(q, ['int', 'text'] as const)
      const userId = d.ledger.userIdOf(callerOf(c))
      const rows =
        userId === undefined
          ? []
          : d.ledger.sales(userId, limit + 1, after && { atSec: after[0], id: after[1] })
      const page = keysetPage(rows, limit, (s) => [s.paidAtSec, s.purchaseId])
      c.header('cache-control', 'private, no-store')
      return c.json(
        {
          items: page.items.map((s) => ({
            purchase_id: s.purchaseId,
            game: s.game,
            kind: s.kind,
            is_tip: s.isTip,
            amount_msat: s.amountMsat,
            platform_fee_msat: s.feeMsat,
            developer_net_msat: s.netMsat,
            ...(s.split
              ? { split: s.split.map((l) => ({ pubkey: l.pubkey, amount_msat: l.amountMsat })) }
              : {}),
            paid_at: s.paidAtSec,
            paid_late: s.paidLate,
          })),
          next_cursor: page.next_cursor,
        },
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/ledger',
      tags: ['developer'],
      security: nip98,
      middleware: [signed] as const,
      summary:
        "The caller's ledger entries and balance owed (Σ DEVELOPER_NET − Σ REFUND_DEVELOPER_DEBIT − Σ PAYOUT_SENT)",
      request: { query: pageQuerySchema },
      responses: {
        200: jsonContent(developerLedgerResponseSchema, 'entries, newest first'),
        ...problems(400, 401),
      },
    }),
    (c) => {
      const q = c.req.valid('query')
      const { limit, after } = pageRequest(q, ['int'] as const)
      const beforeId = after?.[0]
      const userId = d.ledger.userIdOf(callerOf(c))
      const rows = userId === undefined ? [] : d.ledger.entries(userId, limit + 1, beforeId)
      const totals =
        userId === undefined
          ? { netMsat: 0, paidOutMsat: 0, refundedMsat: 0 }
          : d.ledger.totals(userId)
      const page = keysetPage(rows, limit, (e) => [e.id])
      c.header('cache-control', 'private, no-store')
      return c.json(
        {
          // Negative while a refund sent after a payout is owed back (docs/refunds.md).
          balance_owed_msat: totals.netMsat - totals.refundedMsat - totals.paidOutMsat,
          total_net_msat: totals.netMsat,
          total_paid_out_msat: totals.paidOutMsat,
          items: page.items.map((e) => ({
            id: e.id,
            type: e.type,
            amount_msat: e.amountMsat,
            purchase_id: e.purchaseId,
            payout_id: e.payoutId,
            created_at: e.createdAtSec,
          })),
          next_cursor: page.next_cursor,
        },
        200,
      )
    },
  )
  return app
}
