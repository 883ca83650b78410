/**
 * OpenAPI documentation of the payments routes (served in `/openapi.json`). The handlers are plain Hono
 * routes (routes/purchases.ts, library.ts, ledger-admin.ts) that validate with the same shared zod
 * schemas; this file only registers their paths, bodies and answers.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { problems } from '../http/problem.ts'
import {
  claimPurchaseBodySchema,
  claimPurchaseResponseSchema,
  createPurchaseBodySchema,
  createPurchaseResponseSchema,
  developerLedgerResponseSchema,
  ledgerCheckResponseSchema,
  libraryResponseSchema,
  pageQuerySchema,
  purchaseViewSchema,
  paymentAlertSchema,
  paymentAlertsQuerySchema,
  paymentAlertsResponseSchema,
  resolvePaymentAlertBodySchema,
  revokeEntitlementBodySchema,
  revokeEntitlementResponseSchema,
  salesResponseSchema,
} from '@zapcade/shared/api/purchases'

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = (schema: z.ZodType) => ({
  body: { required: true, content: { 'application/json': { schema } } },
})
const nip98 = [{ nip98: [] }]
const optionalNip98 = [{ nip98: [] }, {}]
const id = z.object({ id: z.string() })

/** Register the payments paths on the app's OpenAPI registry. */
export function registerPaymentsDocs(app: OpenAPIHono): void {
  const r = app.openAPIRegistry
  r.registerPath({
    method: 'post',
    path: '/api/v1/purchases',
    tags: ['purchases'],
    security: optionalNip98,
    summary:
      'Checkout: an invoice for a paid game (NIP-98 buyer, or a guest who gets a receipt code once)',
    request: {
      ...body(createPurchaseBodySchema),
      headers: z.object({ 'idempotency-key': z.string().max(255).optional() }),
    },
    responses: {
      201: json(createPurchaseResponseSchema, 'PENDING purchase with its BOLT11 invoice'),
      ...problems(400, 401, 404, 409, 422, 503),
    },
  })
  r.registerPath({
    method: 'get',
    path: '/api/v1/purchases/{id}',
    tags: ['purchases'],
    security: optionalNip98,
    summary:
      'A purchase, for its buyer (NIP-98) or the holder of its receipt code (X-Receipt-Code)',
    request: { params: id, headers: z.object({ 'x-receipt-code': z.string().optional() }) },
    responses: { 200: json(purchaseViewSchema, 'the purchase'), ...problems(401, 404) },
  })
  r.registerPath({
    method: 'post',
    path: '/api/v1/purchases/claim',
    tags: ['purchases'],
    security: nip98,
    summary: 'Move a guest purchase and its entitlement to the signed-in pubkey',
    request: body(claimPurchaseBodySchema),
    responses: {
      200: json(
        claimPurchaseResponseSchema,
        'claimed (a repeat by the same pubkey answers the same)',
      ),
      ...problems(400, 401, 409, 422),
    },
  })
  r.registerPath({
    method: 'get',
    path: '/api/v1/me/library',
    tags: ['purchases'],
    security: nip98,
    summary: 'Entitled games with their releases',
    responses: { 200: json(libraryResponseSchema, 'library'), ...problems(401) },
  })
  r.registerPath({
    method: 'get',
    path: '/api/v1/developer/sales',
    tags: ['developer'],
    security: nip98,
    summary: "Paid purchases of the caller's games",
    request: { query: pageQuerySchema },
    responses: { 200: json(salesResponseSchema, 'sales, newest first'), ...problems(400, 401) },
  })
  r.registerPath({
    method: 'get',
    path: '/api/v1/developer/ledger',
    tags: ['developer'],
    security: nip98,
    summary: "The caller's ledger entries and balance owed (Σ DEVELOPER_NET − Σ PAYOUT_SENT)",
    request: { query: pageQuerySchema },
    responses: {
      200: json(developerLedgerResponseSchema, 'entries, newest first'),
      ...problems(400, 401),
    },
  })
  r.registerPath({
    method: 'get',
    path: '/api/v1/admin/ledger/check',
    tags: ['admin'],
    security: nip98,
    summary: 'Check every ledger invariant',
    responses: { 200: json(ledgerCheckResponseSchema, '{ok, violations}'), ...problems(401, 403) },
  })
  r.registerPath({
    method: 'get',
    path: '/api/v1/admin/payment-alerts',
    tags: ['admin'],
    security: nip98,
    summary:
      'Payments the wallet proved that settlement could not book (short, or for a FAILED purchase)',
    request: { query: paymentAlertsQuerySchema },
    responses: {
      200: json(paymentAlertsResponseSchema, 'alerts, oldest first'),
      ...problems(400, 401, 403),
    },
  })
  r.registerPath({
    method: 'post',
    path: '/api/v1/admin/payment-alerts/{purchaseId}/resolve',
    tags: ['admin'],
    security: nip98,
    summary: 'Resolve a payment alert with a note; a still PENDING purchase becomes FAILED',
    request: {
      params: z.object({ purchaseId: z.string() }),
      ...body(resolvePaymentAlertBodySchema),
    },
    responses: { 200: json(paymentAlertSchema, 'resolved'), ...problems(400, 401, 403, 404, 409) },
  })
  r.registerPath({
    method: 'post',
    path: '/api/v1/admin/entitlements/{id}/revoke',
    tags: ['admin'],
    security: nip98,
    summary: 'Revoke an entitlement (once)',
    request: { params: id, ...body(revokeEntitlementBodySchema) },
    responses: {
      200: json(revokeEntitlementResponseSchema, 'revoked'),
      ...problems(400, 401, 403, 404),
    },
  })
}
