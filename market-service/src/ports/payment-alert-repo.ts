/**
 * Payment alerts (migration 007): proven payments settlement could not book. Raised inside the
 * settlement transaction (SettlementTx.raiseAlert); listed and resolved by an admin here.
 */
import type { Msat } from '@zapcade/shared/money'

export interface PaymentAlertRecord {
  purchaseId: string
  paymentHash: string
  reason: string
  amountMsat: Msat
  receivedMsat: Msat | null
  purchaseStatus: string
  firstSeenAtSec: number
  lastSeenAtSec: number
  seenCount: number
  resolvedAtSec: number | null
  resolvedNote: string | null
}

export interface PaymentAlertRepo {
  /** Open alerts (or all), oldest first. */
  list(status: 'open' | 'all', limit: number): PaymentAlertRecord[]
  byPurchase(purchaseId: string): PaymentAlertRecord | undefined
  /**
   * Mark an open alert resolved with the admin's note and, if the purchase is still PENDING, move it to
   * FAILED (the reconcile poller stops asking the wallet) — one immediate transaction. False when there
   * is no open alert for the purchase.
   */
  resolve(purchaseId: string, note: string, nowSec: number): boolean
}
