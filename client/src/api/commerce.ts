/**
 * SDK section for download keys, sales and discount codes (docs/keys-gifts-sales.md). Gifts go through
 * `purchases.create` with `gift_to`.
 */
import {
  ClaimKeyResponse,
  KeyStatsResponse,
  MintKeysResponse,
  RedeemKeyResponse,
  RevokeKeyResponse,
} from '@zapcade/shared/api/keys'
import {
  CodeDto,
  PriceBreakdown,
  SaleDto,
  type CreateCodeBody,
  type CreateSaleBody,
} from '@zapcade/shared/api/sales'
import { request, type HttpContext } from './http.ts'

const slugPath = (slug: string, what: string): string =>
  `api/v1/developer/games/${encodeURIComponent(slug)}/${what}`

export function commerceApi(ctx: HttpContext) {
  return {
    keys: {
      mint: (slug: string, count: number) =>
        request(ctx, {
          method: 'POST',
          path: slugPath(slug, 'keys'),
          body: { count },
          auth: 'required',
          schema: MintKeysResponse,
        }),
      stats: (slug: string) =>
        request(ctx, {
          method: 'GET',
          path: slugPath(slug, 'keys'),
          auth: 'required',
          schema: KeyStatsResponse,
        }),
      revoke: (key: string) =>
        request(ctx, {
          method: 'POST',
          path: `api/v1/developer/keys/${encodeURIComponent(key)}/revoke`,
          auth: 'required',
          schema: RevokeKeyResponse,
        }),
      /** Signed when the context has a signer; a guest gets a receipt code. */
      redeem: (key: string) =>
        request(ctx, {
          method: 'POST',
          path: 'api/v1/keys/redeem',
          body: { key },
          auth: 'optional',
          schema: RedeemKeyResponse,
        }),
      claim: (receiptCode: string) =>
        request(ctx, {
          method: 'POST',
          path: 'api/v1/keys/claim',
          body: { receipt_code: receiptCode },
          auth: 'required',
          schema: ClaimKeyResponse,
        }),
    },
    sales: {
      create: (slug: string, body: CreateSaleBody) =>
        request(ctx, {
          method: 'POST',
          path: slugPath(slug, 'sales'),
          body,
          auth: 'required',
          schema: SaleDto,
        }),
    },
    codes: {
      create: (slug: string, body: CreateCodeBody) =>
        request(ctx, {
          method: 'POST',
          path: slugPath(slug, 'codes'),
          body,
          auth: 'required',
          schema: CodeDto,
        }),
    },
    price: (pubkey: string, slug: string, code?: string) =>
      request(ctx, {
        method: 'GET',
        path: `api/v1/games/${pubkey}/${encodeURIComponent(slug)}/price`,
        ...(code !== undefined ? { query: { code } } : {}),
        auth: 'none',
        schema: PriceBreakdown,
      }),
  }
}
