/**
 * Outbox handler for PUBLISH_ZAP_RECEIPT (payload `{purchase_id}`), enqueued by settlement: builds the
 * NIP-57 Appendix E receipt of a PAID zap purchase — `p`, `P` = sender, `a`/`e`/`k` copied from the
 * request, `bolt11`, `description` = the zap request exactly as received, `preimage`, `created_at` = the
 * paid time — signed by the market's zapper key. The outbox worker publishes it to the job's relays (the
 * zap request's `relays`) and the market relay.
 */
import { AppError } from '@zapcade/shared/errors'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { buildZapReceipt, zapReceiptInputFor } from '@zapcade/shared/events/zap-receipt'
import { parseZapRequestJson } from '@zapcade/shared/events/zap-request'
import type { MarketSigner } from '../../ports/market-signer.ts'
import type { PurchaseReads } from '../../ports/purchase-repo.ts'

export interface ZapReceiptJobDeps {
  purchases: Pick<PurchaseReads, 'byId'>
  signer: MarketSigner
}

/** The signed receipt for a purchase; throws when the purchase is not a paid zap (the job then fails). */
export function zapReceiptFor(d: ZapReceiptJobDeps, purchaseId: string): NostrEvent {
  const p = d.purchases.byId(purchaseId)
  if (!p) throw new AppError('PURCHASE_NOT_FOUND', `no purchase ${purchaseId}`)
  if (p.kind !== 'ZAP' || p.zapRequest === null)
    throw new AppError('CONFLICT', `purchase ${purchaseId} is not a zap`)
  // ZAP-3: a receipt only after settlement.
  if ((p.status !== 'PAID' && p.status !== 'REFUNDED') || p.paidAtSec === null)
    throw new AppError('CONFLICT', `purchase ${purchaseId} is ${p.status}, not paid`)
  const parsed = parseZapRequestJson(p.zapRequest)
  if (!parsed.ok) throw new AppError('INVALID_EVENT', `stored zap request: ${parsed.reason}`)
  const paid: { zapRequestJson: string; bolt11: string; preimage?: string; paidAtSec: number } = {
    zapRequestJson: p.zapRequest,
    bolt11: p.bolt11,
    paidAtSec: p.paidAtSec,
  }
  if (p.preimage !== null) paid.preimage = p.preimage
  return d.signer.sign(buildZapReceipt(zapReceiptInputFor(parsed.value.zapRequest, paid)))
}

/** The outbox handler: `handlers.PUBLISH_ZAP_RECEIPT = zapReceiptHandler(deps)`. */
export function zapReceiptHandler(d: ZapReceiptJobDeps): (payload: unknown) => Promise<NostrEvent> {
  return async (payload) => {
    const id =
      typeof payload === 'object' && payload !== null
        ? (payload as { purchase_id?: unknown }).purchase_id
        : undefined
    if (typeof id !== 'string')
      throw new AppError('VALIDATION_FAILED', 'PUBLISH_ZAP_RECEIPT payload needs purchase_id')
    return zapReceiptFor(d, id)
  }
}
