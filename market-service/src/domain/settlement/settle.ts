/**
 * Settlement (DESIGN.md section 3): the one function that books a received payment, idempotent on the
 * payment hash, in ONE immediate transaction — purchase PAID (paid_late from EXPIRED), ledger
 * INVOICE_PAID + PLATFORM_FEE + DEVELOPER_NET, the entitlement (not for tips), the developer's payout
 * SCHEDULED, and for zaps the outbox job that publishes the 9735 receipt. Notifications and the
 * reconcile poller both call it; whichever comes second finds the purchase PAID and changes nothing.
 */
import { createHash } from 'node:crypto'
import { msat, splitFee } from '@zapcade/shared/money'
import type { Msat } from '@zapcade/shared/money'
import type { PurchaseRecord, PurchaseRepo, SettlementTx } from '../../ports/purchase-repo.ts'
import { settlesFrom } from '../purchase/purchase-machine.ts'

export interface SettleDeps {
  repo: PurchaseRepo
  newId: () => string
  nowSec: () => number
}

export interface SettleInput {
  preimage: string
  settledAtSec: number
  /** What the wallet says was received; a settlement below the invoice amount is refused (INV-7). */
  amountMsat?: Msat
}

export type SettleOutcome =
  | { outcome: 'SETTLED'; purchaseId: string; paidLate: boolean; entitlementId: string | null }
  | { outcome: 'ALREADY_SETTLED'; purchaseId: string }
  | { outcome: 'UNKNOWN_HASH' }
  | { outcome: 'REJECTED'; purchaseId: string; reason: string }

/** Ledger idempotency keys derived from the purchase, so a replay can never book twice. */
export const ledgerKey = (purchaseId: string, type: string): string => `purchase:${purchaseId}:${type}`

/** sha256(preimage) must equal the payment hash: a notification that does not prove payment is ignored (INV-6). */
export function preimageMatches(preimage: string, paymentHash: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(preimage)) return false
  return createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex') === paymentHash
}

/** The relays of a zap request's `relays` tag (NIP-57), at most 10, ws(s) URLs only. */
export function zapRequestRelays(zapRequest: string | null): string[] {
  if (!zapRequest) return []
  try {
    const ev = JSON.parse(zapRequest) as { tags?: unknown }
    if (!Array.isArray(ev.tags)) return []
    const tag = ev.tags.find((t): t is string[] => Array.isArray(t) && t[0] === 'relays')
    if (!tag) return []
    return [...new Set(tag.slice(1).filter((u) => typeof u === 'string' && /^wss?:\/\/\S+$/.test(u)))].slice(0, 10)
  } catch {
    return []
  }
}

/** Book a received payment. Idempotent on `paymentHash`; never throws for a business outcome. */
export async function settlePayment(d: SettleDeps, paymentHash: string, input: SettleInput): Promise<SettleOutcome> {
  if (!preimageMatches(input.preimage, paymentHash)) {
    const p = d.repo.byPaymentHash(paymentHash)
    if (!p) return { outcome: 'UNKNOWN_HASH' }
    return { outcome: 'REJECTED', purchaseId: p.id, reason: 'preimage does not hash to the payment hash' }
  }
  const nowSec = d.nowSec()
  return d.repo.settlement((tx): SettleOutcome => {
    const p = tx.purchaseByHash(paymentHash)
    if (!p) return { outcome: 'UNKNOWN_HASH' }
    const from = settlesFrom(p.status)
    // From here the preimage proves the money arrived: what cannot be booked is raised for an admin.
    const refuse = (reason: string): SettleOutcome => {
      tx.raiseAlert({ purchaseId: p.id, paymentHash, reason, receivedMsat: input.amountMsat ?? null, nowSec })
      return { outcome: 'REJECTED', purchaseId: p.id, reason }
    }
    if (!from) {
      return p.status === 'PAID' || p.status === 'REFUNDED'
        ? { outcome: 'ALREADY_SETTLED', purchaseId: p.id }
        : refuse(`a ${p.status} purchase cannot be paid`)
    }
    if (input.amountMsat !== undefined && input.amountMsat < p.amountMsat) {
      return refuse(`received ${input.amountMsat} msat of ${p.amountMsat}`)
    }
    const paidAtSec = input.settledAtSec > 0 ? input.settledAtSec : nowSec
    if (!tx.markPaid(p.id, p.status, { paidAtSec, preimage: input.preimage, paidLate: from.paidLate, nowSec })) {
      // Another writer moved it between our read and write; the guard kept us from booking twice.
      return { outcome: 'ALREADY_SETTLED', purchaseId: p.id }
    }
    const entitlementId = book(d, tx, p, paidAtSec, from.paidLate, nowSec)
    return { outcome: 'SETTLED', purchaseId: p.id, paidLate: from.paidLate, entitlementId }
  })
}

function book(d: SettleDeps, tx: SettlementTx, p: PurchaseRecord, paidAtSec: number, paidLate: boolean, nowSec: number): string | null {
  const dev = p.gameId !== null ? tx.developerOf(p.gameId) : undefined
  // A tip with no game (or no developer) is the market's: all of it is the platform's share.
  const { feeMsat, netMsat } = dev ? splitFee(p.amountMsat, p.feeBps) : { feeMsat: p.amountMsat, netMsat: msat(0) }
  const entry = (type: 'INVOICE_PAID' | 'PLATFORM_FEE' | 'DEVELOPER_NET', amountMsat: Msat, developerUserId: number | null) =>
    tx.appendLedger({
      type, amountMsat, purchaseId: p.id, payoutId: null, developerUserId,
      meta: type === 'INVOICE_PAID' ? { payment_hash: p.paymentHash, paid_late: paidLate } : { fee_bps: p.feeBps },
      idempotencyKey: ledgerKey(p.id, type), createdAtSec: nowSec,
    })
  entry('INVOICE_PAID', p.amountMsat, null)
  entry('PLATFORM_FEE', feeMsat, null)
  if (dev) entry('DEVELOPER_NET', netMsat, dev.userId)

  let entitlementId: string | null = null
  if (!p.isTip && p.gameId !== null) {
    const id = d.newId()
    if (tx.grantEntitlement({ id, purchaseId: p.id, gameId: p.gameId, userId: p.buyerUserId, grantedAtSec: paidAtSec })) entitlementId = id
  }
  if (dev && netMsat > 0) {
    tx.schedulePayout({
      id: d.newId(), developerUserId: dev.userId, purchaseId: p.id, amountMsat: netMsat,
      destination: dev.payoutLnAddress, idempotencyKey: `payout:${p.id}`, nowSec,
    })
  }
  if (p.kind === 'ZAP') {
    tx.enqueueOutbox({
      type: 'PUBLISH_ZAP_RECEIPT', payload: { purchase_id: p.id }, relays: zapRequestRelays(p.zapRequest),
      idempotencyKey: `zap-receipt:${p.id}`, nowSec,
    })
  }
  return entitlementId
}
