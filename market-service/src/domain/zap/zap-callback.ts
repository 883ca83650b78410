/**
 * The market's LNURL-pay server for zaps (NIP-57, LUD-06/16, DESIGN.md section 3). The pay request
 * advertises `allowsNostr` and the zapper key; the callback checks the 9734 zap request by Appendix D
 * plus ours (exactly one `p` = market, `a` = a purchasable game, `amount` tag = query amount), has the
 * wallet make an invoice whose description hash is sha256 of the EXACT zap-request string received,
 * and records a PENDING ZAP purchase + INVOICE_CREATED. Anonymous zaps, zaps without `a` and amounts
 * below the price are tips: booked in the ledger on settlement, no entitlement.
 */
import { createHash } from 'node:crypto'
import { AppError } from '@zapcade/shared/errors'
import { parseGameCoordinate } from '@zapcade/shared/ids'
import { msat, parseMsat, type Msat } from '@zapcade/shared/money'
import { tagsNamed } from '@zapcade/shared/events/event'
import { checkZapRequestForMarket, parseZapRequestJson } from '@zapcade/shared/events/zap-request'
import type { PurchaseRepo } from '../../ports/purchase-repo.ts'
import type { Wallet } from '../../ports/wallet.ts'
import { unpurchasableReason } from '../purchase/checkout.ts'
import { ledgerKey } from '../settlement/settle.ts'

export interface ZapServerConfig {
  /** The LUD-16 name (`<name>@<host>`) this market answers for. */
  name: string
  /** The host part of the Lightning address (text/identifier). */
  host: string
  /** Absolute URL of the callback. */
  callbackUrl: string
  /** Hex pubkey of the key that signs zap receipts (the market key). */
  zapperPubkey: string
  /** The `p` every zap request must name: the market pubkey. */
  marketPubkey: string
  minSendableMsat: Msat
  maxSendableMsat: Msat
  /** LUD-12: longest comment (the zap request's content) accepted. */
  commentAllowed: number
  feeBps: number
  invoiceExpirySec: number
  invoiceProvider: string
}

/** What the zap server stores: the purchases port's part, and optionally the retry lookup. */
export interface ZapRepo extends Pick<PurchaseRepo, 'findGame' | 'createPending'> {
  /** A PENDING zap purchase for exactly this zap request and amount, payable after `payableAfterSec`. */
  pendingZap?(zapRequest: string, amountMsat: Msat, payableAfterSec: number): { purchaseId: string; bolt11: string; isTip: boolean } | undefined
}

/** A retried callback gets the same invoice while it has at least this long to live. */
export const REUSE_INVOICE_MIN_LIFE_SEC = 60

export interface ZapDeps {
  config: ZapServerConfig
  repo: ZapRepo
  wallet: Pick<Wallet, 'makeInvoice'>
  nowSec: () => number
  newId: () => string
}

/** The LUD-06 pay request with NIP-57's additions. */
export interface PayRequest {
  callback: string
  minSendable: number
  maxSendable: number
  metadata: string
  tag: 'payRequest'
  allowsNostr: true
  nostrPubkey: string
  commentAllowed: number
}

/** The pay request answered at `/.well-known/lnurlp/<name>`. */
export function payRequest(c: ZapServerConfig): PayRequest {
  return {
    callback: c.callbackUrl,
    minSendable: c.minSendableMsat,
    maxSendable: c.maxSendableMsat,
    metadata: JSON.stringify([['text/plain', `Zap ${c.name}@${c.host}: buy or tip a game on Zapcade`], ['text/identifier', `${c.name}@${c.host}`]]),
    tag: 'payRequest',
    allowsNostr: true,
    nostrPubkey: c.zapperPubkey,
    commentAllowed: c.commentAllowed,
  }
}

export interface ZapCallbackInput {
  /** The `amount` query value (msat), as received. */
  amount: string | undefined
  /** The `nostr` query value, percent-decoded and otherwise untouched: the bytes that are hashed. */
  nostr: string | undefined
}

export interface ZapInvoice {
  pr: string
  routes: []
  purchaseId: string
  isTip: boolean
}

/** Longest `nostr` value accepted (URLs are capped near 2000 chars by many clients anyway). */
export const MAX_ZAP_REQUEST_CHARS = 16 * 1024

/** Check a zap request and make its invoice; throws AppError (the route answers it LUD-06 style). */
export async function zapCallback(d: ZapDeps, input: ZapCallbackInput): Promise<ZapInvoice> {
  const c = d.config
  const amountMsat = input.amount === undefined ? undefined : parseMsat(input.amount)
  if (amountMsat === undefined || amountMsat === 0) throw new AppError('VALIDATION_FAILED', 'amount: a positive integer number of msat is required')
  if (amountMsat < c.minSendableMsat || amountMsat > c.maxSendableMsat)
    throw new AppError('VALIDATION_FAILED', `amount: must be between ${c.minSendableMsat} and ${c.maxSendableMsat} msat`)
  const raw = input.nostr
  if (raw === undefined || raw.length === 0) throw new AppError('INVALID_EVENT', 'nostr: a zap request (kind 9734) is required')
  if (raw.length > MAX_ZAP_REQUEST_CHARS) throw new AppError('INVALID_EVENT', 'nostr: zap request too large')

  // NIP-57 Appendix D: JSON, shape, id + signature, tags, one p, 0/1 e, 0/1 P, a coordinate, relays.
  const parsed = parseZapRequestJson(raw)
  if (!parsed.ok) throw new AppError('INVALID_EVENT', parsed.reason)
  // Ours: p = the market, amount tag present and equal to the query amount.
  const checked = checkZapRequestForMarket(parsed.value.zapRequest, { marketPubkey: c.marketPubkey, queryAmountMsat: amountMsat })
  if (!checked.ok) throw new AppError('INVALID_EVENT', checked.reason)
  const zr = checked.value
  if (zr.comment.length > c.commentAllowed) throw new AppError('INVALID_EVENT', `content: comment longer than ${c.commentAllowed} characters`)

  let game: ReturnType<ZapDeps['repo']['findGame']>
  if (zr.coordinate !== undefined) {
    const ref = parseGameCoordinate(zr.coordinate)
    if (!ref) throw new AppError('GAME_NOT_PURCHASABLE', 'a: not a game coordinate (32267:<pubkey>:<slug>)')
    game = d.repo.findGame(ref.pubkey, ref.slug)
    if (!game) throw new AppError('GAME_NOT_PURCHASABLE', 'a: no such game')
    const why = unpurchasableReason(game, c.marketPubkey)
    if (why) throw new AppError('GAME_NOT_PURCHASABLE', `a: the game is ${why}`)
  }
  const anonymous = tagsNamed(parsed.value.event, 'anon').length > 0
  const isTip = anonymous || game === undefined || amountMsat < game.priceMsat

  // A wallet retrying the callback (lost answer) gets the invoice it was already given, not a second one.
  const again = d.repo.pendingZap?.(raw, amountMsat, d.nowSec() + REUSE_INVOICE_MIN_LIFE_SEC)
  if (again) return { pr: again.bolt11, routes: [], purchaseId: again.purchaseId, isTip: again.isTip }

  // The invoice commits to the zap request exactly as received (NIP-57: hash the bytes, never re-serialise).
  const descriptionHash = createHash('sha256').update(raw, 'utf8').digest('hex')
  const invoice = await d.wallet.makeInvoice({ amountMsat, descriptionHash, expirySec: c.invoiceExpirySec })
  if (invoice.amountMsat !== amountMsat || !/^[0-9a-f]{64}$/.test(invoice.paymentHash))
    throw new AppError('WALLET_UNAVAILABLE', 'the wallet answered an invoice that does not match the request')

  const id = d.newId()
  await d.repo.createPending({
    id, buyerPubkey: zr.senderPubkey, guestReceiptCodeHash: null, gameId: game?.id ?? null, kind: 'ZAP', isTip,
    invoiceProvider: c.invoiceProvider, paymentHash: invoice.paymentHash, bolt11: invoice.bolt11, amountMsat,
    priceMsat: game?.priceMsat ?? msat(0), feeBps: c.feeBps, zapRequest: raw, createdAtSec: d.nowSec(),
    expiresAtSec: invoice.expiresAtSec,
  }, undefined, ledgerKey(id, 'INVOICE_CREATED'))
  return { pr: invoice.bolt11, routes: [], purchaseId: id, isTip }
}
