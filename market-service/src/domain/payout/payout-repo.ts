/**
 * Payouts port: what the payout worker and the payout routes need from storage. Every write names the
 * status it expects (and, where it matters, the payment hash it expects) and answers whether one row
 * changed; a `false` means another actor moved first and the caller must re-read, never assume.
 */
import type { Msat } from '@zapcade/shared/money'
import type { ActivePayoutStatus, PayoutStatus } from './payout-machine.ts'

export interface Payout {
  id: string
  developerUserId: number
  developerPubkey: string
  purchaseId: string | null
  amountMsat: Msat
  destination: string | null
  status: PayoutStatus
  idempotencyKey: string
  paymentHash: string | null
  bolt11: string | null
  preimage: string | null
  feesPaidMsat: Msat | null
  attempts: number
  nextAttemptAtSec: number
  lastError: string | null
  createdAtSec: number
  updatedAtSec: number
}

export interface SentFacts {
  preimage: string
  feesPaidMsat: Msat
  nowSec: number
}

export interface PayoutRepo {
  get(id: string): Payout | undefined
  /** SCHEDULED/RETRYING payouts with next_attempt_at ≤ now, oldest due first. */
  listDue(nowSec: number, limit: number): Payout[]
  /** SCHEDULED/RETRYING payouts that recorded a payment hash (looked up first on start). */
  listWithPaymentHash(limit: number): Payout[]
  /** The developer's payout_ln_address, when set. */
  developerAddress(developerUserId: number): string | undefined
  /** Set the destination an invoice is about to be asked from, guarded by the previous one. */
  setDestination(
    id: string,
    status: ActivePayoutStatus,
    previous: string | null,
    address: string,
    nowSec: number,
  ): boolean
  /** Update last_error / next_attempt_at without a status change. */
  note(
    id: string,
    status: PayoutStatus,
    o: { lastError: string | null; nextAttemptAtSec: number; nowSec: number },
  ): boolean
  /**
   * Record the invoice about to be paid, committed BEFORE pay_invoice (PAY-1). Compare-and-swap on the
   * previous payment hash, so two workers never both record (and pay) a new invoice. In the same
   * transaction the developer's headroom is checked (LED-5): Σ DEVELOPER_NET − Σ PAYOUT_SENT − the other
   * payouts in flight must cover this one, or nothing is recorded (`OVER_BALANCE`).
   */
  recordInvoice(
    id: string,
    expect: { status: ActivePayoutStatus; paymentHash: string | null },
    o: { paymentHash: string; bolt11: string; attempts: number; nowSec: number },
  ): 'RECORDED' | 'MOVED' | 'OVER_BALANCE'
  /** SENT and the ledger's PAYOUT_SENT (idempotency `payout:<id>:SENT`) in one transaction. */
  markSent(id: string, from: ActivePayoutStatus, paymentHash: string, facts: SentFacts): boolean
  /**
   * RETRYING with the next attempt time, guarded by status and payment hash; `clearInvoice` forgets a
   * payment hash whose payment is known to have failed (or never to have started).
   */
  markRetrying(
    id: string,
    from: PayoutStatus,
    paymentHash: string | null,
    o: {
      attempts: number
      nextAttemptAtSec: number
      lastError: string | null
      clearInvoice: boolean
      nowSec: number
    },
  ): boolean
  /**
   * FAILED and the ledger's PAYOUT_FAILED (amount, reason in meta; idempotency `payout:<id>:FAILED:<n>`,
   * n counting this payout's failures) in one transaction, guarded by status and payment hash.
   */
  markFailed(
    id: string,
    from: ActivePayoutStatus,
    paymentHash: string | null,
    o: { attempts: number; lastError: string; clearInvoice: boolean; nowSec: number },
  ): boolean
  /** CANCELED, guarded by status and payment hash. */
  markCanceled(
    id: string,
    from: PayoutStatus,
    paymentHash: string | null,
    o: { reason: string; nowSec: number },
  ): boolean
  /** Payouts in these statuses, oldest first (the admin's view of what needs a person). */
  listByStatus(statuses: readonly PayoutStatus[], limit: number): Payout[]
  /** A developer's payouts, newest first. */
  listForDeveloper(
    pubkey: string,
    o: { limit: number; beforeCreatedAtSec?: number; beforeId?: string },
  ): Payout[]
}
