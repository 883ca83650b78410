/**
 * The typed Zapcade SDK: `createZapcadeClient({baseUrl, signer?, fetch?})`. Request and response types
 * come from the shared zod schemas (docs/architecture.md "HTTP API rules") and every answer is parsed with them; errors
 * are ZapcadeApiError (problem+json), ZapcadeNetworkError or ZapcadeResponseError. Browser-safe.
 */
import { DownloadTicket } from '@zapcade/shared/api/downloads'
import { MeResponse } from '@zapcade/shared/api/me'
import {
  GameDetailResponse,
  GameListResponse,
  MarketInfoResponse,
  type GameListParams,
} from '@zapcade/shared/api/catalog'
import {
  claimPurchaseResponseSchema,
  createPurchaseResponseSchema,
  developerLedgerResponseSchema,
  ledgerCheckResponseSchema,
  libraryResponseSchema,
  paymentAlertSchema,
  paymentAlertsResponseSchema,
  purchaseViewSchema,
  revokeEntitlementResponseSchema,
  salesResponseSchema,
  type CreatePurchaseBody,
} from '@zapcade/shared/api/purchases'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { Signer } from '../signers/signer.ts'
import { request, type HttpContext } from './http.ts'
import { gameAddressOf, type GameRef } from './game-ref.ts'
import { uploadApi } from './uploads.ts'
import { developerApi, adminApi, eventsApi } from './developer.ts'
import { entitlementsApi } from './entitlements.ts'

export interface ZapcadeClientOptions {
  /** The market's public origin, e.g. `http://127.0.0.1:8787` (NIP-98 `u` is built from it). */
  baseUrl: string
  signer?: Signer | undefined
  fetch?: typeof fetch
  /** Clock in ms for NIP-98 `created_at` (tests inject one). */
  now?: () => number
}

const gamePath = (ref: GameRef): string => {
  const a = gameAddressOf(ref)
  return `api/v1/games/${a.pubkey}/${encodeURIComponent(a.slug)}`
}

export function createZapcadeClient(opts: ZapcadeClientOptions) {
  const ctx: HttpContext = {
    baseUrl: opts.baseUrl,
    signer: opts.signer,
    fetch: opts.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: opts.now ?? (() => Date.now()),
  }
  const receiptHeader = (code: string | undefined): Record<string, string> =>
    code ? { 'x-receipt-code': code } : {}
  return {
    baseUrl: opts.baseUrl,
    signer: opts.signer,
    /** A copy of this client signing with another signer (or none). */
    withSigner: (signer: Signer | undefined) => createZapcadeClient({ ...opts, signer }),

    info: () =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/info',
        auth: 'none',
        schema: MarketInfoResponse,
      }),

    games: {
      list: (q: GameListParams = {}) =>
        request(ctx, {
          method: 'GET',
          path: 'api/v1/games',
          query: { ...q },
          auth: 'none',
          schema: GameListResponse,
        }),
      search: (words: string, q: Omit<GameListParams, 'q'> = {}) =>
        request(ctx, {
          method: 'GET',
          path: 'api/v1/games',
          query: { ...q, q: words },
          auth: 'none',
          schema: GameListResponse,
        }),
      /** Signed when a signer is present, so a developer sees their own drafts. */
      get: (ref: GameRef) =>
        request(ctx, {
          method: 'GET',
          path: gamePath(ref),
          auth: 'optional',
          schema: GameDetailResponse,
        }),
    },

    purchases: {
      /** Signed in: the purchase belongs to the signer; without a signer it is a guest purchase with a receipt code. */
      create: (body: CreatePurchaseBody, o: { guest?: boolean } = {}) =>
        request(ctx, {
          method: 'POST',
          path: 'api/v1/purchases',
          body,
          auth: o.guest ? 'none' : 'optional',
          schema: createPurchaseResponseSchema,
        }),
      get: (id: string, o: { receiptCode?: string | undefined } = {}) =>
        request(ctx, {
          method: 'GET',
          path: `api/v1/purchases/${encodeURIComponent(id)}`,
          auth: o.receiptCode ? 'none' : 'required',
          headers: receiptHeader(o.receiptCode),
          schema: purchaseViewSchema,
        }),
      claim: (receiptCode: string) =>
        request(ctx, {
          method: 'POST',
          path: 'api/v1/purchases/claim',
          body: { receipt_code: receiptCode },
          auth: 'required',
          schema: claimPurchaseResponseSchema,
        }),
    },

    /** Who the signer is to this market: pubkey, npub, is_admin, payout address and game count. */
    me: () =>
      request(ctx, { method: 'GET', path: 'api/v1/me', auth: 'required', schema: MeResponse }),

    library: () =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/me/library',
        auth: 'required',
        schema: libraryResponseSchema,
      }),

    /** Ownership for launchers: `check(game)` and the market-signed `proof(game)` (NIP-98 by the player). */
    entitlements: entitlementsApi(ctx),

    /** A short-lived download URL with the expected sha256 and size (`?format=json`). */
    download: (
      ref: GameRef,
      o: { version?: string | undefined; receiptCode?: string | undefined } = {},
    ) =>
      request(ctx, {
        method: 'GET',
        path: `${gamePath(ref)}/download`,
        query: { version: o.version, format: 'json' },
        auth: o.receiptCode ? 'none' : 'optional',
        headers: receiptHeader(o.receiptCode),
        schema: DownloadTicket,
      }),

    events: eventsApi(ctx),
    developer: {
      ...developerApi(ctx),
      sales: (q: { limit?: number; cursor?: string } = {}) =>
        request(ctx, {
          method: 'GET',
          path: 'api/v1/developer/sales',
          query: q,
          auth: 'required',
          schema: salesResponseSchema,
        }),
      ledger: (q: { limit?: number; cursor?: string } = {}) =>
        request(ctx, {
          method: 'GET',
          path: 'api/v1/developer/ledger',
          query: q,
          auth: 'required',
          schema: developerLedgerResponseSchema,
        }),
      uploads: uploadApi(ctx),
    },
    admin: {
      ...adminApi(ctx),
      ledgerCheck: () =>
        request(ctx, {
          method: 'GET',
          path: 'api/v1/admin/ledger/check',
          auth: 'required',
          schema: ledgerCheckResponseSchema,
        }),
      /** Proven payments settlement could not book (open ones by default). */
      paymentAlerts: (status: 'open' | 'all' = 'open') =>
        request(ctx, {
          method: 'GET',
          path: 'api/v1/admin/payment-alerts',
          query: { status },
          auth: 'required',
          schema: paymentAlertsResponseSchema,
        }),
      resolvePaymentAlert: (purchaseId: string, note: string) =>
        request(ctx, {
          method: 'POST',
          path: `api/v1/admin/payment-alerts/${encodeURIComponent(purchaseId)}/resolve`,
          body: { note },
          auth: 'required',
          schema: paymentAlertSchema,
        }),
      revokeEntitlement: (id: string, reason: string) =>
        request(ctx, {
          method: 'POST',
          path: `api/v1/admin/entitlements/${encodeURIComponent(id)}/revoke`,
          body: { reason },
          auth: 'required',
          schema: revokeEntitlementResponseSchema,
        }),
    },
  }
}

export type ZapcadeClient = ReturnType<typeof createZapcadeClient>
export type { NostrEvent }
export { gameAddressOf, type GameRef }
