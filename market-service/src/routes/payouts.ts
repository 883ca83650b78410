/**
 * Payout routes and the payout worker's wiring (docs/architecture.md sections 3 and 5):
 * `GET /api/v1/developer/payouts` (NIP-98, the developer's own), `POST /api/v1/admin/payouts/:id/retry`
 * and `…/cancel` (NIP-98 admin). `payoutWorker(ctx)` is the service's worker: recover once (every
 * recorded payment hash looked up), then a pass over the due payouts every interval.
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
import { invoiceExpiresAtSec } from '../adapters/lnurl/decode-invoice.ts'
import { lnurlPayClient } from '../adapters/lnurl/lnurl-pay-client.ts'
import { sqlitePayoutRepo } from '../adapters/sqlite/payout-repo.ts'
import type { MountContext } from '../app.ts'
import { cancelPayout, retryPayout, type PayoutAdminDeps } from '../domain/payout/payout-admin.ts'
import type { Payout } from '../domain/payout/payout-repo.ts'
import { PayoutWorker, type PayoutPolicy } from '../domain/payout/payout-worker.ts'
import { intervalWorker, type Worker } from '../workers/worker.ts'
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

type PayoutCtx = Pick<MountContext, 'db' | 'auth' | 'clock' | 'wallet'>

/** Hono routes for payouts; mount at the app root. */
export function payoutRoutes(ctx: PayoutCtx): Hono {
  const repo = sqlitePayoutRepo(ctx.db)
  const admin: PayoutAdminDeps = { repo, wallet: ctx.wallet, clock: ctx.clock, invoiceExpiresAtSec }
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

/** The payout worker over the context's database, wallet and fetch. */
export function makePayoutWorker(
  ctx: Pick<MountContext, 'db' | 'wallet' | 'clock' | 'random' | 'fetch' | 'config'>,
  policy?: Partial<PayoutPolicy>,
  log?: (msg: string, fields: Record<string, unknown>) => void,
): PayoutWorker {
  if (!ctx.wallet) throw new Error('the payout worker needs a wallet')
  return new PayoutWorker({
    repo: sqlitePayoutRepo(ctx.db),
    wallet: ctx.wallet,
    lnurl: lnurlPayClient({ production: ctx.config.production, fetch: ctx.fetch }),
    clock: ctx.clock,
    random: ctx.random,
    invoiceExpiresAtSec,
    ...(policy ? { policy } : {}),
    ...(log ? { log } : {}),
  })
}

/** The service worker: recover once, then pass over due payouts every `intervalMs`. */
export function payoutWorker(ctx: MountContext, intervalMs = 5000): Worker {
  const worker = makePayoutWorker(ctx, undefined, (msg, fields) => ctx.log.info(fields, msg))
  let recovered = false
  return intervalWorker(
    'payouts',
    intervalMs,
    async () => {
      if (!recovered) {
        await worker.recover()
        recovered = true
      }
      await worker.tick()
    },
    (e) => ctx.log.error({ err: e }, 'payout pass failed'),
  )
}
