/**
 * Money views (docs/architecture.md "HTTP API rules"): `GET /api/v1/admin/ledger/check` (admin) → `{ok, violations}` over
 * every invariant of section 3; `POST /api/v1/admin/entitlements/:id/revoke` (admin); payment alerts
 * (admin: proven payments settlement could not book — list, and resolve with a note);
 * `GET /api/v1/developer/sales` and `/api/v1/developer/ledger` (NIP-98, cursor pages). The developer's
 * balance owed is Σ DEVELOPER_NET − Σ PAYOUT_SENT, summed on each request, never stored.
 */
import { Hono } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import {
  pageQuerySchema,
  paymentAlertsQuerySchema,
  resolvePaymentAlertBodySchema,
  revokeEntitlementBodySchema,
} from '@zapcade/shared/api/purchases'
import type {
  DeveloperLedgerResponse,
  PaymentAlert,
  PaymentAlertsResponse,
  SalesResponse,
} from '@zapcade/shared/api/purchases'
import { checkLedger } from '../domain/ledger/ledger-check.ts'
import { parseBody, parseWith } from '../http/validate.ts'
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

const enc = (s: string): string => Buffer.from(s, 'utf8').toString('base64url')
const dec = (s: string): string => Buffer.from(s, 'base64url').toString('utf8')
const badCursor = (): AppError =>
  new AppError('VALIDATION_FAILED', 'cursor: not a cursor from next_cursor')
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

/** Hono routes for the ledger check, revokes and developer money views; mount at the app root. */
export function ledgerRoutes(d: LedgerRoutesDeps): Hono {
  const app = new Hono()
  app.get('/api/v1/admin/ledger/check', async (c) => {
    await d.auth.admin(c)
    c.header('cache-control', 'no-store')
    return c.json(checkLedger(d.ledger.facts()))
  })
  app.post('/api/v1/admin/entitlements/:id/revoke', async (c) => {
    await d.auth.admin(c)
    const body = await parseBody(c, revokeEntitlementBodySchema)
    const r = d.entitlements.revoke(c.req.param('id'), body.reason, d.clock.nowSec())
    if (!r) throw new AppError('NOT_FOUND', 'no such entitlement')
    return c.json({ id: r.id, revoked_at: r.revokedAtSec, revoked_reason: r.revokedReason })
  })
  app.get('/api/v1/admin/payment-alerts', async (c) => {
    await d.auth.admin(c)
    const q = parseWith(paymentAlertsQuerySchema, c.req.query(), 'query')
    const body: PaymentAlertsResponse = {
      items: d.alerts.list(q.status ?? 'open', 500).map(alertView),
    }
    c.header('cache-control', 'no-store')
    return c.json(body)
  })
  app.post('/api/v1/admin/payment-alerts/:purchaseId/resolve', async (c) => {
    await d.auth.admin(c)
    const body = await parseBody(c, resolvePaymentAlertBodySchema)
    const id = c.req.param('purchaseId')
    if (!d.alerts.resolve(id, body.note, d.clock.nowSec())) {
      if (!d.alerts.byPurchase(id))
        throw new AppError('NOT_FOUND', 'no payment alert for this purchase')
      throw new AppError('CONFLICT', 'this payment alert is already resolved')
    }
    return c.json(alertView(d.alerts.byPurchase(id)!))
  })
  app.get('/api/v1/developer/sales', async (c) => {
    const pubkey = await d.auth.required(c)
    const q = parseWith(pageQuerySchema, c.req.query(), 'query')
    const limit = q.limit ?? 50
    let after: { atSec: number; id: string } | undefined
    if (q.cursor !== undefined) {
      const m = /^([0-9]{1,12}):(.{1,100})$/s.exec(dec(q.cursor))
      if (!m) throw badCursor()
      after = { atSec: Number(m[1]), id: m[2]! }
    }
    const userId = d.ledger.userIdOf(pubkey)
    const rows = userId === undefined ? [] : d.ledger.sales(userId, limit + 1, after)
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const body: SalesResponse = {
      items: page.map((s) => ({
        purchase_id: s.purchaseId,
        game: s.game,
        kind: s.kind,
        is_tip: s.isTip,
        amount_msat: s.amountMsat,
        platform_fee_msat: s.feeMsat,
        developer_net_msat: s.netMsat,
        paid_at: s.paidAtSec,
        paid_late: s.paidLate,
      })),
      next_cursor: rows.length > limit && last ? enc(`${last.paidAtSec}:${last.purchaseId}`) : null,
    }
    c.header('cache-control', 'private, no-store')
    return c.json(body)
  })
  app.get('/api/v1/developer/ledger', async (c) => {
    const pubkey = await d.auth.required(c)
    const q = parseWith(pageQuerySchema, c.req.query(), 'query')
    const limit = q.limit ?? 50
    let beforeId: number | undefined
    if (q.cursor !== undefined) {
      const m = /^([0-9]{1,15})$/.exec(dec(q.cursor))
      if (!m) throw badCursor()
      beforeId = Number(m[1])
    }
    const userId = d.ledger.userIdOf(pubkey)
    const rows = userId === undefined ? [] : d.ledger.entries(userId, limit + 1, beforeId)
    const totals =
      userId === undefined
        ? { netMsat: 0, paidOutMsat: 0, refundedMsat: 0 }
        : d.ledger.totals(userId)
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const body: DeveloperLedgerResponse = {
      // Negative while a refund sent after a payout is owed back (docs/refunds.md).
      balance_owed_msat: totals.netMsat - totals.refundedMsat - totals.paidOutMsat,
      total_net_msat: totals.netMsat,
      total_paid_out_msat: totals.paidOutMsat,
      items: page.map((e) => ({
        id: e.id,
        type: e.type,
        amount_msat: e.amountMsat,
        purchase_id: e.purchaseId,
        payout_id: e.payoutId,
        created_at: e.createdAtSec,
      })),
      next_cursor: rows.length > limit && last ? enc(String(last.id)) : null,
    }
    c.header('cache-control', 'private, no-store')
    return c.json(body)
  })
  return app
}
