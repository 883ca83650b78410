/**
 * Private checkout (docs/architecture.md "Money flows"): `POST /api/v1/purchases` → the market's wallet makes an
 * invoice for the price (or more: pay what you want) → PENDING purchase + ledger INVOICE_CREATED in one
 * transaction. A guest gets a receipt code once (random); only its sha256 is stored. An Idempotency-Key
 * replays the first answer, without a guest's receipt code (Stripe semantics, reliability catalogue B2);
 * no SQLite transaction is held across the wallet round trip (A5).
 */
import { createHash } from 'node:crypto'
import { AppError } from '@zapcade/shared/errors'
import { parseGameRef } from '@zapcade/shared/ids'
import { msat } from '@zapcade/shared/money'
import type { Msat } from '@zapcade/shared/money'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import type {
  CatalogGame,
  CheckoutWrites,
  IdempotencyClaim,
  IdempotencyRecords,
  PurchaseReads,
} from '../../ports/purchase-repo.ts'
import type { Wallet } from '../../ports/wallet.ts'
import { ledgerKey } from '../settlement/settle.ts'
import { breakdown, priceFor, reserveCode, type SalesDeps } from '../pricing/sales.ts'

export interface CheckoutDeps {
  repo: Pick<PurchaseReads, 'findGame'> & IdempotencyRecords & CheckoutWrites
  wallet: Pick<Wallet, 'makeInvoice'>
  marketPubkey: string
  feeBps: number
  /** Invoice expiry (default 15 minutes, as BTCPay's). */
  invoiceExpirySec: number
  invoiceProvider: string
  nowSec: () => number
  newId: () => string
  /** A fresh random receipt code (≥ 128 bits). */
  newReceiptCode: () => string
  /** sha256 hex of a receipt code: what purchases.guest_receipt_code_hash and the download route compare. */
  hashReceiptCode: (code: string) => string
  /** Sales and codes (absent: the list price, codes refused). */
  pricing?: SalesDeps
}

export interface CheckoutRequest {
  game: string
  amountMsat: Msat | undefined
  buyerPubkey: string | undefined
  idempotencyKey: string | undefined
  /** A gift's recipient (hex pubkey), whether to DM them, and the note. */
  giftTo?: string | undefined
  giftDm?: boolean | undefined
  giftMessage?: string | undefined
  discountCode?: string | undefined
}

export interface CheckoutAnswer {
  statusCode: number
  body: CreatePurchaseResponse
}

/** A PROCESSING idempotency row older than this is taken to be a crashed request and taken over. */
const IDEMPOTENCY_STALE_SEC = 120

/** Why a game cannot be bought, or undefined when it can (docs/architecture.md "Event profile", v1 rules). */
export function unpurchasableReason(g: CatalogGame, marketPubkey: string): string | undefined {
  return unpurchasable(g, marketPubkey)?.reason
}

/**
 * The refusal of a sale with its problem code: GAME_NOT_PURCHASABLE, or NO_BUILD for a paid game that
 * has no release with a verified build yet (nothing is sold that cannot be delivered: "coming soon").
 */
export function unpurchasable(
  g: CatalogGame,
  marketPubkey: string,
): { code: 'GAME_NOT_PURCHASABLE' | 'NO_BUILD'; reason: string } | undefined {
  const no = (reason: string) => ({ code: 'GAME_NOT_PURCHASABLE' as const, reason })
  if (g.deleted) return no('deleted by its developer')
  if (g.status === 'BANNED') return no('banned')
  if (g.status === 'DRAFT') return no('a draft')
  if (g.priceMsat === 0) return no('free: no purchase needed')
  // isPurchasableBy (shared/events/game.ts): a paid game's zap tag must name this market.
  if (g.zapPubkey !== marketPubkey) return no('its zap tag does not route payments to this market')
  if (!g.hasVerifiedBuild)
    return { code: 'NO_BUILD', reason: 'not released yet: it has no verified build (coming soon)' }
  return undefined
}

/** The hash an idempotent request is compared by (the parsed body, canonical). */
function requestHash(r: CheckoutRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        game: r.game,
        amount_msat: r.amountMsat ?? null,
        // Present only when used, so the hashes of plain requests stay what they were.
        ...(r.giftTo !== undefined
          ? { gift_to: r.giftTo, gift_dm: r.giftDm ?? true, gift_message: r.giftMessage ?? null }
          : {}),
        ...(r.discountCode !== undefined ? { discount_code: r.discountCode } : {}),
      }),
    )
    .digest('hex')
}

/** Create a purchase and its invoice; throws AppError on a refusal. */
export async function checkout(d: CheckoutDeps, r: CheckoutRequest): Promise<CheckoutAnswer> {
  const ref = parseGameRef(r.game)
  if (!ref)
    throw new AppError(
      'VALIDATION_FAILED',
      'game: expected "<pubkey>/<slug>", an naddr or a 32267 coordinate',
    )
  const claim: IdempotencyClaim | undefined =
    r.idempotencyKey === undefined
      ? undefined
      : {
          key: `purchases:${r.buyerPubkey ?? 'guest'}:${r.idempotencyKey}`,
          scope: 'purchases',
          requestHash: requestHash(r),
        }
  if (claim) {
    const begun = await d.repo.beginIdempotent(claim, d.nowSec(), IDEMPOTENCY_STALE_SEC)
    if (begun.state === 'MISMATCH')
      throw new AppError(
        'IDEMPOTENCY_MISMATCH',
        'this Idempotency-Key was used with another request body',
      )
    if (begun.state === 'IN_FLIGHT')
      throw new AppError(
        'IDEMPOTENCY_IN_FLIGHT',
        'a request with this Idempotency-Key is still running',
      )
    if (begun.state === 'DONE')
      return replay(begun.answer.statusCode, begun.answer.body as CreatePurchaseResponse, r)
  }
  try {
    return await create(d, r, ref, claim)
  } catch (e) {
    // Nothing was stored: the key may be used again (validation and wallet failures are not replayed).
    if (claim) d.repo.abandonIdempotent(claim.key)
    throw e
  }
}

/**
 * A stored answer again. A guest's receipt code is never in it: the code is random, only its hash is
 * stored, and an Idempotency-Key is no proof of being that guest (anyone may send the same key and body).
 * The replay says so (`receipt_code_withheld`): a guest who lost the first answer starts a new checkout
 * rather than pay an invoice whose receipt code it does not hold.
 */
function replay(
  statusCode: number,
  body: CreatePurchaseResponse,
  r: CheckoutRequest,
): CheckoutAnswer {
  const { receipt_code: _never, ...stored } = body
  if (r.buyerPubkey === undefined)
    return { statusCode, body: { ...stored, receipt_code_withheld: true } }
  return { statusCode, body: stored }
}

async function create(
  d: CheckoutDeps,
  r: CheckoutRequest,
  ref: { pubkey: string; slug: string },
  claim: IdempotencyClaim | undefined,
): Promise<CheckoutAnswer> {
  const game = d.repo.findGame(ref.pubkey, ref.slug)
  if (!game) throw new AppError('GAME_NOT_FOUND', 'no such game')
  const why = unpurchasable(game, d.marketPubkey)
  if (why) throw new AppError(why.code, `the game is ${why.reason}`)
  if (r.discountCode !== undefined && !d.pricing)
    throw new AppError('DISCOUNT_CODE_INVALID', 'this market takes no discount codes')
  // Sales and codes (domain/pricing): pay what you want is at least the discounted price.
  const quote = d.pricing ? priceFor(d.pricing, game, r.discountCode) : undefined
  const priceMsat = msat(quote?.finalPriceMsat ?? game.priceMsat)
  const amountMsat = r.amountMsat ?? priceMsat
  if (amountMsat < priceMsat)
    throw new AppError('AMOUNT_TOO_LOW', `the price is ${priceMsat} msat`, {
      price_msat: priceMsat,
    })
  const id = d.newId()
  // A code's use is held (race-safe, max_uses) before the invoice exists, until it could expire.
  if (quote?.code && d.pricing)
    reserveCode(d.pricing, quote.code, id, d.nowSec() + d.invoiceExpirySec + 60)
  try {
    return await createWithPrice(d, r, game, claim, id, amountMsat, priceMsat, quote)
  } catch (e) {
    if (quote?.code && d.pricing) d.pricing.repo.releaseCodeUse(id)
    throw e
  }
}

async function createWithPrice(
  d: CheckoutDeps,
  r: CheckoutRequest,
  game: CatalogGame,
  claim: IdempotencyClaim | undefined,
  id: string,
  amountMsat: number,
  priceMsat: Msat,
  quote: ReturnType<typeof priceFor> | undefined,
): Promise<CheckoutAnswer> {
  const invoice = await d.wallet.makeInvoice({
    amountMsat: msat(amountMsat),
    description: `Zapcade: ${game.title}`.slice(0, 300),
    expirySec: d.invoiceExpirySec,
  })
  if (invoice.amountMsat !== amountMsat || !/^[0-9a-f]{64}$/.test(invoice.paymentHash)) {
    throw new AppError(
      'WALLET_UNAVAILABLE',
      'the wallet answered an invoice that does not match the request',
    )
  }
  const guest = r.buyerPubkey === undefined
  // Always random, never derived from the Idempotency-Key: holding the key must not give the code.
  const receiptCode = guest ? d.newReceiptCode() : undefined
  const nowSec = d.nowSec()
  const gift = r.giftTo !== undefined && r.giftTo !== r.buyerPubkey ? r.giftTo : undefined
  const body: CreatePurchaseResponse = {
    id,
    status: 'PENDING',
    bolt11: invoice.bolt11,
    payment_hash: invoice.paymentHash,
    amount_msat: amountMsat,
    expires_at: invoice.expiresAtSec,
    ...(quote ? { price: breakdown(quote) } : {}),
    ...(gift !== undefined ? { gift_to: gift } : {}),
  }
  await d.repo.createPending(
    {
      id,
      buyerPubkey: r.buyerPubkey ?? null,
      guestReceiptCodeHash: receiptCode ? d.hashReceiptCode(receiptCode) : null,
      gameId: game.id,
      kind: 'CHECKOUT',
      isTip: false,
      invoiceProvider: d.invoiceProvider,
      paymentHash: invoice.paymentHash,
      bolt11: invoice.bolt11,
      amountMsat: msat(amountMsat),
      priceMsat,
      feeBps: d.feeBps,
      zapRequest: null,
      createdAtSec: nowSec,
      expiresAtSec: invoice.expiresAtSec,
      ...(gift !== undefined
        ? { giftToPubkey: gift, giftDm: r.giftDm ?? true, giftMessage: r.giftMessage ?? null }
        : {}),
      ...(quote && quote.discountMsat > 0
        ? {
            ledgerMeta: {
              list_price_msat: quote.listPriceMsat,
              discount_msat: quote.discountMsat,
              price_msat: quote.finalPriceMsat,
              sale_id: quote.sale?.id ?? null,
              sale_percent_off: quote.sale?.percentOff ?? null,
              discount_code: quote.code?.code ?? null,
            },
          }
        : {}),
    },
    claim && { claim, answer: { statusCode: 201, body } },
    ledgerKey(id, 'INVOICE_CREATED'),
  )
  return { statusCode: 201, body: receiptCode ? { ...body, receipt_code: receiptCode } : body }
}
