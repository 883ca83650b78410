/**
 * The purchase state machine (docs/architecture.md "State machines"; the table lives in
 * shared/src/status.ts): PENDING → PAID | EXPIRED | FAILED; EXPIRED → PAID (a late payment, flagged
 * paid_late: money received always entitles); PAID → REFUNDED. Every write guards the current state
 * (`UPDATE … WHERE id = ? AND status = ?`, one row changed).
 */
import { allowed, purchaseTransitions, type PurchaseStatus } from '@zapcade/shared/status'

export { purchaseTransitions, type PurchaseStatus }

/** Whether `from → to` is a transition of the table. */
export function canTransition(from: PurchaseStatus, to: PurchaseStatus): boolean {
  return allowed<PurchaseStatus>(purchaseTransitions, from, to)
}

/** States from which a settled payment is booked (PAID, with paid_late from EXPIRED). */
export function settlesFrom(status: PurchaseStatus): { paidLate: boolean } | undefined {
  if (!canTransition(status, 'PAID')) return undefined
  return { paidLate: status === 'EXPIRED' }
}
