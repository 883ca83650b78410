/**
 * Refunds port (docs/refunds.md): what the refund service, its worker and its routes need from storage.
 * Like the payouts port, every write names the status (and where it matters the payment hash) it
 * expects and answers whether one row changed; `false` means another actor moved first. `markSent`
 * is the one transaction that books a refund: refund SENT, purchase REFUNDED, the three ledger
 * entries, the entitlement revoked, the purchase's unsent payout canceled, and what the developer owes
 * back when their payout had already left. SQLite adapter: adapters/sqlite/refund-repo.ts.
 */
import type { Msat } from '@zapcade/shared/money'
import type { RefundStatus } from '@zapcade/shared/status'

export type RefundDestinationKind = 'BOLT11' | 'LN_ADDRESS' | 'WITHDRAW'
export type RefundRequester = 'BUYER' | 'GUEST' | 'ADMIN'

export interface Refund {
  id: string
  purchaseId: string
  developerUserId: number | null
  developerPubkey: string | null
  game: { pubkey: string; slug: string; title: string } | null
  buyerPubkey: string | null
  amountMsat: Msat
  status: RefundStatus
  requestedBy: RefundRequester
  reason: string | null
  autoApproved: boolean
  decidedBy: string | null
  decisionNote: string | null
  destinationKind: RefundDestinationKind | null
  destination: string | null
  withdrawSeq: number
  withdrawExpiresAtSec: number | null
  paymentHash: string | null
  bolt11: string | null
  preimage: string | null
  feesPaidMsat: Msat | null
  attempts: number
  nextAttemptAtSec: number
  lastError: string | null
  recoverMsat: Msat
  createdAtSec: number
  updatedAtSec: number
  sentAtSec: number | null
}

/** A purchase as the refund rules see it. */
export interface RefundablePurchase {
  id: string
  status: string
  kind: 'CHECKOUT' | 'ZAP'
  isTip: boolean
  gameId: number | null
  amountMsat: Msat
  paidAtSec: number | null
  buyerPubkey: string | null
  /** The buyer's kind-0 `lud16`, when the indexer saw one. */
  buyerLud16: string | null
  guestReceiptCodeHash: string | null
  developerUserId: number | null
}

export interface RefundPolicy {
  windowDays: number
  /** null: downloads do not matter. */
  maxHoursSinceDownload: number | null
}

export interface NewRefund {
  id: string
  purchaseId: string
  developerUserId: number | null
  amountMsat: Msat
  status: 'REQUESTED' | 'APPROVED'
  requestedBy: RefundRequester
  reason: string | null
  autoApproved: boolean
  decidedBy: string | null
  destinationKind: RefundDestinationKind | null
  destination: string | null
  nowSec: number
}

/** Columns a guarded transition may set (undefined = unchanged). */
export interface RefundPatch {
  status?: RefundStatus
  decidedBy?: string | null
  decisionNote?: string | null
  destinationKind?: RefundDestinationKind | null
  destination?: string | null
  withdrawSeq?: number
  withdrawExpiresAtSec?: number | null
  paymentHash?: string | null
  bolt11?: string | null
  attempts?: number
  nextAttemptAtSec?: number
  lastError?: string | null
  nowSec: number
}

export interface RefundRepo {
  purchase(id: string): RefundablePurchase | undefined
  policy(gameId: number): RefundPolicy | undefined
  /** The game of this developer with this slug (not deleted), or undefined. */
  gameId(developerPubkey: string, slug: string): number | undefined
  setPolicy(gameId: number, policy: RefundPolicy, nowSec: number): void
  /** The first download of the purchase's entitlement, unix seconds. */
  firstDownloadAtSec(purchaseId: string): number | undefined
  get(id: string): Refund | undefined
  byPurchase(purchaseId: string): Refund | undefined
  /** Insert unless the purchase has a refund already; answers the purchase's refund either way. */
  create(r: NewRefund): Refund
  /** Set `patch` when the row is still in `from` (and, when given, has this payment hash / link seq). */
  transition(
    id: string,
    from: RefundStatus,
    patch: RefundPatch,
    expect?: { paymentHash?: string | null; withdrawSeq?: number },
  ): boolean
  /** Revoke the purchase's entitlement (once; a revoked one keeps its first reason). */
  revokeEntitlement(purchaseId: string, reason: string, nowSec: number): void
  /** Refunds of the developer's games, newest first; `status` filters. */
  listForDeveloper(pubkey: string, status: RefundStatus | undefined, limit: number): Refund[]
  /** APPROVED refunds with a BOLT11 or address destination, and SENDING ones, due by now. */
  listDue(nowSec: number, limit: number): Refund[]
  /** SENDING refunds (looked up first on start). */
  listSending(limit: number): Refund[]
  /** Book a paid refund (see the header); false when it was not SENDING with this hash. */
  markSent(
    id: string,
    paymentHash: string,
    facts: { preimage: string; feesPaidMsat: Msat; nowSec: number },
  ): boolean
  /** Σ DEVELOPER_NET − Σ REFUND_DEVELOPER_DEBIT − Σ PAYOUT_SENT, and what refunds still hold back. */
  developerBalance(pubkey: string): {
    balanceMsat: number
    refundedMsat: number
    owedBackMsat: number
  }
}
