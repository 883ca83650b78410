/**
 * Checkout routes (docs/architecture.md "HTTP API rules"): `POST /api/v1/purchases` (NIP-98 optional; guests get a
 * receipt code once; `Idempotency-Key` replays the first answer), `GET /api/v1/purchases/:id` (the buyer
 * by NIP-98 or the guest by `X-Receipt-Code`), `POST /api/v1/purchases/claim` (NIP-98).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { AppError } from '@zapcade/shared/errors'
import { parsePubkey } from '@zapcade/shared/ids'
import { msat } from '@zapcade/shared/money'
import {
  claimPurchaseBodySchema,
  claimPurchaseResponseSchema,
  createPurchaseBodySchema,
  createPurchaseResponseSchema,
  purchaseViewSchema,
} from '@zapcade/shared/api/purchases'
import { checkout } from '../domain/purchase/checkout.ts'
import { claimPurchase, viewPurchase } from '../domain/purchase/claim.ts'
import type { Payments } from '../domain/purchase/payments.ts'
import { authMiddleware, callerOf, optionalCallerOf } from '../http/auth-nip98.ts'
import { jsonBody, jsonContent } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { RouteAuth } from './route-auth.ts'

/** Stripe's bound: at most 255 printable characters. */
const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/

const nip98 = [{ nip98: [] }]
const nip98Optional = [{ nip98: [] }, {}]

/** Checkout, the purchase view and guest claims; mount at the app root. */
export function purchaseRoutes(p: Payments, auth: RouteAuth): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  // NIP-98 is checked before the body (its payload hash covers the raw bytes).
  const optional = authMiddleware(auth, 'optional')
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/purchases/claim',
      tags: ['purchases'],
      security: nip98,
      middleware: [authMiddleware(auth, 'required')] as const,
      summary: 'Move a guest purchase and its entitlement to the signed-in pubkey',
      request: { body: jsonBody(claimPurchaseBodySchema) },
      responses: {
        200: jsonContent(
          claimPurchaseResponseSchema,
          'claimed (a repeat by the same pubkey answers the same)',
        ),
        ...problems(400, 401, 409, 422),
      },
    }),
    (c) => {
      const body = c.req.valid('json')
      c.header('cache-control', 'private, no-store')
      return c.json(claimPurchase(p.claims, body.receipt_code, callerOf(c)), 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/purchases',
      tags: ['purchases'],
      security: nip98Optional,
      middleware: [optional] as const,
      summary:
        'Checkout: an invoice for a paid game (NIP-98 buyer, or a guest who gets a receipt code once)',
      request: {
        body: jsonBody(createPurchaseBodySchema),
        headers: z.object({
          'idempotency-key': z
            .string()
            .regex(IDEMPOTENCY_KEY_RE, '1 to 255 printable ASCII characters')
            .optional(),
        }),
      },
      responses: {
        200: jsonContent(createPurchaseResponseSchema, 'the answer an Idempotency-Key replays'),
        201: jsonContent(createPurchaseResponseSchema, 'PENDING purchase with its BOLT11 invoice'),
        ...problems(400, 401, 404, 409, 413, 415, 422, 429, 503),
      },
    }),
    async (c) => {
      const buyerPubkey = optionalCallerOf(c)
      const body = c.req.valid('json')
      const key = c.req.valid('header')['idempotency-key']
      if (!p.checkout)
        throw new AppError('WALLET_UNAVAILABLE', 'the market has no wallet configured')
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
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/purchases/{id}',
      tags: ['purchases'],
      security: nip98Optional,
      middleware: [optional] as const,
      summary:
        'A purchase, for its buyer (NIP-98) or the holder of its receipt code (X-Receipt-Code)',
      request: {
        params: z.object({ id: z.string() }),
        headers: z.object({ 'x-receipt-code': z.string().optional() }),
      },
      responses: { 200: jsonContent(purchaseViewSchema, 'the purchase'), ...problems(401, 404) },
    }),
    (c) => {
      const code = c.req.header('x-receipt-code')
      c.header('cache-control', 'private, no-store')
      return c.json(
        viewPurchase(p.claims, c.req.valid('param').id.slice(0, 100), {
          pubkey: optionalCallerOf(c),
          receiptCode: code?.slice(0, 200),
        }),
        200,
      )
    },
  )
  return app
}
