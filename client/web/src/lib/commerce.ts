/**
 * Storefront calls of the commerce routes (docs/keys-gifts-sales.md, docs/refunds.md): redeeming a
 * download key, a game's refund policy, and a purchase's refund (asked for and read back by the buyer
 * with NIP-98, or by a guest with the receipt code).
 */
import type { RedeemKeyResponse } from '@zapcade/shared/api/keys'
import type { RefundView } from '@zapcade/shared/api/refunds'
import { api, gamePath } from './api.ts'
import { getSession } from './session.ts'

export type { RedeemKeyResponse, RefundView }

export interface RefundPolicy {
  window_days: number
  max_hours_since_download: number | null
}

/** Redeem a key: signed in, into the signer's library; as a guest, for a receipt code. */
export function redeemKey(key: string): Promise<RedeemKeyResponse> {
  return api<RedeemKeyResponse>('POST', '/api/v1/keys/redeem', {
    body: { key: key.trim() },
    auth: getSession() ? true : false,
  })
}

/** A game's refund policy as buyers see it (window_days 0: no automatic refund). */
export function refundPolicy(g: { pubkey: string; slug: string }): Promise<RefundPolicy> {
  return api<RefundPolicy>('GET', `/api/v1/games/${gamePath(g)}/refund-policy`)
}

/** How a refund request or read is authorised: the session's NIP-98, or a guest's receipt code. */
export type RefundAuth = { receiptCode: string } | { signed: true }

const opts = (a: RefundAuth) =>
  'receiptCode' in a
    ? { receiptCode: a.receiptCode, auth: false as const }
    : { auth: true as const }

/** Ask for a refund of a purchase (the same refund when asked again). */
export function requestRefund(
  purchaseId: string,
  a: RefundAuth,
  body: { destination?: string; reason?: string },
): Promise<RefundView> {
  return api<RefundView>('POST', `/api/v1/purchases/${encodeURIComponent(purchaseId)}/refund`, {
    ...opts(a),
    body,
  })
}

/** The purchase's refund, if one was asked for (404 when none). */
export function readRefund(purchaseId: string, a: RefundAuth): Promise<RefundView> {
  return api<RefundView>(
    'GET',
    `/api/v1/purchases/${encodeURIComponent(purchaseId)}/refund`,
    opts(a),
  )
}

/** The policy in words, for the game page. */
export function policyText(p: RefundPolicy): string {
  if (p.window_days <= 0)
    return 'No automatic refunds: a request goes to the developer, who decides.'
  const days = `${p.window_days} day${p.window_days === 1 ? '' : 's'}`
  const dl =
    p.max_hours_since_download === null
      ? ''
      : p.max_hours_since_download === 0
        ? ', before the first download'
        : ` and within ${p.max_hours_since_download} hour${p.max_hours_since_download === 1 ? '' : 's'} of the first download`
  return `Refunded automatically within ${days} of payment${dl}. Later requests go to the developer.`
}

/** A refund status in words. */
export function refundStatusText(r: RefundView): string {
  switch (r.status) {
    case 'REQUESTED':
      return 'Requested: waiting for the developer to decide.'
    case 'APPROVED':
      return r.auto_approved
        ? 'Approved by the refund policy: the money is on its way.'
        : 'Approved: the money is on its way.'
    case 'AWAITING_CLAIM':
      return 'Approved: claim the money with any Lightning wallet using the link below.'
    case 'SENDING':
      return 'Sending the money back…'
    case 'SENT':
      return 'Refunded: the money was sent back.'
    case 'DECLINED':
      return `Declined by the developer${r.decision_note ? `: ${r.decision_note}` : '.'}`
    case 'FAILED':
      return `The refund payment failed${r.last_error ? ` (${r.last_error})` : ''}. Ask again with another destination.`
    default:
      return r.status
  }
}
