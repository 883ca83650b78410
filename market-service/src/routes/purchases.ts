/**
 * Checkout routes (docs/architecture.md "HTTP API rules"): `POST /api/v1/purchases` (NIP-98 optional; guests get a
 * receipt code once; `Idempotency-Key` replays the first answer), `GET /api/v1/purchases/:id` (the buyer
 * by NIP-98 or the guest by `X-Receipt-Code`), `POST /api/v1/purchases/claim` (NIP-98).
 */
import { Hono } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import { parsePubkey } from '@zapcade/shared/ids'
import { msat } from '@zapcade/shared/money'
import { claimPurchaseBodySchema, createPurchaseBodySchema } from '@zapcade/shared/api/purchases'
import { checkout } from '../domain/purchase/checkout.ts'
import { claimPurchase, viewPurchase } from '../domain/purchase/claim.ts'
import { parseBody } from '../http/validate.ts'
import type { Payments } from '../domain/purchase/payments.ts'
import type { RouteAuth } from './route-auth.ts'

/** Stripe's bound: at most 255 printable characters. */
const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/

/** Hono routes for purchases; mount at the app root. */
export function purchaseRoutes(p: Payments, auth: RouteAuth): Hono {
  const app = new Hono()
  app.post('/api/v1/purchases/claim', async (c) => {
    const pubkey = await auth.required(c)
    const body = await parseBody(c, claimPurchaseBodySchema)
    c.header('cache-control', 'private, no-store')
    return c.json(claimPurchase(p.claims, body.receipt_code, pubkey))
  })
  app.post('/api/v1/purchases', async (c) => {
    const buyerPubkey = await auth.optional(c)
    const body = await parseBody(c, createPurchaseBodySchema)
    const key = c.req.header('idempotency-key')
    if (key !== undefined && !IDEMPOTENCY_KEY_RE.test(key))
      throw new AppError(
        'VALIDATION_FAILED',
        'Idempotency-Key: 1 to 255 printable ASCII characters',
      )
    if (!p.checkout) throw new AppError('WALLET_UNAVAILABLE', 'the market has no wallet configured')
    const giftTo = body.gift_to === undefined ? undefined : parsePubkey(body.gift_to.trim())
    if (body.gift_to !== undefined && !giftTo)
      throw new AppError('VALIDATION_FAILED', 'gift_to: an npub or 64 lowercase hex')
    const r = await checkout(p.checkout, {
      game: body.game,
      amountMsat: body.amount_msat === undefined ? undefined : msat(body.amount_msat),
      buyerPubkey,
      idempotencyKey: key,
      giftTo,
      giftDm: body.gift_dm,
      giftMessage: body.gift_message,
      discountCode: body.discount_code,
    })
    c.header('cache-control', 'private, no-store')
    return c.json(r.body, r.statusCode as 201)
  })
  app.get('/api/v1/purchases/:id', async (c) => {
    const pubkey = await auth.optional(c)
    const code = c.req.header('x-receipt-code')
    c.header('cache-control', 'private, no-store')
    return c.json(
      viewPurchase(p.claims, c.req.param('id').slice(0, 100), {
        pubkey,
        receiptCode: code?.slice(0, 200),
      }),
    )
  })
  return app
}
