/**
 * Payout routes (docs/architecture.md "Money flows"): `GET /api/v1/developer/payouts` (NIP-98, the
 * developer's own), `GET /api/v1/admin/payouts`, `POST /api/v1/admin/payouts/:id/retry` and `…/cancel`
 * (NIP-98 admin). The payout worker is built by compose.ts.
 */
import { Hono } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import {
  adminPayoutsQuerySchema,
  cancelPayoutBodySchema,
  payoutsQuerySchema,
  type AdminPayoutsResponse,
  type PayoutView,
  type PayoutsResponse,
} from '@zapcade/shared/api/payouts'
import { cancelPayout, retryPayout } from '../domain/payout/payout-admin.ts'
import type { Payout } from '../domain/payout/payout-repo.ts'
import type { RouteContext } from './context.ts'
import { parseWith } from '../http/validate.ts'

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

const encodeCursor = (p: Payout): string =>
  Buffer.from(`${p.createdAtSec}:${p.id}`, 'utf8').toString('base64url')
function decodeCursor(c: string): { atSec: number; id: string } {
  const m = /^([0-9]{1,12}):(.{1,100})$/s.exec(Buffer.from(c, 'base64url').toString('utf8'))
  if (!m) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor from next_cursor')
  return { atSec: Number(m[1]), id: m[2]! }
}

/** Hono routes for payouts; mount at the app root. */
export function payoutRoutes(ctx: Pick<RouteContext, 'auth' | 'ports'>): Hono {
  const { payouts: repo, payoutAdmin: admin } = ctx.ports
  const app = new Hono()
  app.get('/api/v1/developer/payouts', async (c) => {
    const pubkey = await ctx.auth.required(c)
    const q = parseWith(payoutsQuerySchema, c.req.query(), 'query')
    const limit = q.limit ?? 50
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
    const rows = repo.listForDeveloper(pubkey, {
      limit: limit + 1,
      ...(after ? { beforeCreatedAtSec: after.atSec, beforeId: after.id } : {}),
    })
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const body: PayoutsResponse = {
      items: page.map(payoutView),
      next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
    }
    c.header('cache-control', 'private, no-store')
    return c.json(body)
  })
  app.get('/api/v1/admin/payouts', async (c) => {
    await ctx.auth.admin(c)
    const q = parseWith(adminPayoutsQuerySchema, c.req.query(), 'query')
    const statuses =
      q.status === undefined || q.status === 'attention'
        ? (['FAILED', 'RETRYING'] as const)
        : [q.status]
    const body: AdminPayoutsResponse = {
      items: repo
        .listByStatus(statuses, 500)
        .map((p) => ({ ...payoutView(p), developer_pubkey: p.developerPubkey })),
    }
    c.header('cache-control', 'no-store')
    return c.json(body)
  })
  app.post('/api/v1/admin/payouts/:id/retry', async (c) => {
    await ctx.auth.admin(c)
    return c.json(payoutView(retryPayout(admin, c.req.param('id'))))
  })
  app.post('/api/v1/admin/payouts/:id/cancel', async (c) => {
    await ctx.auth.admin(c)
    // The body is optional here (a bare POST cancels with a default reason); when present it is checked.
    const text = await c.req.text()
    let reason = 'by an admin'
    if (text.trim().length > 0) {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new AppError('VALIDATION_FAILED', 'body: must be JSON', {
          issues: [{ path: '(root)', message: 'must be JSON' }],
        })
      }
      reason = parseWith(cancelPayoutBodySchema, json, 'body').reason ?? reason
    }
    return c.json(payoutView(await cancelPayout(admin, c.req.param('id'), reason)))
  })
  return app
}
