/**
 * Refund routes (docs/refunds.md):
 * - `POST /api/v1/purchases/:id/refund` (the buyer by NIP-98, or a guest with `X-Receipt-Code`) → 202
 *   `{refund_id, status, withdraw_url?}`; `GET /api/v1/purchases/:id/refund` reads it again;
 * - `PUT /api/v1/developer/games/:slug/refund-policy` `{window_days, max_hours_since_download}`, shown to
 *   buyers at `GET /api/v1/games/:pubkey/:slug/refund-policy`;
 * - `GET /api/v1/developer/refunds`, `POST /api/v1/developer/refunds/:id/approve|decline` (the game's
 *   developer or an admin);
 * - `POST /api/v1/admin/purchases/:id/refund` (an admin refunds any purchase).
 * The factory takes its ports explicitly (no database handle); the LNURL-withdraw endpoints the links
 * point at are in routes/lnurl-withdraw.ts.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z } from 'zod'
import {
  RefundDecisionBody,
  RefundListQuery,
  RefundListResponse,
  RefundPolicyBody,
  RefundPolicyResponse,
  RefundRequestBody,
  RefundView,
} from '@zapcade/shared/api/refunds'
import { AppError } from '@zapcade/shared/errors'
import type { Refund } from '../ports/refund-repo.ts'
import {
  approveRefund,
  declineRefund,
  lnurlOf,
  refundOfPurchase,
  requestRefund,
  withdrawUrl,
  type Caller,
  type RefundDeps,
} from '../domain/refund/refund-service.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import { lnurlWithdrawRoutes } from './lnurl-withdraw.ts'
import type { RouteAuth } from './route-auth.ts'

export interface RefundRouteDeps {
  refunds: RefundDeps
  auth: RouteAuth
}

/** The wire shape; the withdraw link only for its owner, and only while it can be claimed. */
export function refundView(
  d: Pick<RefundDeps, 'secret' | 'publicUrl' | 'clock'>,
  r: Refund,
  owner: boolean,
): RefundView {
  const live =
    owner && r.status === 'AWAITING_CLAIM' && (r.withdrawExpiresAtSec ?? 0) > d.clock.nowSec()
  const url = live ? withdrawUrl(d, r) : undefined
  return {
    refund_id: r.id,
    purchase_id: r.purchaseId,
    status: r.status,
    amount_msat: r.amountMsat,
    game: r.game,
    requested_by: r.requestedBy,
    reason: r.reason,
    auto_approved: r.autoApproved,
    destination_kind: r.destinationKind,
    ...(url ? { withdraw_url: url, lnurl: lnurlOf(url) } : {}),
    withdraw_expires_at: r.withdrawExpiresAtSec,
    payment_hash: r.paymentHash,
    last_error: r.lastError,
    decision_note: r.decisionNote,
    created_at: r.createdAtSec,
    updated_at: r.updatedAtSec,
    sent_at: r.sentAtSec,
  }
}

const PurchaseParam = z.object({ id: z.string().min(1).max(100) })
const RefundParam = z.object({ id: z.string().min(1).max(100) })
const SlugParam = z.object({ slug: z.string().min(1).max(64) })
const ReceiptHeader = z.object({
  'x-receipt-code': z.string().max(200).optional(),
})

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** Hono routes for refunds; mount at the app root. */
export function refundRoutes(deps: RefundRouteDeps): OpenAPIHono {
  const d = deps.refunds
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const buyer = async (c: Context): Promise<Caller> => {
    const pubkey = await deps.auth.optional(c)
    if (pubkey) return { kind: 'buyer', pubkey }
    const code = c.req.header('x-receipt-code')
    if (code) return { kind: 'guest', receiptCode: code.slice(0, 200) }
    throw new AppError('AUTH_REQUIRED', 'sign the request with NIP-98 or send X-Receipt-Code')
  }
  const noStore = (c: Context) => c.header('cache-control', 'private, no-store')

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/purchases/{id}/refund',
      tags: ['refunds'],
      security: [{ nip98: [] }, {}],
      summary:
        'Ask for a purchase to be refunded (the buyer by NIP-98, a guest with X-Receipt-Code); inside the game policy it is approved at once',
      request: {
        params: PurchaseParam,
        headers: ReceiptHeader,
        // Both fields are optional: a bare POST (no body) asks with neither.
        body: { required: false, content: { 'application/json': { schema: RefundRequestBody } } },
      },
      responses: {
        202: json(RefundView, 'the refund (the same one when asked again)'),
        ...problems(400, 401, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const caller = await buyer(c)
      const body = (c.req.valid('json') as RefundRequestBody | undefined) ?? {}
      const r = requestRefund(d, c.req.valid('param').id, caller, body)
      noStore(c)
      return c.json(refundView(d, r, true), 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/purchases/{id}/refund',
      tags: ['refunds'],
      security: [{ nip98: [] }, {}],
      summary:
        "A purchase's refund, for its buyer or guest (with the withdraw link while it works)",
      request: { params: PurchaseParam, headers: ReceiptHeader },
      responses: {
        200: json(RefundView, 'the refund'),
        ...problems(401, 404),
      },
    }),
    async (c) => {
      const caller = await buyer(c)
      const r = refundOfPurchase(d, c.req.valid('param').id, caller)
      noStore(c)
      return c.json(refundView(d, r, true), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/developer/games/{slug}/refund-policy',
      tags: ['refunds'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(deps.auth, 'required')] as const,
      summary:
        "Set a game's refund policy: automatic within window_days of payment and max_hours_since_download of the first download",
      request: {
        params: SlugParam,
        body: { required: true, content: { 'application/json': { schema: RefundPolicyBody } } },
      },
      responses: {
        200: json(RefundPolicyResponse, 'saved'),
        ...problems(400, 401, 404, 413, 415),
      },
    }),
    (c) => {
      const pubkey = callerOf(c)
      const slug = c.req.valid('param').slug
      const body = c.req.valid('json')
      const gameId = d.repo.gameId(pubkey, slug)
      if (gameId === undefined)
        throw new AppError('GAME_NOT_FOUND', 'no game of yours has this slug')
      d.repo.setPolicy(
        gameId,
        { windowDays: body.window_days, maxHoursSinceDownload: body.max_hours_since_download },
        d.clock.nowSec(),
      )
      noStore(c)
      return c.json({ ...body, game: { pubkey, slug } }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/games/{pubkey}/{slug}/refund-policy',
      tags: ['refunds', 'catalog'],
      summary:
        "A game's refund policy as buyers see it (no policy: window_days 0, no automatic refund)",
      request: {
        params: z.object({
          pubkey: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex'),
          slug: z.string().min(1).max(64),
        }),
      },
      responses: {
        200: json(RefundPolicyResponse, 'the policy'),
        ...problems(400, 404),
      },
    }),
    (c) => {
      const { pubkey, slug } = c.req.valid('param')
      const gameId = d.repo.gameId(pubkey, slug)
      if (gameId === undefined) throw new AppError('GAME_NOT_FOUND', 'no such game')
      const p = d.repo.policy(gameId)
      c.header('cache-control', 'public, max-age=60')
      return c.json(
        {
          window_days: p?.windowDays ?? 0,
          max_hours_since_download: p?.maxHoursSinceDownload ?? null,
          game: { pubkey, slug },
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/refunds',
      tags: ['refunds'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(deps.auth, 'required')] as const,
      summary:
        "Refunds of the caller's games, newest first, and their balance (negative while a refund is owed back)",
      request: { query: RefundListQuery },
      responses: {
        200: json(RefundListResponse, 'refunds and balance'),
        ...problems(400, 401),
      },
    }),
    (c) => {
      const pubkey = callerOf(c)
      const items = d.repo.listForDeveloper(pubkey, c.req.valid('query').status, 200)
      const b = d.repo.developerBalance(pubkey)
      noStore(c)
      return c.json(
        {
          items: items.map((r) => ({ ...refundView(d, r, false), buyer_pubkey: r.buyerPubkey })),
          balance_msat: b.balanceMsat,
          refunded_msat: b.refundedMsat,
          owed_back_msat: b.owedBackMsat,
        },
        200,
      )
    },
  )

  for (const action of ['approve', 'decline'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/developer/refunds/{id}/${action}`,
        tags: ['refunds'],
        security: [{ nip98: [] }],
        middleware: [authMiddleware(deps.auth, 'required')] as const,
        summary:
          action === 'approve'
            ? 'Approve a waiting refund (the game developer or an admin; an admin may approve a declined one)'
            : 'Decline a waiting refund (the game developer or an admin)',
        request: {
          params: RefundParam,
          body: {
            required: false,
            content: { 'application/json': { schema: RefundDecisionBody } },
          },
        },
        responses: {
          200: json(RefundView, action === 'approve' ? 'approved' : 'declined'),
          ...problems(400, 401, 404, 409),
        },
      }),
      (c) => {
        const pubkey = callerOf(c)
        const note = (c.req.valid('json') as { note?: string } | undefined)?.note
        const id = c.req.valid('param').id
        const r =
          action === 'approve'
            ? approveRefund(d, id, pubkey, note)
            : declineRefund(d, id, pubkey, note)
        noStore(c)
        return c.json(refundView(d, r, false), 200)
      },
    )
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/purchases/{id}/refund',
      tags: ['refunds', 'admin'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(deps.auth, 'admin')] as const,
      summary:
        "Refund any paid checkout (admin): approved at once, to the destination given, the buyer's profile address, or a withdraw link",
      request: {
        params: PurchaseParam,
        // Both fields are optional: a bare POST (no body) asks with neither.
        body: { required: false, content: { 'application/json': { schema: RefundRequestBody } } },
      },
      responses: {
        202: json(RefundView, 'the refund'),
        ...problems(400, 401, 403, 404, 409, 413, 415),
      },
    }),
    (c) => {
      const r = requestRefund(
        d,
        c.req.valid('param').id,
        { kind: 'admin', pubkey: callerOf(c) },
        (c.req.valid('json') as RefundRequestBody | undefined) ?? {},
      )
      noStore(c)
      // The admin hands a withdraw link to a guest who has no wallet address.
      return c.json(refundView(d, r, true), 202)
    },
  )
  return app
}

/** The refund routes and the withdraw-link endpoints, when the ports carry the refunds feature. */
export function refundFeature(ctx: {
  ports: { refunds?: RefundDeps | undefined }
  auth: RouteAuth
}): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const refunds = ctx.ports.refunds
  if (!refunds) return app
  app.route('/', refundRoutes({ refunds, auth: ctx.auth }))
  app.route('/', lnurlWithdrawRoutes({ refunds }))
  return app
}
