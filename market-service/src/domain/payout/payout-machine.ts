/**
 * Payout state machine (DESIGN.md section 3). Every status write is `UPDATE … WHERE id = ? AND status = ?`
 * after `assertPayoutTransition`, so a stale worker or a racing admin action changes nothing.
 */
import { AppError } from '@zapcade/shared/errors'

export const PAYOUT_STATUSES = ['SCHEDULED', 'SENT', 'FAILED', 'RETRYING', 'CANCELED'] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]

/** Allowed transitions: SENT and CANCELED are final; FAILED leaves only by an admin (retry or cancel). */
export const payoutTransitions = {
  SCHEDULED: ['SENT', 'RETRYING', 'FAILED', 'CANCELED'],
  RETRYING: ['SENT', 'RETRYING', 'FAILED', 'CANCELED'],
  FAILED: ['RETRYING', 'CANCELED'],
  SENT: [],
  CANCELED: [],
} as const satisfies Record<PayoutStatus, readonly PayoutStatus[]>

/** Whether `from → to` is in the table. */
export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return (payoutTransitions[from] as readonly PayoutStatus[]).includes(to)
}

/** Throw CONFLICT unless `from → to` is allowed (a programming error in the worker, a 409 for admins). */
export function assertPayoutTransition(from: PayoutStatus, to: PayoutStatus): void {
  if (!canTransition(from, to)) throw new AppError('CONFLICT', `payout cannot go from ${from} to ${to}`)
}

/** The statuses the worker acts on. */
export const ACTIVE_PAYOUT_STATUSES = ['SCHEDULED', 'RETRYING'] as const satisfies readonly PayoutStatus[]
export type ActivePayoutStatus = (typeof ACTIVE_PAYOUT_STATUSES)[number]

export function isActive(s: PayoutStatus): s is ActivePayoutStatus {
  return s === 'SCHEDULED' || s === 'RETRYING'
}
