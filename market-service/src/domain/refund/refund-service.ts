/**
 * Refunds over Lightning (docs/refunds.md). A buyer (NIP-98) or a guest (receipt code) asks for a
 * purchase's money back; inside the game's policy the refund is approved at once, otherwise it waits
 * for the developer or an admin. Approved, it goes to the buyer's BOLT11 (for exactly the amount), their
 * Lightning address (given, or their profile's `lud16`), or, with neither, to a single-use expiring
 * LNURL-withdraw link (LUD-03) any wallet claims. Approval revokes the entitlement; the refund worker
 * pays, and `RefundRepo.markSent` books it (purchase REFUNDED, ledger entries) in one transaction.
 * One refund per purchase: asking again answers the same refund (re-armed with a new destination or
 * a new link when it failed or its link expired).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { nip19 } from 'nostr-tools'
import { AppError } from '@zapcade/shared/errors'
import type { Msat } from '@zapcade/shared/money'
import type { Clock } from '../../ports/clock.ts'
import type {
  Refund,
  RefundDestinationKind,
  RefundablePurchase,
  RefundRepo,
  RefundRequester,
} from '../../ports/refund-repo.ts'
import { assertRefundTransition, insidePolicy } from './refund-machine.ts'

export interface DecodedBolt11 {
  amountMsat: Msat | undefined
  paymentHash: string
  expiresAtSec: number
}

export interface RefundDeps {
  repo: RefundRepo
  clock: Clock
  newId: () => string
  hashReceiptCode: (code: string) => string
  /** Decodes a BOLT11 invoice; throws when it is not one. */
  decodeInvoice: (bolt11: string) => DecodedBolt11
  /** Why a Lightning address may not be used (syntax, a host that is not public), or undefined. */
  addressRefusal: (address: string) => string | undefined
  /** HMAC key of the withdraw links' k1. */
  secret: Buffer
  publicUrl: string
  adminPubkeys: readonly string[]
  /** How long a withdraw link lives (default 7 days). */
  withdrawTtlSec?: number
  /** Wake the refund worker (after an approval or a claim). */
  kick: () => void
}

export interface Destination {
  kind: Exclude<RefundDestinationKind, 'WITHDRAW'>
  value: string
}

export type Caller =
  | { kind: 'buyer'; pubkey: string }
  | { kind: 'guest'; receiptCode: string }
  | { kind: 'admin'; pubkey: string }

const DEFAULT_WITHDRAW_TTL_SEC = 7 * 86_400

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex'),
    y = Buffer.from(b, 'hex')
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y)
}

const notFound = (): AppError =>
  new AppError('PURCHASE_NOT_FOUND', 'no such purchase for this caller')

/** A buyer-supplied destination: a BOLT11 for exactly `amountMsat` or a Lightning address. */
export function parseDestination(d: RefundDeps, raw: string, amountMsat: Msat): Destination {
  const v = raw.trim().replace(/^lightning:/i, '')
  if (v.includes('@')) {
    const refused = d.addressRefusal(v)
    if (refused) throw new AppError('VALIDATION_FAILED', `destination: ${refused}`)
    return { kind: 'LN_ADDRESS', value: v.toLowerCase() }
  }
  if (!/^ln[a-z]{2,}/i.test(v))
    throw new AppError('VALIDATION_FAILED', 'destination: a BOLT11 invoice or a Lightning address')
  let inv: DecodedBolt11
  try {
    inv = d.decodeInvoice(v)
  } catch {
    throw new AppError('VALIDATION_FAILED', 'destination: the invoice does not decode')
  }
  if (inv.amountMsat === undefined)
    throw new AppError(
      'VALIDATION_FAILED',
      `destination: an invoice without an amount is refused; make one for exactly ${amountMsat} msat`,
    )
  if (inv.amountMsat !== amountMsat)
    throw new AppError(
      'VALIDATION_FAILED',
      `destination: the invoice asks ${inv.amountMsat} msat, the refund is ${amountMsat} msat`,
    )
  if (inv.expiresAtSec <= d.clock.nowSec())
    throw new AppError('VALIDATION_FAILED', 'destination: the invoice has expired')
  return { kind: 'BOLT11', value: v.toLowerCase() }
}

/** k1 of a withdraw link: HMAC of the refund id and link number (never stored). */
export function withdrawK1(secret: Buffer, refundId: string, seq: number): string {
  return createHmac('sha256', secret).update(`refund-withdraw:${refundId}:${seq}`).digest('hex')
}

export function withdrawUrl(d: Pick<RefundDeps, 'secret' | 'publicUrl'>, r: Refund): string {
  const k1 = withdrawK1(d.secret, r.id, r.withdrawSeq)
  return `${d.publicUrl.replace(/\/$/, '')}/api/v1/refunds/${encodeURIComponent(r.id)}/withdraw?k1=${k1}`
}

/** The LUD-01 bech32 form of a URL (what a QR code shows), upper case for a compact QR. */
export function lnurlOf(url: string): string {
  return nip19.encodeBytes('lnurl', new TextEncoder().encode(url)).toUpperCase()
}

/** Whether the caller may see and act on the purchase as its buyer. */
function authorize(d: RefundDeps, p: RefundablePurchase, caller: Caller): RefundRequester {
  if (caller.kind === 'admin') return 'ADMIN'
  if (caller.kind === 'buyer' && p.buyerPubkey === caller.pubkey) return 'BUYER'
  if (
    caller.kind === 'guest' &&
    p.guestReceiptCodeHash !== null &&
    sameHex(d.hashReceiptCode(caller.receiptCode), p.guestReceiptCodeHash)
  )
    return 'GUEST'
  throw notFound()
}

function refundable(p: RefundablePurchase): void {
  if (p.isTip || p.gameId === null)
    throw new AppError('CONFLICT', 'a tip buys nothing and is not refunded')
  if (p.kind === 'ZAP')
    throw new AppError(
      'CONFLICT',
      'a zap is not refunded: its receipt is public and zaps toward a game add up',
    )
  if (p.status !== 'PAID' && p.status !== 'REFUNDED')
    throw new AppError('PURCHASE_NOT_PAID', `this purchase is ${p.status.toLowerCase()}`, {
      status: p.status,
      purchase_id: p.id,
    })
}

/** Where an approved refund without a destination goes: the buyer's profile address, or a link. */
function fallbackDestination(
  d: RefundDeps,
  p: RefundablePurchase,
): { kind: RefundDestinationKind; value: string | null } {
  if (p.buyerLud16 && d.addressRefusal(p.buyerLud16) === undefined)
    return { kind: 'LN_ADDRESS', value: p.buyerLud16.toLowerCase() }
  return { kind: 'WITHDRAW', value: null }
}

/** Approve `r` (REQUESTED, DECLINED by an admin, or FAILED re-armed): revoke, then pay or hand out a link. */
function approve(
  d: RefundDeps,
  r: Refund,
  p: RefundablePurchase,
  o: { by: string; note?: string | undefined; destination?: Destination | undefined },
): Refund {
  const now = d.clock.nowSec()
  assertRefundTransition(r.status, 'APPROVED')
  const dest: { kind: RefundDestinationKind; value: string | null } = o.destination
    ? { kind: o.destination.kind, value: o.destination.value }
    : r.destinationKind !== null && r.destinationKind !== 'WITHDRAW' && r.status !== 'FAILED'
      ? { kind: r.destinationKind, value: r.destination }
      : fallbackDestination(d, p)
  const ok = d.repo.transition(r.id, r.status, {
    status: 'APPROVED',
    decidedBy: r.status === 'FAILED' ? r.decidedBy : o.by,
    ...(o.note !== undefined ? { decisionNote: o.note } : {}),
    destinationKind: dest.kind,
    destination: dest.value,
    paymentHash: null,
    bolt11: null,
    nextAttemptAtSec: now,
    lastError: null,
    nowSec: now,
  })
  if (!ok) throw new AppError('CONFLICT', 'the refund changed meanwhile; read it again')
  d.repo.revokeEntitlement(r.purchaseId, 'refunded', now)
  const approved = d.repo.get(r.id)!
  if (dest.kind === 'WITHDRAW') return newLink(d, approved)
  d.kick()
  return approved
}

/** A fresh withdraw link (the previous one, if any, stops working). */
function newLink(d: RefundDeps, r: Refund): Refund {
  const now = d.clock.nowSec()
  assertRefundTransition(r.status, 'AWAITING_CLAIM')
  const ok = d.repo.transition(
    r.id,
    r.status,
    {
      status: 'AWAITING_CLAIM',
      destinationKind: 'WITHDRAW',
      destination: null,
      withdrawSeq: r.withdrawSeq + 1,
      withdrawExpiresAtSec: now + (d.withdrawTtlSec ?? DEFAULT_WITHDRAW_TTL_SEC),
      nowSec: now,
    },
    { withdrawSeq: r.withdrawSeq },
  )
  if (!ok) throw new AppError('CONFLICT', 'the refund changed meanwhile; read it again')
  return d.repo.get(r.id)!
}

export interface RequestInput {
  destination?: string | undefined
  reason?: string | undefined
}

/** `POST /api/v1/purchases/:id/refund` and the admin's refund of any purchase. */
export function requestRefund(
  d: RefundDeps,
  purchaseId: string,
  caller: Caller,
  input: RequestInput,
): Refund {
  const p = d.repo.purchase(purchaseId)
  if (!p) throw notFound()
  const requestedBy = authorize(d, p, caller)
  refundable(p)
  const dest =
    input.destination !== undefined
      ? parseDestination(d, input.destination, p.amountMsat)
      : undefined
  const by = caller.kind === 'guest' ? 'guest' : caller.pubkey
  const existing = d.repo.byPurchase(p.id)
  if (existing) return again(d, existing, p, caller, dest)
  if (p.status !== 'PAID') throw new AppError('CONFLICT', 'this purchase was refunded already')
  const now = d.clock.nowSec()
  const auto =
    requestedBy === 'ADMIN' ||
    insidePolicy(d.repo.policy(p.gameId!), p.paidAtSec ?? now, d.repo.firstDownloadAtSec(p.id), now)
  const id = d.newId()
  const created = d.repo.create({
    id,
    purchaseId: p.id,
    developerUserId: p.developerUserId,
    amountMsat: p.amountMsat,
    status: 'REQUESTED',
    requestedBy,
    reason: input.reason ?? null,
    autoApproved: auto && requestedBy !== 'ADMIN',
    decidedBy: null,
    destinationKind: dest?.kind ?? null,
    destination: dest?.value ?? null,
    nowSec: now,
  })
  if (created.id !== id || !auto) return created
  return approve(d, created, p, { by: requestedBy === 'ADMIN' ? by : 'policy', destination: dest })
}

/** A second request for the same purchase: the same refund, re-armed where that makes sense. */
function again(
  d: RefundDeps,
  r: Refund,
  p: RefundablePurchase,
  caller: Caller,
  dest: Destination | undefined,
): Refund {
  const now = d.clock.nowSec()
  const admin = caller.kind === 'admin'
  switch (r.status) {
    case 'SENT':
    case 'SENDING':
      return r
    case 'FAILED':
      return approve(d, r, p, { by: r.decidedBy ?? 'policy', destination: dest })
    case 'DECLINED':
      return admin ? approve(d, r, p, { by: caller.pubkey, destination: dest }) : r
    case 'REQUESTED':
      if (admin) return approve(d, r, p, { by: caller.pubkey, destination: dest })
      if (dest)
        d.repo.transition(r.id, 'REQUESTED', {
          destinationKind: dest.kind,
          destination: dest.value,
          nowSec: now,
        })
      return d.repo.get(r.id)!
    case 'APPROVED':
      if (dest && r.paymentHash === null) {
        d.repo.transition(
          r.id,
          'APPROVED',
          {
            destinationKind: dest.kind,
            destination: dest.value,
            nextAttemptAtSec: now,
            nowSec: now,
          },
          { paymentHash: null },
        )
        d.kick()
      }
      return d.repo.get(r.id)!
    case 'AWAITING_CLAIM':
      if (dest) {
        d.repo.transition(
          r.id,
          'AWAITING_CLAIM',
          {
            status: 'APPROVED',
            destinationKind: dest.kind,
            destination: dest.value,
            withdrawExpiresAtSec: null,
            nextAttemptAtSec: now,
            nowSec: now,
          },
          { withdrawSeq: r.withdrawSeq },
        )
        d.kick()
        return d.repo.get(r.id)!
      }
      if ((r.withdrawExpiresAtSec ?? 0) <= now) return newLink(d, r)
      return r
  }
}

function developerOrAdmin(d: RefundDeps, r: Refund, pubkey: string): void {
  if (r.developerPubkey === pubkey || d.adminPubkeys.includes(pubkey)) return
  throw new AppError('NOT_FOUND', 'no such refund for this developer')
}

/** `POST /api/v1/developer/refunds/:id/approve` (the game's developer or an admin). */
export function approveRefund(
  d: RefundDeps,
  refundId: string,
  pubkey: string,
  note?: string,
): Refund {
  const r = d.repo.get(refundId)
  if (!r) throw new AppError('NOT_FOUND', 'no such refund')
  developerOrAdmin(d, r, pubkey)
  if (r.status === 'DECLINED' && !d.adminPubkeys.includes(pubkey))
    throw new AppError('CONFLICT', 'a declined refund is approved only by an admin')
  if (r.status !== 'REQUESTED' && r.status !== 'DECLINED')
    throw new AppError('CONFLICT', `this refund is ${r.status.toLowerCase()}, not waiting`)
  const p = d.repo.purchase(r.purchaseId)!
  return approve(d, r, p, { by: pubkey, note })
}

/** `POST /api/v1/developer/refunds/:id/decline`. */
export function declineRefund(
  d: RefundDeps,
  refundId: string,
  pubkey: string,
  note?: string,
): Refund {
  const r = d.repo.get(refundId)
  if (!r) throw new AppError('NOT_FOUND', 'no such refund')
  developerOrAdmin(d, r, pubkey)
  assertRefundTransition(r.status, 'DECLINED')
  const now = d.clock.nowSec()
  if (
    !d.repo.transition(r.id, 'REQUESTED', {
      status: 'DECLINED',
      decidedBy: pubkey,
      decisionNote: note ?? null,
      nowSec: now,
    })
  )
    throw new AppError('CONFLICT', 'the refund changed meanwhile; read it again')
  return d.repo.get(r.id)!
}

/** The refund of a purchase, for its buyer or guest. */
export function refundOfPurchase(d: RefundDeps, purchaseId: string, caller: Caller): Refund {
  const p = d.repo.purchase(purchaseId)
  if (!p) throw notFound()
  authorize(d, p, caller)
  const r = d.repo.byPurchase(p.id)
  if (!r) throw new AppError('NOT_FOUND', 'no refund was asked for this purchase')
  return r
}

/** The refund a live withdraw link names; throws with a LUD-03 reason otherwise. */
function linkRefund(d: RefundDeps, refundId: string, k1: string): Refund {
  const r = d.repo.get(refundId)
  if (!r || r.destinationKind !== 'WITHDRAW' || !/^[0-9a-f]{64}$/.test(k1))
    throw new Error('unknown withdraw link')
  if (!sameHex(withdrawK1(d.secret, r.id, r.withdrawSeq), k1))
    throw new Error('this withdraw link was replaced or is unknown')
  if (r.status !== 'AWAITING_CLAIM') throw new Error('this withdraw link was used already')
  if ((r.withdrawExpiresAtSec ?? 0) <= d.clock.nowSec())
    throw new Error('this withdraw link has expired; ask for the refund again for a new one')
  return r
}

/** LUD-03 step 3: the withdrawRequest a wallet reads from the link. */
export function withdrawRequest(
  d: RefundDeps,
  refundId: string,
  k1: string,
): {
  tag: 'withdrawRequest'
  callback: string
  k1: string
  minWithdrawable: number
  maxWithdrawable: number
  defaultDescription: string
} {
  const r = linkRefund(d, refundId, k1)
  return {
    tag: 'withdrawRequest',
    callback: `${d.publicUrl.replace(/\/$/, '')}/api/v1/refunds/${encodeURIComponent(r.id)}/withdraw/callback`,
    k1,
    // Exactly the purchase amount: the refund is whole or nothing.
    minWithdrawable: r.amountMsat,
    maxWithdrawable: r.amountMsat,
    defaultDescription: `Zapcade refund${r.game ? ` of ${r.game.title}` : ''}`.slice(0, 200),
  }
}

/**
 * LUD-03 step 5: the wallet's invoice for the link. The payment hash is recorded (the link is used up)
 * before anything is paid; the worker pays it. Throws with a LUD-03 reason.
 */
export function claimWithdraw(d: RefundDeps, refundId: string, k1: string, pr: string): void {
  const r = linkRefund(d, refundId, k1)
  let inv: DecodedBolt11
  try {
    inv = d.decodeInvoice(pr)
  } catch {
    throw new Error('the invoice does not decode')
  }
  if (inv.amountMsat !== r.amountMsat)
    throw new Error(`the invoice must be for exactly ${r.amountMsat} msat`)
  const now = d.clock.nowSec()
  if (inv.expiresAtSec <= now) throw new Error('the invoice has expired')
  let ok: boolean
  try {
    ok = d.repo.transition(
      r.id,
      'AWAITING_CLAIM',
      {
        status: 'SENDING',
        destination: pr.trim().toLowerCase(),
        paymentHash: inv.paymentHash,
        bolt11: pr.trim().toLowerCase(),
        attempts: r.attempts + 1,
        nextAttemptAtSec: now,
        nowSec: now,
      },
      { withdrawSeq: r.withdrawSeq },
    )
  } catch {
    // payment_hash is UNIQUE: an invoice already used for another payment is refused.
    throw new Error('this invoice cannot be used')
  }
  if (!ok) throw new Error('this withdraw link was used already')
  d.kick()
}
