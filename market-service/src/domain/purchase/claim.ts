/**
 * Reading and claiming purchases (docs/architecture.md "HTTP API rules"). A purchase is shown to its buyer (NIP-98) or to
 * the holder of its guest receipt code (compared in constant time); to anyone else it does not exist.
 * A claim moves a guest purchase and its entitlement to a pubkey; the claim is recorded under the
 * code's hash so a second claim is recognised: the same pubkey gets the same answer, another pubkey
 * ALREADY_CLAIMED. Only a PAID purchase can be claimed (PURCHASE_NOT_PAID otherwise, the code unchanged).
 */
import { timingSafeEqual } from 'node:crypto'
import { AppError } from '@zapcade/shared/errors'
import type { ClaimPurchaseResponse, PurchaseView } from '@zapcade/shared/api/purchases'
import type {
  ClaimWrites,
  IdempotencyRecords,
  PurchaseReads,
  PurchaseRecord,
} from '../../ports/purchase-repo.ts'

export interface ClaimDeps {
  repo: PurchaseReads & Pick<IdempotencyRecords, 'idempotentAnswer'> & ClaimWrites
  nowSec: () => number
  hashReceiptCode: (code: string) => string
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex'),
    y = Buffer.from(b, 'hex')
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y)
}

function notFound(): AppError {
  return new AppError('PURCHASE_NOT_FOUND', 'no such purchase for this caller')
}

/** The purchase as its owner sees it; PURCHASE_NOT_FOUND for anyone else. */
export function viewPurchase(
  d: ClaimDeps,
  id: string,
  caller: { pubkey: string | undefined; receiptCode: string | undefined },
): PurchaseView {
  const p = d.repo.byId(id)
  if (!p) throw notFound()
  const byBuyer = caller.pubkey !== undefined && p.buyerPubkey === caller.pubkey
  const byCode =
    !byBuyer &&
    caller.receiptCode !== undefined &&
    p.guestReceiptCodeHash !== null &&
    sameHex(d.hashReceiptCode(caller.receiptCode), p.guestReceiptCodeHash)
  if (!byBuyer && !byCode) throw notFound()
  return toView(d.repo, p)
}

/** The API shape of a purchase. */
export function toView(repo: PurchaseReads, p: PurchaseRecord): PurchaseView {
  const g = p.gameId !== null ? repo.gameRef(p.gameId) : undefined
  return {
    id: p.id,
    status: p.status,
    kind: p.kind,
    game: g ? { pubkey: g.pubkey, slug: g.slug, title: g.title } : null,
    bolt11: p.bolt11,
    payment_hash: p.paymentHash,
    amount_msat: p.amountMsat,
    price_msat: p.priceMsat,
    created_at: p.createdAtSec,
    expires_at: p.expiresAtSec,
    paid_at: p.paidAtSec,
    paid_late: p.paidLate,
    is_tip: p.isTip,
    owner: p.buyerUserId !== null ? 'buyer' : 'guest',
    entitlement_id: repo.entitlementOf(p.id)?.id ?? null,
  }
}

/** Claim a guest purchase into `pubkey`. */
export function claimPurchase(
  d: ClaimDeps,
  receiptCode: string,
  pubkey: string,
): ClaimPurchaseResponse {
  const hash = d.hashReceiptCode(receiptCode)
  const key = `claim:${hash}`
  const again = (): ClaimPurchaseResponse | undefined => {
    const prior = d.repo.idempotentAnswer(key)
    if (!prior) return undefined
    const body = prior.answer.body as ClaimPurchaseResponse
    if (body.owner_pubkey !== pubkey)
      throw new AppError('ALREADY_CLAIMED', 'this purchase was already claimed by another key')
    const p = d.repo.byId(body.purchase_id)
    return {
      ...body,
      status: p?.status ?? body.status,
      entitlement_id: d.repo.entitlementOf(body.purchase_id)?.id ?? null,
    }
  }
  const prior = again()
  if (prior) return prior
  const p = d.repo.byReceiptHash(hash)
  if (!p) throw new AppError('RECEIPT_INVALID', 'no purchase holds this receipt code')
  // Only a paid purchase holds a game: claiming a pending, expired or failed one would move nothing, and
  // the code must stay with its holder (an EXPIRED invoice paid late becomes PAID, claimable then).
  if (p.status !== 'PAID') {
    throw new AppError(
      'PURCHASE_NOT_PAID',
      `this purchase is ${p.status.toLowerCase()}, not paid: nothing to claim yet`,
      { status: p.status, purchase_id: p.id },
    )
  }
  const answer: ClaimPurchaseResponse = {
    purchase_id: p.id,
    status: p.status,
    owner_pubkey: pubkey,
    entitlement_id: d.repo.entitlementOf(p.id)?.id ?? null,
  }
  const record = {
    claim: { key, scope: 'claim', requestHash: hash },
    answer: { statusCode: 200, body: answer },
  }
  if (d.repo.claim(p.id, hash, pubkey, record, d.nowSec())) return answer
  // Lost a race with another claim of the same code: answer as a repeated claim would.
  const raced = again()
  if (raced) return raced
  throw new AppError('RECEIPT_INVALID', 'no purchase holds this receipt code')
}
