/**
 * Payout state machine (docs/architecture.md "Money flows"). Every status write is `UPDATE … WHERE id = ? AND status = ?`
 * after `assertPayoutTransition`, so a stale worker or a racing admin action changes nothing.
 */
import { AppError } from '@zapcade/shared/errors'
import {
  allowed,
  PAYOUT_STATUSES,
  payoutTransitions,
  type PayoutStatus,
} from '@zapcade/shared/status'

/** The statuses and table live in shared/src/status.ts (SENT and CANCELED final; FAILED leaves only by an admin). */
export { PAYOUT_STATUSES, payoutTransitions, type PayoutStatus }

/** Whether `from → to` is in the table. */
export function canTransition(from: PayoutStatus, to: PayoutStatus): boolean {
  return allowed<PayoutStatus>(payoutTransitions, from, to)
}

/** Throw CONFLICT unless `from → to` is allowed (a programming error in the worker, a 409 for admins). */
export function assertPayoutTransition(from: PayoutStatus, to: PayoutStatus): void {
  if (!canTransition(from, to))
    throw new AppError('CONFLICT', `payout cannot go from ${from} to ${to}`)
}

/** The statuses the worker acts on. */
export const ACTIVE_PAYOUT_STATUSES = [
  'SCHEDULED',
  'RETRYING',
] as const satisfies readonly PayoutStatus[]
export type ActivePayoutStatus = (typeof ACTIVE_PAYOUT_STATUSES)[number]

export function isActive(s: PayoutStatus): s is ActivePayoutStatus {
  return s === 'SCHEDULED' || s === 'RETRYING'
}
