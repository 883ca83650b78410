/**
 * Settlement (docs/architecture.md "Money flows"): the one function that books a received payment,
 * idempotent on the payment hash, in ONE immediate transaction — purchase PAID (paid_late from EXPIRED),
 * ledger INVOICE_PAID + PLATFORM_FEE + one DEVELOPER_NET per split recipient, the entitlement, a payout
 * SCHEDULED per recipient,
 * and for zaps the outbox job that publishes the 9735 receipt. A checkout entitles its buyer; zaps from
 * one pubkey toward one game add up, and the zap whose settlement brings the total to the price entitles
 * (once: a zapper who owns the game is not granted again); tips entitle nobody. Notifications and the
 * reconcile poller both call it; whichever comes second finds the purchase PAID and changes nothing.
 */
import { createHash } from 'node:crypto'
import { cleanZapRelays } from '@zapcade/shared/events/zap-request'
import { msat, splitFee } from '@zapcade/shared/money'
import type { Msat } from '@zapcade/shared/money'
import type {
  PurchaseReads,
  PurchaseRecord,
  SettlementStore,
  SettlementTx,
} from '../../ports/purchase-repo.ts'
import { settlesFrom } from '../purchase/purchase-machine.ts'
import { splitNet, zapSplitWeights } from '../split/split.ts'

export interface SettleDeps {
  repo: Pick<PurchaseReads, 'byPaymentHash'> & SettlementStore
  newId: () => string
  nowSec: () => number
  /**
   * Whether a zap receipt may be sent to a relay on this host (the zapper chose it: in production no
   * private or loopback address, so a stranger cannot make the market connect inside its network).
   * Default: any host (development).
   */
  allowRelayHost?: (hostname: string) => boolean
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
export const ledgerKey = (purchaseId: string, type: string): string =>
  `purchase:${purchaseId}:${type}`

/** sha256(preimage) must equal the payment hash: a notification that does not prove payment is ignored (INV-6). */
export function preimageMatches(preimage: string, paymentHash: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(preimage)) return false
  return createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex') === paymentHash
}

/**
 * Where a zap's receipt goes (besides the market's own relays, which the outbox always adds): the zap
 * request's `relays` cleaned — normalised, deduped, non-ws and disallowed hosts dropped, at most 10.
 */
export function zapRequestRelays(
  zapRequest: string | null,
  allowHost: (hostname: string) => boolean = () => true,
): string[] {
  if (!zapRequest) return []
  // The stored request was verified at the callback; only its relays tags are read here.
  try {
    const ev = JSON.parse(zapRequest) as { tags?: unknown }
    if (!Array.isArray(ev.tags)) return []
    const relays = ev.tags
      .filter((t): t is unknown[] => Array.isArray(t) && t[0] === 'relays')
      .flatMap((t) => t.slice(1))
    return cleanZapRelays(
      relays.filter((r): r is string => typeof r === 'string'),
      { allowHost },
    )
  } catch {
    return []
  }
}

/** Book a received payment. Idempotent on `paymentHash`; never throws for a business outcome. */
export async function settlePayment(
  d: SettleDeps,
  paymentHash: string,
  input: SettleInput,
): Promise<SettleOutcome> {
  if (!preimageMatches(input.preimage, paymentHash)) {
    const p = d.repo.byPaymentHash(paymentHash)
    if (!p) return { outcome: 'UNKNOWN_HASH' }
    return {
      outcome: 'REJECTED',
      purchaseId: p.id,
      reason: 'preimage does not hash to the payment hash',
    }
  }
  const nowSec = d.nowSec()
  return d.repo.settlement((tx): SettleOutcome => {
    const p = tx.purchaseByHash(paymentHash)
    if (!p) return { outcome: 'UNKNOWN_HASH' }
    const from = settlesFrom(p.status)
    // From here the preimage proves the money arrived: what cannot be booked is raised for an admin.
    const refuse = (reason: string): SettleOutcome => {
      tx.raiseAlert({
        purchaseId: p.id,
        paymentHash,
        reason,
        receivedMsat: input.amountMsat ?? null,
        nowSec,
      })
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
    if (
      !tx.markPaid(p.id, p.status, {
        paidAtSec,
        preimage: input.preimage,
        paidLate: from.paidLate,
        nowSec,
      })
    ) {
      // Another writer moved it between our read and write; the guard kept us from booking twice.
      return { outcome: 'ALREADY_SETTLED', purchaseId: p.id }
    }
    const entitlementId = book(d, tx, p, paidAtSec, from.paidLate, nowSec)
    return { outcome: 'SETTLED', purchaseId: p.id, paidLate: from.paidLate, entitlementId }
  })
}

function book(
  d: SettleDeps,
  tx: SettlementTx,
  p: PurchaseRecord,
  paidAtSec: number,
  paidLate: boolean,
  nowSec: number,
): string | null {
  const dev =
    p.gameId !== null
      ? tx.developerOf(p.gameId)
      : p.recipientUserId !== null
        ? tx.developerByUser(p.recipientUserId)
        : undefined
  // A tip with no game and no developer (a zap to the market itself) is all the platform's share.
  const { feeMsat, netMsat } = dev
    ? splitFee(p.amountMsat, p.feeBps)
    : { feeMsat: p.amountMsat, netMsat: msat(0) }
  const entry = (
    type: 'INVOICE_PAID' | 'PLATFORM_FEE' | 'DEVELOPER_NET',
    amountMsat: Msat,
    developerUserId: number | null,
  ) =>
    tx.appendLedger({
      type,
      amountMsat,
      purchaseId: p.id,
      payoutId: null,
      developerUserId,
      meta:
        type === 'INVOICE_PAID'
          ? { payment_hash: p.paymentHash, paid_late: paidLate }
          : { fee_bps: p.feeBps },
      idempotencyKey: ledgerKey(p.id, type),
      createdAtSec: nowSec,
    })
  entry('INVOICE_PAID', p.amountMsat, null)
  entry('PLATFORM_FEE', feeMsat, null)
  // One DEVELOPER_NET leg per split recipient (docs/splits.md); the author's leg comes first.
  const legs = dev ? netLegs(tx, p, dev, netMsat, nowSec) : []
  for (const leg of legs) {
    if (leg.pubkey === null) entry('DEVELOPER_NET', leg.amountMsat, leg.userId)
    else
      tx.appendLedger({
        type: 'DEVELOPER_NET',
        amountMsat: leg.amountMsat,
        purchaseId: p.id,
        payoutId: null,
        developerUserId: leg.userId,
        meta: { fee_bps: p.feeBps, split_recipient: leg.pubkey },
        idempotencyKey: `${ledgerKey(p.id, 'DEVELOPER_NET')}:${leg.pubkey}`,
        createdAtSec: nowSec,
      })
  }

  let entitlementId: string | null = null
  if (entitles(tx, p)) {
    const id = d.newId()
    if (
      tx.grantEntitlement({
        id,
        purchaseId: p.id,
        gameId: p.gameId!,
        // A gift entitles its recipient, not its buyer.
        userId: p.giftToUserId ?? p.buyerUserId,
        grantedAtSec: paidAtSec,
        origin: p.giftToUserId !== null ? 'gift' : p.kind === 'ZAP' ? 'zap' : 'purchase',
      })
    )
      entitlementId = id
  }
  if (entitlementId !== null && p.giftToUserId !== null && p.giftDm) {
    tx.enqueueOutbox({
      type: 'SEND_GIFT_DM',
      payload: { purchase_id: p.id },
      relays: [],
      idempotencyKey: `gift-dm:${p.id}`,
      nowSec,
    })
  }
  for (const leg of legs) {
    if (leg.amountMsat <= 0) continue
    tx.schedulePayout({
      id: d.newId(),
      developerUserId: leg.userId,
      purchaseId: p.id,
      amountMsat: leg.amountMsat,
      destination: leg.payoutLnAddress,
      idempotencyKey: leg.pubkey === null ? `payout:${p.id}` : `payout:${p.id}:${leg.pubkey}`,
      nowSec,
    })
  }
  if (p.kind === 'ZAP') {
    tx.enqueueOutbox({
      type: 'PUBLISH_ZAP_RECEIPT',
      payload: { purchase_id: p.id },
      relays: zapRequestRelays(p.zapRequest, d.allowRelayHost),
      idempotencyKey: `zap-receipt:${p.id}`,
      nowSec,
    })
  }
  return entitlementId
}

interface NetLeg {
  /** null for the listing's author (their leg keeps the unsplit keys), else the collaborator's pubkey. */
  pubkey: string | null
  userId: number
  amountMsat: Msat
  payoutLnAddress: string | null
}

/** The developer net shared by the game's listing's weighted zap tags; the author takes the remainder. */
function netLegs(
  tx: SettlementTx,
  p: PurchaseRecord,
  dev: { userId: number; payoutLnAddress: string | null },
  netMsat: Msat,
  nowSec: number,
): NetLeg[] {
  const listing = p.gameId !== null ? tx.listingSplit(p.gameId) : undefined
  if (!listing)
    return [
      {
        pubkey: null,
        userId: dev.userId,
        amountMsat: netMsat,
        payoutLnAddress: dev.payoutLnAddress,
      },
    ]
  const weights = zapSplitWeights(listing.tags, listing.routePubkey ?? '')
  return splitNet(netMsat, listing.authorPubkey, weights).map((leg) => {
    if (leg.pubkey === listing.authorPubkey)
      return {
        pubkey: null,
        userId: dev.userId,
        amountMsat: msat(leg.amountMsat),
        payoutLnAddress: dev.payoutLnAddress,
      }
    const r = tx.splitRecipient(leg.pubkey, nowSec)
    return {
      pubkey: leg.pubkey,
      userId: r.userId,
      amountMsat: msat(leg.amountMsat),
      payoutLnAddress: r.payoutLnAddress,
    }
  })
}

/**
 * Whether this (just PAID) purchase grants the game: a checkout always; a zap when the zapper's paid
 * zaps toward the game (this one included) reach the price and the zapper does not own it already.
 */
function entitles(tx: SettlementTx, p: PurchaseRecord): boolean {
  if (p.isTip || p.gameId === null) return false
  if (p.kind !== 'ZAP') return true
  if (p.buyerUserId === null) return false
  if (tx.ownsGame(p.buyerUserId, p.gameId)) return false
  return tx.zapTotal(p.buyerUserId, p.gameId) >= p.priceMsat
}
