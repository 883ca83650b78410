/**
 * Refunds over Lightning (docs/refunds.md): the buyer's request, the developer's policy and queue,
 * the admin's refund of any purchase, and the LNURL-withdraw (LUD-03) link a guest claims.
 */
import { z } from 'zod'
import { REFUND_STATUSES } from '../status.ts'

const msatInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const Sec = z.number().int().nonnegative()

/** `PUT /api/v1/developer/games/:slug/refund-policy`. */
export const RefundPolicyBody = z
  .object({
    /** Days after the payment within which a refund is automatic; 0 = never automatic. */
    window_days: z.number().int().min(0).max(365),
    /** Automatic only within this many hours of the first download (null: downloads do not matter). */
    max_hours_since_download: z.number().int().min(0).max(8760).nullable(),
  })
  .strict()
export type RefundPolicyBody = z.infer<typeof RefundPolicyBody>

export const RefundPolicyResponse = RefundPolicyBody.extend({
  game: z.object({ pubkey: z.string(), slug: z.string() }),
})

/** `POST /api/v1/purchases/:id/refund` and `POST /api/v1/admin/purchases/:id/refund`. */
export const RefundRequestBody = z
  .object({
    /** A BOLT11 invoice for exactly the purchase amount, or a Lightning address (`name@host`). */
    destination: z.string().min(3).max(2000).optional(),
    reason: z.string().max(500).optional(),
  })
  .strict()
export type RefundRequestBody = z.infer<typeof RefundRequestBody>

export const RefundDecisionBody = z.object({ note: z.string().max(500).optional() }).strict()

export const RefundStatusSchema = z.enum(REFUND_STATUSES)

export const RefundView = z.object({
  refund_id: z.string(),
  purchase_id: z.string(),
  status: RefundStatusSchema,
  amount_msat: msatInt,
  game: z.object({ pubkey: z.string(), slug: z.string(), title: z.string() }).nullable(),
  requested_by: z.enum(['BUYER', 'GUEST', 'ADMIN']),
  reason: z.string().nullable(),
  /** Approved by the game's policy, with nobody deciding. */
  auto_approved: z.boolean(),
  destination_kind: z.enum(['BOLT11', 'LN_ADDRESS', 'WITHDRAW']).nullable(),
  /** Shown to the buyer only, while the link works: an LNURL-withdraw (LUD-03) URL, single use. */
  withdraw_url: z.string().optional(),
  /** The same link bech32-encoded (LUD-01), for a QR code. */
  lnurl: z.string().optional(),
  withdraw_expires_at: Sec.nullable(),
  payment_hash: z.string().nullable(),
  last_error: z.string().nullable(),
  decision_note: z.string().nullable(),
  created_at: Sec,
  updated_at: Sec,
  sent_at: Sec.nullable(),
})
export type RefundView = z.infer<typeof RefundView>

export const RefundListQuery = z.object({ status: RefundStatusSchema.optional() }).strict()

export const RefundListResponse = z.object({
  items: z.array(RefundView.extend({ buyer_pubkey: z.string().nullable() })),
  /** Σ DEVELOPER_NET − Σ REFUND_DEVELOPER_DEBIT − Σ PAYOUT_SENT: negative while a refund is owed back. */
  balance_msat: z.number().int(),
  refunded_msat: msatInt,
  /** What refunds sent after a payout still hold back from the next payouts. */
  owed_back_msat: msatInt,
})
export type RefundListResponse = z.infer<typeof RefundListResponse>

/** LUD-03 answers (status ERROR with a reason on failure). */
export const WithdrawRequestResponse = z.object({
  tag: z.literal('withdrawRequest'),
  callback: z.string(),
  k1: z.string(),
  minWithdrawable: z.number().int(),
  maxWithdrawable: z.number().int(),
  defaultDescription: z.string(),
})
export const LnurlStatusResponse = z.object({
  status: z.enum(['OK', 'ERROR']),
  reason: z.string().optional(),
})
