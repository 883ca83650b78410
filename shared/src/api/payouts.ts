/**
 * HTTP API of payouts (docs/architecture.md sections 3 and 5): the developer's list
 * (`GET /api/v1/developer/payouts`) and the admin's retry and cancel
 * (`POST /api/v1/admin/payouts/:id/retry|cancel`). snake_case on the wire; exported for the client SDK.
 */
import { z } from 'zod'
import { PAYOUT_STATUSES } from '../status.ts'

const msatInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const hex64 = z.string().regex(/^[0-9a-f]{64}$/)

export const payoutStatusSchema = z.enum(PAYOUT_STATUSES)
export type PayoutStatusDto = z.infer<typeof payoutStatusSchema>

/** One payout as its developer and the admins see it. */
export const payoutViewSchema = z.object({
  id: z.string(),
  status: payoutStatusSchema,
  amount_msat: msatInt,
  purchase_id: z.string().nullable(),
  /** The Lightning address it goes (or went) to; null until the developer sets one. */
  destination: z.string().nullable(),
  payment_hash: hex64.nullable(),
  /** Proof of payment, once SENT. */
  preimage: hex64.nullable(),
  fees_paid_msat: msatInt.nullable(),
  attempts: z.number().int().nonnegative(),
  next_attempt_at: z.number().int(),
  last_error: z.string().nullable(),
  created_at: z.number().int(),
  updated_at: z.number().int(),
})
export type PayoutView = z.infer<typeof payoutViewSchema>

/** `GET /api/v1/developer/payouts?limit=&cursor=`. */
export const payoutsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).optional(),
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from next_cursor')
      .optional(),
  })
  .strict()
export type PayoutsQuery = z.infer<typeof payoutsQuerySchema>

export const payoutsResponseSchema = z.object({
  items: z.array(payoutViewSchema),
  next_cursor: z.string().nullable(),
})
export type PayoutsResponse = z.infer<typeof payoutsResponseSchema>

/** `GET /api/v1/admin/payouts?status=…`: payouts needing a person (default FAILED and RETRYING), oldest first. */
export const adminPayoutsQuerySchema = z
  .object({
    status: z.enum(['attention', 'SCHEDULED', 'SENT', 'FAILED', 'RETRYING', 'CANCELED']).optional(),
  })
  .strict()
export const adminPayoutsResponseSchema = z.object({
  items: z.array(payoutViewSchema.extend({ developer_pubkey: hex64 })),
})
export type AdminPayoutsResponse = z.infer<typeof adminPayoutsResponseSchema>

/** `POST /api/v1/admin/payouts/:id/cancel` body (optional reason). */
export const cancelPayoutBodySchema = z
  .object({ reason: z.string().min(1).max(500).optional() })
  .strict()
export type CancelPayoutBody = z.infer<typeof cancelPayoutBodySchema>
