/**
 * Refund state machine (docs/refunds.md). The statuses and the table live in shared/src/status.ts;
 * every status write is a guarded `transition` after `assertRefundTransition`, so a stale worker or
 * a racing approval changes nothing.
 */
import { AppError } from '@zapcade/shared/errors'
import { allowed, refundTransitions, type RefundStatus } from '@zapcade/shared/status'

export function canRefundTransition(from: RefundStatus, to: RefundStatus): boolean {
  return allowed<RefundStatus>(refundTransitions, from, to)
}

/** Throw CONFLICT unless `from → to` is in the table. */
export function assertRefundTransition(from: RefundStatus, to: RefundStatus): void {
  if (!canRefundTransition(from, to))
    throw new AppError(
      'CONFLICT',
      `a ${from.toLowerCase()} refund cannot become ${to.toLowerCase()}`,
    )
}

/**
 * Whether a refund requested now falls inside the game's policy: within `windowDays` of the payment
 * and, when the policy bounds it, before any download or within `maxHoursSinceDownload` of the first.
 * No policy, or a window of 0 days: never automatic.
 */
export function insidePolicy(
  policy: { windowDays: number; maxHoursSinceDownload: number | null } | undefined,
  paidAtSec: number,
  firstDownloadAtSec: number | undefined,
  nowSec: number,
): boolean {
  if (!policy || policy.windowDays === 0) return false
  if (nowSec - paidAtSec > policy.windowDays * 86_400) return false
  if (policy.maxHoursSinceDownload === null || firstDownloadAtSec === undefined) return true
  return nowSec - firstDownloadAtSec <= policy.maxHoursSinceDownload * 3600
}
