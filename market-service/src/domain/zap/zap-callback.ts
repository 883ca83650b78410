/**
 * The market's LNURL-pay server for zaps (NIP-57, LUD-06/16; docs/architecture.md "Zaps"). It answers
 * two kinds of Lightning address, both with `allowsNostr` and the market's key as `nostrPubkey`:
 * - the market's own (`zapcade@host`), which listings name in their `zap` tag;
 * - every developer's (`<npub>@host`, or a short name they claimed), which a developer puts in their
 *   kind-0 `lud16`, so clients that ignore `zap` splits (Damus, most apps) still pay through the market.
 * The callback accepts zap requests as real clients send them (see shared/src/events/zap-request.ts):
 * the `nostr` value is checked as received and, failing that, with `+` read as a space (form encoding,
 * as URLSearchParams, Amethyst and NDK send it); the string that verifies is hashed into the invoice's
 * description hash and stored byte-for-byte for the receipt. The game comes from `a` or from `e` (any
 * event id the indexer saw for the listing: old versions, releases); `e` and `a` naming different games
 * is refused. A zap toward a paid game counts toward owning it (zaps from one key add up at settlement);
 * anonymous zaps, zaps naming no game and zaps to free games are tips.
 */
import { createHash } from 'node:crypto'
import { AppError } from '@zapcade/shared/errors'
import { parseCoordinate, parseGameCoordinate, parsePubkey } from '@zapcade/shared/ids'
import { Kind } from '@zapcade/shared/kinds'
import { msat, parseMsat, type Msat } from '@zapcade/shared/money'
import { tagsNamed, type NostrEvent } from '@zapcade/shared/events/event'
import {
  checkZapAmount,
  parseZapRequestJson,
  type ZapRequest,
} from '@zapcade/shared/events/zap-request'
import type { CatalogGame, CheckoutWrites, PurchaseReads } from '../../ports/purchase-repo.ts'
import type { Wallet } from '../../ports/wallet.ts'
import { unpurchasable } from '../purchase/checkout.ts'
import { ledgerKey } from '../settlement/settle.ts'

export interface ZapServerConfig {
  /** The market's own LUD-16 name (`<name>@<host>`). */
  name: string
  /** The host part of the Lightning addresses (text/identifier). */
  host: string
  /** The public base URL callbacks live under (`<baseUrl>/lnurlp/<name>/callback`). */
  baseUrl: string
  /** Absolute URL of the market address's callback. */
  callbackUrl: string
  /** Hex pubkey of the key that signs zap receipts (the market key). */
  zapperPubkey: string
  /** The market pubkey: the `p` of zaps to the market itself. */
  marketPubkey: string
  minSendableMsat: Msat
  maxSendableMsat: Msat
  /** LUD-12: longest comment (the zap request's content) accepted. */
  commentAllowed: number
  feeBps: number
  /** Fee on tips (zaps that buy nothing) that belong to a developer; default 0. */
  tipFeeBps?: number
  invoiceExpirySec: number
  invoiceProvider: string
}

/** A game named by a zap, as the indexer stored the event: its listing's address. */
export interface ZapTargetRef {
  pubkey: string
  slug: string
}

/** What the zap server stores: the purchases port's part, and the lookups of names and event ids. */
export interface ZapRepo extends Pick<PurchaseReads, 'findGame'>, CheckoutWrites {
  /** A PENDING zap purchase for exactly this zap request and amount, payable after `payableAfterSec`. */
  pendingZap?(
    zapRequest: string,
    amountMsat: Msat,
    payableAfterSec: number,
  ): { purchaseId: string; bolt11: string; isTip: boolean } | undefined
  /** The listing an event id belongs to: any version of a 32267, a release or a build asset of it. */
  gameOfEvent?(eventId: string): ZapTargetRef | undefined
  /** The developer pubkey a short Lightning-address name was claimed by. */
  lnNameOwner?(name: string): string | undefined
}

/** A retried callback gets the same invoice while it has at least this long to live. */
export const REUSE_INVOICE_MIN_LIFE_SEC = 60

export interface ZapDeps {
  config: ZapServerConfig
  repo: ZapRepo
  wallet: Pick<Wallet, 'makeInvoice'>
  nowSec: () => number
  newId: () => string
  /**
   * The game's price now, a running sale applied (docs/keys-gifts-sales.md). A zap counts toward the price
   * its invoice was made at, so zaps during a sale own the game at the sale price. Default: the list price.
   */
  priceNow?: (game: CatalogGame) => Msat
}

/** Who a Lightning address of this market pays: the market itself or one developer. */
export type ZapAddressee =
  | { kind: 'MARKET'; name: string }
  | { kind: 'DEVELOPER'; name: string; pubkey: string }

/** The addressee of `<name>@host`, or undefined when the name is not one of ours. */
export function resolveZapAddress(
  d: Pick<ZapDeps, 'config' | 'repo'>,
  rawName: string,
): ZapAddressee | undefined {
  const name = rawName.toLowerCase()
  if (name === d.config.name) return { kind: 'MARKET', name }
  if (name.startsWith('npub1')) {
    const pubkey = parsePubkey(name)
    if (pubkey === undefined) return undefined
    return pubkey === d.config.marketPubkey
      ? { kind: 'MARKET', name }
      : { kind: 'DEVELOPER', name, pubkey }
  }
  const owner = d.repo.lnNameOwner?.(name)
  return owner === undefined ? undefined : { kind: 'DEVELOPER', name, pubkey: owner }
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

/** Where the callback of a name lives. */
export const lnurlCallbackPath = (name: string): string =>
  `/lnurlp/${encodeURIComponent(name)}/callback`

/** The pay request answered at `/.well-known/lnurlp/<name>` (the market's by default). */
export function payRequest(
  c: ZapServerConfig,
  to: ZapAddressee = { kind: 'MARKET', name: c.name },
): PayRequest {
  const id = `${to.name}@${c.host}`
  const text =
    to.kind === 'MARKET'
      ? `Zap ${id}: buy or tip a game on Zapcade`
      : `Zap ${id}: buy their games or tip them on Zapcade`
  return {
    callback:
      to.kind === 'MARKET' && to.name === c.name
        ? c.callbackUrl
        : `${c.baseUrl}${lnurlCallbackPath(to.name)}`,
    minSendable: c.minSendableMsat,
    maxSendable: c.maxSendableMsat,
    metadata: JSON.stringify([
      ['text/plain', text],
      ['text/identifier', id],
    ]),
    tag: 'payRequest',
    allowsNostr: true,
    nostrPubkey: c.zapperPubkey,
    commentAllowed: c.commentAllowed,
  }
}

export interface ZapCallbackInput {
  /** The `amount` query value (msat), as received. */
  amount: string | undefined
  /**
   * The `nostr` query value as it can be read: percent-decoded only (first), then form-decoded (`+` as a
   * space). The first whose id and signature verify is the zap request; the others are never hashed.
   */
  nostr: string | undefined | readonly string[]
  /** The address the callback was called on (default: the market's). */
  to?: ZapAddressee
}

export interface ZapInvoice {
  pr: string
  routes: []
  purchaseId: string
  isTip: boolean
}

/** Longest `nostr` value accepted (URLs are capped near 2000 chars by many clients anyway). */
export const MAX_ZAP_REQUEST_CHARS = 16 * 1024

const refuse = (reason: string): AppError => new AppError('INVALID_EVENT', reason)
const notForSale = (reason: string): AppError => new AppError('GAME_NOT_PURCHASABLE', reason)

/** The zap request among the readings of `nostr` whose signature verifies (the first reading's reason if none). */
function verifiedReading(readings: readonly string[]): {
  raw: string
  event: NostrEvent
  zapRequest: ZapRequest
} {
  let firstFailure: string | undefined
  for (const raw of readings) {
    if (raw.length > MAX_ZAP_REQUEST_CHARS) throw refuse('nostr: zap request too large')
    const parsed = parseZapRequestJson(raw)
    if (parsed.ok) return { raw, ...parsed.value }
    firstFailure ??= parsed.reason
  }
  throw refuse(firstFailure ?? 'nostr: a zap request (kind 9734) is required')
}

/** A zapped game, by the `a` coordinate or by an `e` event id; refuses `e` and `a` naming different games. */
function zappedGame(d: ZapDeps, zr: ZapRequest, to: ZapAddressee): CatalogGame | undefined {
  let byA: ZapTargetRef | undefined
  if (zr.coordinate !== undefined) {
    byA = parseGameCoordinate(zr.coordinate)
    // A developer's address is zapped for their notes and articles too: another kind is a tip to them.
    if (!byA && to.kind === 'MARKET')
      throw notForSale('a: not a game coordinate (32267:<pubkey>:<slug>)')
    if (!byA && parseCoordinate(zr.coordinate)?.kind === Kind.Game)
      throw notForSale('a: not a game coordinate')
  }
  const byE = zr.targetEventId !== undefined ? d.repo.gameOfEvent?.(zr.targetEventId) : undefined
  if (byA && byE && (byA.pubkey !== byE.pubkey || byA.slug !== byE.slug))
    throw refuse('e: names a different game than a')
  const ref = byA ?? byE
  if (!ref) return undefined
  const game = d.repo.findGame(ref.pubkey, ref.slug)
  if (!game && byA) throw notForSale('a: no such game')
  return game
}

/** Check a zap request and make its invoice; throws AppError (the route answers it LUD-06 style). */
export async function zapCallback(d: ZapDeps, input: ZapCallbackInput): Promise<ZapInvoice> {
  const c = d.config
  const to = input.to ?? { kind: 'MARKET', name: c.name }
  const amountMsat = input.amount === undefined ? undefined : parseMsat(input.amount)
  if (amountMsat === undefined || amountMsat === 0)
    throw new AppError('VALIDATION_FAILED', 'amount: a positive integer number of msat is required')
  if (amountMsat < c.minSendableMsat || amountMsat > c.maxSendableMsat)
    throw new AppError(
      'VALIDATION_FAILED',
      `amount: must be between ${c.minSendableMsat} and ${c.maxSendableMsat} msat`,
    )
  const readings = (typeof input.nostr === 'string' ? [input.nostr] : (input.nostr ?? [])).filter(
    (r) => r.length > 0,
  )
  if (readings.length === 0) throw refuse('nostr: a zap request (kind 9734) is required')

  // NIP-57 Appendix D as clients send it, on the reading that verifies.
  const { raw, event, zapRequest: zr } = verifiedReading([...new Set(readings)])
  const amount = checkZapAmount(zr, amountMsat)
  if (!amount.ok) throw refuse(amount.reason)
  if (zr.comment.length > c.commentAllowed)
    throw refuse(`content: comment longer than ${c.commentAllowed} characters`)

  const game = zappedGame(d, zr, to)
  // Who may be in `p`: on a developer's address, that developer; on the market's, the market or the
  // zapped game's developer (nostr-tools' makeZapRequest({event}) puts the event's author there).
  if (to.kind === 'DEVELOPER') {
    if (zr.recipientPubkey !== to.pubkey)
      throw refuse("p: must be the pubkey of this Lightning address's owner")
    if (game && game.developerPubkey !== to.pubkey)
      throw notForSale("the zapped game is not by this Lightning address's owner")
  } else if (
    zr.recipientPubkey !== c.marketPubkey &&
    (!game || zr.recipientPubkey !== game.developerPubkey)
  ) {
    throw refuse("p: must be the market pubkey or the zapped game's developer")
  }
  if (game && game.priceMsat > 0) {
    const why = unpurchasable(game, c.marketPubkey)
    if (why) throw new AppError(why.code, `the game is ${why.reason}`)
  } else if (game && (game.deleted || game.status === 'BANNED' || game.status === 'DRAFT')) {
    throw notForSale('the game cannot be zapped now')
  }
  const anonymous = tagsNamed(event, 'anon').length > 0
  const isTip = anonymous || game === undefined || game.priceMsat === 0
  const developerTip = isTip && (game !== undefined || to.kind === 'DEVELOPER')

  // A wallet retrying the callback (lost answer) gets the invoice it was already given, not a second one.
  const again = d.repo.pendingZap?.(raw, amountMsat, d.nowSec() + REUSE_INVOICE_MIN_LIFE_SEC)
  if (again)
    return { pr: again.bolt11, routes: [], purchaseId: again.purchaseId, isTip: again.isTip }

  // The invoice commits to the zap request exactly as verified (NIP-57: hash the bytes, never re-serialise).
  const descriptionHash = createHash('sha256').update(raw, 'utf8').digest('hex')
  const invoice = await d.wallet.makeInvoice({
    amountMsat,
    descriptionHash,
    expirySec: c.invoiceExpirySec,
  })
  if (invoice.amountMsat !== amountMsat || !/^[0-9a-f]{64}$/.test(invoice.paymentHash))
    throw new AppError(
      'WALLET_UNAVAILABLE',
      'the wallet answered an invoice that does not match the request',
    )

  const id = d.newId()
  await d.repo.createPending(
    {
      id,
      buyerPubkey: zr.senderPubkey,
      guestReceiptCodeHash: null,
      gameId: game?.id ?? null,
      recipientPubkey: game === undefined && to.kind === 'DEVELOPER' ? to.pubkey : null,
      kind: 'ZAP',
      isTip,
      invoiceProvider: c.invoiceProvider,
      paymentHash: invoice.paymentHash,
      bolt11: invoice.bolt11,
      amountMsat,
      priceMsat: game ? (d.priceNow?.(game) ?? game.priceMsat) : msat(0),
      feeBps: developerTip ? (c.tipFeeBps ?? 0) : c.feeBps,
      zapRequest: raw,
      createdAtSec: d.nowSec(),
      expiresAtSec: invoice.expiresAtSec,
    },
    undefined,
    ledgerKey(id, 'INVOICE_CREATED'),
  )
  return { pr: invoice.bolt11, routes: [], purchaseId: id, isTip }
}
