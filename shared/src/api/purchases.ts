/**
 * HTTP API of purchases, the buyer's library, the developer's sales and ledger, and the admin ledger
 * check (docs/architecture.md sections 3 and 5). snake_case on the wire; exported for the client SDK.
 */
import { z } from 'zod'
import { PURCHASE_STATUSES, LEDGER_ENTRY_TYPES } from '../status.ts'
import { PriceBreakdown } from './sales.ts'

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const msatInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

export const purchaseStatusSchema = z.enum(PURCHASE_STATUSES)
export type PurchaseStatusDto = z.infer<typeof purchaseStatusSchema>

/** `POST /api/v1/purchases` body: `game` is `<pubkey|npub>/<slug>`, an naddr or a `32267:` coordinate. */
export const createPurchaseBodySchema = z
  .object({
    game: z.string().min(3).max(400),
    /** Pay what you want: at least the price (after any sale and code); absent = the price. */
    amount_msat: msatInt.positive().optional(),
    /** A gift: this npub or hex pubkey is entitled once paid, not the buyer. */
    gift_to: z.string().min(60).max(100).optional(),
    /** Tell the gift's recipient by a NIP-17 direct message from the market (default true). */
    gift_dm: z.boolean().optional(),
    /** A note for the recipient, in the direct message. */
    gift_message: z.string().max(500).optional(),
    /** A discount code of the game (case-insensitive). */
    discount_code: z.string().min(1).max(60).optional(),
  })
  .strict()
export type CreatePurchaseBody = z.infer<typeof createPurchaseBodySchema>

/**
 * The 201 answer; `receipt_code` only for a guest, only in this answer. An idempotent replay to a guest
 * never carries it (`receipt_code_withheld: true`): whoever sends the same key is not proven to be that guest.
 */
export const createPurchaseResponseSchema = z.object({
  id: z.string(),
  status: purchaseStatusSchema,
  bolt11: z.string(),
  payment_hash: hex64,
  amount_msat: msatInt,
  expires_at: z.number().int(),
  receipt_code: z.string().optional(),
  receipt_code_withheld: z.boolean().optional(),
  /** The price and why: list price, the active sale, the code, what the invoice asks at least. */
  price: PriceBreakdown.optional(),
  /** A gift's recipient (hex). */
  gift_to: hex64.optional(),
})
export type CreatePurchaseResponse = z.infer<typeof createPurchaseResponseSchema>

/** `GET /api/v1/purchases/:id` (buyer by NIP-98 or guest by `X-Receipt-Code`). */
export const purchaseViewSchema = z.object({
  id: z.string(),
  status: purchaseStatusSchema,
  kind: z.enum(['CHECKOUT', 'ZAP']),
  game: z.object({ pubkey: hex64, slug: z.string(), title: z.string() }).nullable(),
  bolt11: z.string(),
  payment_hash: hex64,
  amount_msat: msatInt,
  price_msat: msatInt,
  created_at: z.number().int(),
  expires_at: z.number().int(),
  paid_at: z.number().int().nullable(),
  paid_late: z.boolean(),
  is_tip: z.boolean(),
  owner: z.enum(['buyer', 'guest']),
  entitlement_id: z.string().nullable(),
})
export type PurchaseView = z.infer<typeof purchaseViewSchema>

/** `POST /api/v1/purchases/claim` body (NIP-98). */
export const claimPurchaseBodySchema = z
  .object({ receipt_code: z.string().min(1).max(200) })
  .strict()
export type ClaimPurchaseBody = z.infer<typeof claimPurchaseBodySchema>

export const claimPurchaseResponseSchema = z.object({
  purchase_id: z.string(),
  status: purchaseStatusSchema,
  owner_pubkey: hex64,
  entitlement_id: z.string().nullable(),
})
export type ClaimPurchaseResponse = z.infer<typeof claimPurchaseResponseSchema>

/** `GET /api/v1/me/library`: every game the caller is entitled to, with its releases. */
export const libraryResponseSchema = z.object({
  items: z.array(
    z.object({
      entitlement_id: z.string(),
      /** Null for an entitlement from a download key. */
      purchase_id: z.string().nullable(),
      /** How it was obtained: a checkout, zaps, a gift, a download key. */
      origin: z.enum(['purchase', 'zap', 'gift', 'key']),
      granted_at: z.number().int(),
      revoked_at: z.number().int().nullable(),
      game: z.object({
        pubkey: hex64,
        slug: z.string(),
        title: z.string(),
        icon: z.string().nullable(),
        status: z.string(),
      }),
      releases: z.array(
        z.object({
          version: z.string(),
          channel: z.string(),
          notes: z.string(),
          published_at: z.number().int(),
          asset: z.object({ sha256: hex64, size_bytes: z.number().int() }).nullable(),
        }),
      ),
    }),
  ),
  /** Games the caller zapped toward without owning them yet: zaps from one key add up to the price. */
  zap_progress: z
    .array(
      z.object({
        game: z.object({ pubkey: hex64, slug: z.string(), title: z.string() }),
        paid_msat: z.number().int(),
        price_msat: z.number().int(),
      }),
    )
    .default([]),
})
export type LibraryResponse = z.infer<typeof libraryResponseSchema>

/** Cursor pagination of developer views: `?limit=&cursor=` → `{items, next_cursor}`. */
export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict()

export const salesResponseSchema = z.object({
  items: z.array(
    z.object({
      purchase_id: z.string(),
      game: z.object({ slug: z.string(), title: z.string() }).nullable(),
      kind: z.enum(['CHECKOUT', 'ZAP']),
      is_tip: z.boolean(),
      amount_msat: msatInt,
      platform_fee_msat: msatInt,
      developer_net_msat: msatInt,
      /** The developer net's legs, one per split recipient (the developer first; docs/splits.md). */
      split: z.array(z.object({ pubkey: z.string(), amount_msat: msatInt })).optional(),
      paid_at: z.number().int(),
      paid_late: z.boolean(),
    }),
  ),
  next_cursor: z.string().nullable(),
})
export type SalesResponse = z.infer<typeof salesResponseSchema>

export const ledgerEntryTypeSchema = z.enum(LEDGER_ENTRY_TYPES)

export const developerLedgerResponseSchema = z.object({
  /** Σ DEVELOPER_NET − Σ PAYOUT_SENT, computed from the entries, never stored. */
  balance_owed_msat: z.number().int(),
  total_net_msat: msatInt,
  total_paid_out_msat: msatInt,
  items: z.array(
    z.object({
      id: z.number().int(),
      type: ledgerEntryTypeSchema,
      amount_msat: msatInt,
      purchase_id: z.string().nullable(),
      payout_id: z.string().nullable(),
      created_at: z.number().int(),
    }),
  ),
  next_cursor: z.string().nullable(),
})
export type DeveloperLedgerResponse = z.infer<typeof developerLedgerResponseSchema>

/** `GET /api/v1/admin/ledger/check`. */
export const ledgerCheckResponseSchema = z.object({
  ok: z.boolean(),
  checked: z.object({
    purchases: z.number().int(),
    entries: z.number().int(),
    developers: z.number().int(),
  }),
  violations: z.array(z.object({ rule: z.string(), subject: z.string(), detail: z.string() })),
})
export type LedgerCheckResponse = z.infer<typeof ledgerCheckResponseSchema>

/** `POST /api/v1/admin/entitlements/:id/revoke` body. */
export const revokeEntitlementBodySchema = z.object({ reason: z.string().min(1).max(500) }).strict()

export const revokeEntitlementResponseSchema = z.object({
  id: z.string(),
  revoked_at: z.number().int(),
  revoked_reason: z.string(),
})

/**
 * A payment the wallet proved (valid preimage) that settlement could not book: less than the invoice,
 * or a purchase that can no longer be paid. `GET /api/v1/admin/payment-alerts` lists them.
 */
export const paymentAlertSchema = z.object({
  purchase_id: z.string(),
  payment_hash: z.string(),
  reason: z.string(),
  amount_msat: z.number().int(),
  received_msat: z.number().int().nullable(),
  purchase_status: z.string(),
  first_seen_at: z.number().int(),
  last_seen_at: z.number().int(),
  seen_count: z.number().int(),
  resolved_at: z.number().int().nullable(),
  resolved_note: z.string().nullable(),
})
export type PaymentAlert = z.infer<typeof paymentAlertSchema>

/** `GET /api/v1/admin/payment-alerts?status=open|all` (default open), oldest first, at most 500. */
export const paymentAlertsQuerySchema = z
  .object({ status: z.enum(['open', 'all']).optional() })
  .strict()
export const paymentAlertsResponseSchema = z.object({ items: z.array(paymentAlertSchema) })
export type PaymentAlertsResponse = z.infer<typeof paymentAlertsResponseSchema>

/** `POST /api/v1/admin/payment-alerts/:purchaseId/resolve`: what the admin did (refunded, booked by hand…). */
export const resolvePaymentAlertBodySchema = z.object({ note: z.string().min(1).max(500) }).strict()
