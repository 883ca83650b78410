/**
 * OpenAPI entries for the routes that are plain Hono handlers rather than `createRoute` declarations
 * (uploads, downloads, local blobs, purchases, LNURL, payouts, metrics, the document itself). Each
 * names the shared zod schema its handler validates with or answers; the openapi test checks that
 * every mounted route is documented, so a new plain route must be added here (or use createRoute).
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { z } from 'zod'
import { DownloadQuery, DownloadTicket } from '@zapcade/shared/api/downloads'
import {
  adminPayoutsQuerySchema,
  adminPayoutsResponseSchema,
  cancelPayoutBodySchema,
  payoutViewSchema,
  payoutsQuerySchema,
  payoutsResponseSchema,
} from '@zapcade/shared/api/payouts'
import { ProblemResponse } from '@zapcade/shared/api/problem'
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
  revokeEntitlementBodySchema,
  revokeEntitlementResponseSchema,
  salesResponseSchema,
} from '@zapcade/shared/api/purchases'
import {
  CreateUploadRequest,
  UploadCompleteResponse,
  UploadStatusResponse,
  UploadTicket,
} from '@zapcade/shared/api/uploads'

type Method = 'get' | 'post' | 'put' | 'head'

interface PlainRoute {
  method: Method
  path: string
  summary: string
  tags: string[]
  auth?: 'nip98' | 'nip98-optional'
  body?: z.ZodType
  query?: z.ZodObject
  /** status → JSON schema of the answer (undefined: not JSON, e.g. a redirect or bytes). */
  responses: Record<number, z.ZodType | undefined>
}

const P = (path: string): string => path.replace(/:([A-Za-z_]+)/g, '{$1}')

export const PLAIN_ROUTES: PlainRoute[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition)',
    tags: ['ops'],
    responses: { 200: undefined },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tags: ['ops'],
    responses: { 200: undefined },
  },
  {
    method: 'put',
    path: '/blobs/upload/:token',
    summary: 'Local blob store: the signed upload target',
    tags: ['uploads'],
    responses: { 200: undefined, 403: ProblemResponse, 410: ProblemResponse, 422: ProblemResponse },
  },
  {
    method: 'get',
    path: '/blobs/get/:token',
    summary: 'Local blob store: a signed, expiring download',
    tags: ['downloads'],
    responses: { 200: undefined, 206: undefined, 403: ProblemResponse, 410: ProblemResponse },
  },
  {
    method: 'head',
    path: '/blobs/get/:token',
    summary: 'Local blob store: headers of a signed download',
    tags: ['downloads'],
    responses: { 200: undefined },
  },
  {
    method: 'post',
    path: '/api/v1/developer/uploads',
    summary: 'Start a build upload (presigned PUT bound to size, sha256, type)',
    tags: ['uploads'],
    auth: 'nip98',
    body: CreateUploadRequest,
    responses: {
      201: UploadTicket,
      400: ProblemResponse,
      401: ProblemResponse,
      403: ProblemResponse,
    },
  },
  {
    method: 'post',
    path: '/api/v1/developer/uploads/:id/complete',
    summary: 'Verify the uploaded bytes',
    tags: ['uploads'],
    auth: 'nip98',
    responses: {
      200: UploadCompleteResponse,
      401: ProblemResponse,
      404: ProblemResponse,
      422: ProblemResponse,
    },
  },
  {
    method: 'get',
    path: '/api/v1/developer/uploads/:id',
    summary: 'An upload and its verification status',
    tags: ['uploads'],
    auth: 'nip98',
    responses: { 200: UploadStatusResponse, 401: ProblemResponse, 404: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/developer/downloads',
    summary: "Download counts per release of the caller's games",
    tags: ['developer'],
    auth: 'nip98',
    responses: { 200: undefined, 401: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/admin/entitlements/:id/downloads',
    summary: 'Download trail of an entitlement',
    tags: ['admin'],
    auth: 'nip98',
    responses: { 200: undefined, 401: ProblemResponse, 403: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/games/:pubkey/:slug/download',
    summary: 'Download a build: 302 to a signed URL, or JSON with ?format=json',
    tags: ['downloads'],
    auth: 'nip98-optional',
    query: DownloadQuery,
    responses: {
      200: DownloadTicket,
      302: undefined,
      401: ProblemResponse,
      403: ProblemResponse,
      404: ProblemResponse,
      429: ProblemResponse,
    },
  },
  {
    method: 'post',
    path: '/api/v1/purchases',
    summary: 'Private checkout: an invoice for a game',
    tags: ['purchases'],
    auth: 'nip98-optional',
    body: createPurchaseBodySchema,
    responses: {
      201: createPurchaseResponseSchema,
      400: ProblemResponse,
      404: ProblemResponse,
      422: ProblemResponse,
      503: ProblemResponse,
    },
  },
  {
    method: 'get',
    path: '/api/v1/purchases/:id',
    summary: 'A purchase (its buyer, or a guest with X-Receipt-Code)',
    tags: ['purchases'],
    auth: 'nip98-optional',
    responses: { 200: purchaseViewSchema, 401: ProblemResponse, 404: ProblemResponse },
  },
  {
    method: 'post',
    path: '/api/v1/purchases/claim',
    summary: "Claim a guest purchase into the caller's pubkey",
    tags: ['purchases'],
    auth: 'nip98',
    body: claimPurchaseBodySchema,
    responses: {
      200: claimPurchaseResponseSchema,
      401: ProblemResponse,
      409: ProblemResponse,
      422: ProblemResponse,
    },
  },
  {
    method: 'get',
    path: '/api/v1/me/library',
    summary: "The caller's entitled games",
    tags: ['purchases'],
    auth: 'nip98',
    responses: { 200: libraryResponseSchema, 401: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/developer/sales',
    summary: "Sales of the caller's games",
    tags: ['developer'],
    auth: 'nip98',
    query: pageQuerySchema,
    responses: { 200: salesResponseSchema, 401: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/developer/ledger',
    summary: 'Ledger entries of the caller',
    tags: ['developer'],
    auth: 'nip98',
    query: pageQuerySchema,
    responses: { 200: developerLedgerResponseSchema, 401: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/developer/payouts',
    summary: 'Payouts to the caller',
    tags: ['developer'],
    auth: 'nip98',
    query: payoutsQuerySchema,
    responses: { 200: payoutsResponseSchema, 401: ProblemResponse },
  },
  {
    method: 'get',
    path: '/api/v1/admin/ledger/check',
    summary: 'Check the ledger invariants',
    tags: ['admin'],
    auth: 'nip98',
    responses: { 200: ledgerCheckResponseSchema, 401: ProblemResponse, 403: ProblemResponse },
  },
  {
    method: 'post',
    path: '/api/v1/admin/entitlements/:id/revoke',
    summary: 'Revoke an entitlement',
    tags: ['admin'],
    auth: 'nip98',
    body: revokeEntitlementBodySchema,
    responses: {
      200: revokeEntitlementResponseSchema,
      401: ProblemResponse,
      403: ProblemResponse,
      404: ProblemResponse,
    },
  },
  {
    method: 'get',
    path: '/api/v1/admin/payouts',
    summary: 'Payouts needing a person (FAILED, RETRYING) or of one status',
    tags: ['admin'],
    auth: 'nip98',
    query: adminPayoutsQuerySchema,
    responses: {
      200: adminPayoutsResponseSchema,
      400: ProblemResponse,
      401: ProblemResponse,
      403: ProblemResponse,
    },
  },
  {
    method: 'post',
    path: '/api/v1/admin/payouts/:id/retry',
    summary: 'Retry a failed payout',
    tags: ['admin'],
    auth: 'nip98',
    responses: {
      200: payoutViewSchema,
      401: ProblemResponse,
      403: ProblemResponse,
      404: ProblemResponse,
      409: ProblemResponse,
    },
  },
  {
    method: 'post',
    path: '/api/v1/admin/payouts/:id/cancel',
    summary: 'Cancel a payout',
    tags: ['admin'],
    auth: 'nip98',
    body: cancelPayoutBodySchema,
    responses: {
      200: payoutViewSchema,
      401: ProblemResponse,
      403: ProblemResponse,
      404: ProblemResponse,
      409: ProblemResponse,
    },
  },
  {
    method: 'get',
    path: '/.well-known/lnurlp/:name',
    summary: 'LUD-16/LUD-06 pay request of the market (allowsNostr, nostrPubkey)',
    tags: ['zaps'],
    responses: { 200: undefined, 404: undefined },
  },
  {
    method: 'get',
    path: '/lnurlp/:name/callback',
    summary: 'LUD-06 callback: an invoice for a zap request (NIP-57 App. D)',
    tags: ['zaps'],
    responses: { 200: undefined, 400: undefined, 404: undefined, 503: undefined },
  },
]

/** Add the plain routes to the app's OpenAPI registry. */
export function documentPlainRoutes(app: OpenAPIHono): void {
  for (const r of PLAIN_ROUTES) {
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!)
    const responses = Object.fromEntries(
      Object.entries(r.responses).map(([status, schema]) => [
        status,
        {
          description: Number(status) >= 400 ? 'problem' : 'answer',
          ...(schema
            ? {
                content: {
                  [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: {
                    schema,
                  },
                },
              }
            : {}),
        },
      ]),
    )
    app.openAPIRegistry.registerPath({
      method: r.method === 'head' ? 'head' : r.method,
      path: P(r.path),
      summary: r.summary,
      tags: r.tags,
      ...(r.auth ? { security: r.auth === 'nip98' ? [{ nip98: [] }] : [{ nip98: [] }, {}] } : {}),
      request: {
        ...(r.body
          ? { body: { required: true, content: { 'application/json': { schema: r.body } } } }
          : {}),
        ...(r.query ? { query: r.query } : {}),
      },
      ...(params.length
        ? {
            parameters: params.map((name) => ({
              name,
              in: 'path' as const,
              required: true,
              schema: { type: 'string' as const },
            })),
          }
        : {}),
      responses,
    })
  }
}
