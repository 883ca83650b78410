/**
 * The purchase state machine (DESIGN.md section 3): PENDING → PAID | EXPIRED | FAILED; EXPIRED → PAID
 * (a late payment, flagged paid_late: money received always entitles); PAID → REFUNDED (admin, off in v1).
 * Every write guards the current state (`UPDATE … WHERE id = ? AND status = ?`, one row changed).
 */
export type PurchaseStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'FAILED' | 'REFUNDED'

export const purchaseTransitions = {
  PENDING: ['PAID', 'EXPIRED', 'FAILED'],
  EXPIRED: ['PAID'],
  PAID: ['REFUNDED'],
  FAILED: [],
  REFUNDED: [],
} as const satisfies Record<PurchaseStatus, readonly PurchaseStatus[]>

/** Whether `from → to` is a transition of the table. */
export function canTransition(from: PurchaseStatus, to: PurchaseStatus): boolean {
  return (purchaseTransitions[from] as readonly PurchaseStatus[]).includes(to)
}

/** States from which a settled payment is booked (PAID, with paid_late from EXPIRED). */
export function settlesFrom(status: PurchaseStatus): { paidLate: boolean } | undefined {
  if (!canTransition(status, 'PAID')) return undefined
  return { paidLate: status === 'EXPIRED' }
}
