/**
 * Every status vocabulary of the domain, declared once, with its transition table where the state
 * changes over time (docs/architecture.md "State machines"). The database CHECK constraints list the
 * same values (shared/src/db/status.test.ts compares them), the domain guards writes with the tables, and
 * the API schemas are built from the same arrays.
 */

/** A game's effective status: the developer's listing, or the market's overlay (FEATURED, BANNED). */
export const GAME_STATUSES = ['DRAFT', 'UNLISTED', 'LISTED', 'FEATURED', 'BANNED'] as const
export type GameStatus = (typeof GAME_STATUSES)[number]

/** What the developer's latest signed listing asks for. */
export const GAME_LISTINGS = ['DRAFT', 'UNLISTED', 'LISTED'] as const
export type GameListing = (typeof GAME_LISTINGS)[number]

/** The market's overlay an admin sets: LISTED lifts it (back to the developer's listing). */
export const OVERLAY_STATUSES = ['FEATURED', 'LISTED', 'BANNED'] as const
export type OverlayStatus = (typeof OVERLAY_STATUSES)[number]

/**
 * The game-status machine: from a status, what an admin's overlay change makes of it. FEATURED and
 * BANNED apply to any game; LISTED (lift) returns to the developer's listing. A DRAFT is never featured.
 */
export function nextGameStatus(
  from: GameStatus,
  listing: GameListing,
  change: OverlayStatus,
): GameStatus | undefined {
  if (change === 'BANNED') return 'BANNED'
  if (change === 'FEATURED') return from === 'DRAFT' || listing === 'DRAFT' ? undefined : 'FEATURED'
  return listing
}

export const PURCHASE_KINDS = ['CHECKOUT', 'ZAP'] as const
export type PurchaseKind = (typeof PURCHASE_KINDS)[number]

export const PURCHASE_STATUSES = ['PENDING', 'PAID', 'EXPIRED', 'FAILED', 'REFUNDED'] as const
export type PurchaseStatus = (typeof PURCHASE_STATUSES)[number]

/** PENDING → PAID | EXPIRED | FAILED; EXPIRED → PAID (late, flagged); PAID → REFUNDED. */
export const purchaseTransitions = {
  PENDING: ['PAID', 'EXPIRED', 'FAILED'],
  EXPIRED: ['PAID'],
  PAID: ['REFUNDED'],
  FAILED: [],
  REFUNDED: [],
} as const satisfies Record<PurchaseStatus, readonly PurchaseStatus[]>

export const PAYOUT_STATUSES = ['SCHEDULED', 'SENT', 'FAILED', 'RETRYING', 'CANCELED'] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]

/** SENT and CANCELED are final; FAILED leaves only by an admin (retry or cancel). */
export const payoutTransitions = {
  SCHEDULED: ['SENT', 'RETRYING', 'FAILED', 'CANCELED'],
  RETRYING: ['SENT', 'RETRYING', 'FAILED', 'CANCELED'],
  FAILED: ['RETRYING', 'CANCELED'],
  SENT: [],
  CANCELED: [],
} as const satisfies Record<PayoutStatus, readonly PayoutStatus[]>

export const LEDGER_ENTRY_TYPES = [
  'INVOICE_CREATED',
  'INVOICE_PAID',
  'PLATFORM_FEE',
  'DEVELOPER_NET',
  'PAYOUT_SENT',
  'PAYOUT_FAILED',
  // Refunds (docs/refunds.md): the money back to the buyer, and whose shares paid for it.
  'REFUND_SENT',
  'REFUND_DEVELOPER_DEBIT',
  'REFUND_FEE_REVERSAL',
] as const
export type LedgerEntryType = (typeof LEDGER_ENTRY_TYPES)[number]

export const REFUND_STATUSES = [
  'REQUESTED',
  'APPROVED',
  'AWAITING_CLAIM',
  'SENDING',
  'SENT',
  'DECLINED',
  'FAILED',
] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]

/**
 * The refund machine (docs/refunds.md): REQUESTED waits for the developer or an admin (an admin may
 * still approve a DECLINED one); APPROVED pays a BOLT11 or Lightning address (SENDING once the payment
 * hash is recorded) or hands out a withdraw link (AWAITING_CLAIM, whose claim records the hash);
 * SENDING → SENT, or back to APPROVED to retry; FAILED is re-armed by a new destination. SENT is final.
 */
export const refundTransitions = {
  REQUESTED: ['APPROVED', 'DECLINED'],
  DECLINED: ['APPROVED'],
  APPROVED: ['SENDING', 'AWAITING_CLAIM', 'FAILED'],
  AWAITING_CLAIM: ['SENDING', 'AWAITING_CLAIM', 'APPROVED'],
  SENDING: ['SENT', 'APPROVED', 'FAILED'],
  FAILED: ['APPROVED'],
  SENT: [],
} as const satisfies Record<RefundStatus, readonly RefundStatus[]>

export const UPLOAD_STATUSES = ['PENDING', 'VERIFIED', 'REJECTED'] as const
export type UploadStatus = (typeof UPLOAD_STATUSES)[number]

/** Whether `from → to` is a row of a transition table. */
export function allowed<S extends string>(table: Record<S, readonly S[]>, from: S, to: S): boolean {
  return table[from].includes(to)
}
