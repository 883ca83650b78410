/**
 * Zap request, kind 9734 (NIP-57). Signed by the payer and sent to the LNURL callback, never published.
 * `parseZapRequest` applies the server checks of NIP-57 Appendix D; `checkZapRequestForMarket` adds
 * Zapcade's (DESIGN.md section 3: exactly one `p` = the market, `amount` tag = the query amount).
 * Whether the zapped game is purchasable is the service's decision, not this file's.
 */
import { verifyEvent } from 'nostr-tools/pure'
import { Kind } from '../kinds.ts'
import { isHex64, parseCoordinate, type EventId, type Pubkey } from '../ids.ts'
import { parseMsat, type Msat } from '../money.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { parseEventShape, singleTag, tagsNamed, type NostrEvent, type UnsignedEvent } from './event.ts'
import { checkKindAndLimits, optionalHexTag } from './tag-rules.ts'

export const ZAP_REQUEST_KIND = Kind.ZapRequest

/** Longest zap comment we keep (LUD-12 commentAllowed is usually far below; URLs cap near 2000). */
export const MAX_ZAP_COMMENT = 2000
/** At most this many relays in a `relays` tag (EVENT_LIMITS.maxTagValues caps the tag anyway). */
export const MAX_ZAP_RELAYS = 15

export interface ZapRequest {
  /** The zap request's own id (it is signed but not published). */
  id: EventId
  /** Who zaps: the zap request's pubkey (the receipt's `P`). May be a throwaway key for anonymous zaps. */
  senderPubkey: Pubkey
  /** The one `p`: who is zapped. */
  recipientPubkey: Pubkey
  /** The zapped event (`e`), when any. */
  targetEventId: EventId | undefined
  /** The zapped addressable event (`a` coordinate), when any. */
  coordinate: string | undefined
  /** The zapped event's kind (`k`), when given. */
  targetKind: number | undefined
  /** The optional `P` tag of the request. */
  senderTag: Pubkey | undefined
  /** Where the receipt is to be published (the `relays` tag). */
  relays: string[]
  /** The `amount` tag in msat, when present (recommended, not required by the NIP). */
  amountMsat: Msat | undefined
  /** The `lnurl` tag, when present. */
  lnurl: string | undefined
  /** The zap comment. */
  comment: string
  createdAtSec: number
}

/** Whether a string is a ws:// or wss:// URL. */
export function isWsUrl(s: string): boolean {
  try {
    const u = new URL(s)
    return (u.protocol === 'wss:' || u.protocol === 'ws:') && u.hostname.length > 0
  } catch {
    return false
  }
}

/** Parse a signature-verified kind-9734 event by NIP-57 Appendix D, or the rule it breaks. */
export function parseZapRequest(ev: NostrEvent): Parsed<ZapRequest> {
  const base = checkKindAndLimits(ev, ZAP_REQUEST_KIND)
  if (!base.ok) return base
  if (ev.tags.length === 0) return fail('tags: a zap request must have tags')

  const ps = tagsNamed(ev, 'p')
  if (ps.length !== 1) return fail(`p: exactly one p tag required, got ${ps.length}`)
  if (!isHex64(ps[0]![1])) return fail('p: recipient pubkey must be 64 lowercase hex')
  const recipientPubkey = ps[0]![1] as Pubkey

  const e = optionalHexTag(ev, 'e', 'event id')
  if (!e.ok) return e
  const P = optionalHexTag(ev, 'P', 'sender pubkey')
  if (!P.ok) return P

  const a = singleTag(ev, 'a', false)
  if (!a.ok) return fail('a: at most one a tag')
  if (a.value !== undefined && !parseCoordinate(a.value)) return fail('a: must be a coordinate <kind>:<pubkey>:<d>')

  const k = singleTag(ev, 'k', false)
  if (!k.ok) return k
  let targetKind: number | undefined
  if (k.value !== undefined) {
    if (!/^(0|[1-9][0-9]{0,4})$/.test(k.value) || Number(k.value) > 65535) return fail('k: must be an event kind 0..65535')
    targetKind = Number(k.value)
  }

  const relayTags = tagsNamed(ev, 'relays')
  if (relayTags.length === 0) return fail('relays: a relays tag is required')
  if (relayTags.length > 1) return fail('relays: duplicate tag')
  const relays = relayTags[0]!.slice(1)
  if (relays.length === 0) return fail('relays: lists no relay')
  if (relays.length > MAX_ZAP_RELAYS) return fail(`relays: more than ${MAX_ZAP_RELAYS} relays`)
  if (relays.some((r) => !isWsUrl(r))) return fail('relays: every relay must be a ws:// or wss:// URL')

  const amount = singleTag(ev, 'amount', false)
  if (!amount.ok) return amount
  let amountMsat: Msat | undefined
  if (amount.value !== undefined) {
    const m = parseMsat(amount.value)
    if (m === undefined || m === 0) return fail('amount: must be a positive integer number of msat')
    amountMsat = m
  }

  const lnurl = singleTag(ev, 'lnurl', false)
  if (!lnurl.ok) return lnurl
  if (ev.content.length > MAX_ZAP_COMMENT) return fail(`content: comment longer than ${MAX_ZAP_COMMENT} characters`)

  return ok({
    id: ev.id as EventId,
    senderPubkey: ev.pubkey as Pubkey,
    recipientPubkey,
    targetEventId: e.value as EventId | undefined,
    coordinate: a.value,
    targetKind,
    senderTag: P.value as Pubkey | undefined,
    relays,
    amountMsat,
    lnurl: lnurl.value,
    comment: ev.content,
    createdAtSec: ev.created_at,
  })
}

/**
 * Parse the zap request JSON string an LNURL callback receives (`nostr=` query) or a receipt's
 * `description`: JSON, NIP-01 shape, id and signature (NIP-57 App. D "valid signature"), then App. D.
 */
export function parseZapRequestJson(json: string): Parsed<{ event: NostrEvent; zapRequest: ZapRequest }> {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return fail('nostr: not JSON')
  }
  const shape = parseEventShape(raw)
  if (!shape.ok) return fail(`nostr: ${shape.reason}`)
  // verifyEvent checks both the id hash and the BIP-340 signature; it caches on the object, so pass a copy.
  if (!verifyEvent({ ...shape.value })) return fail('sig: zap request id or signature is invalid')
  const zr = parseZapRequest(shape.value)
  if (!zr.ok) return zr
  return ok({ event: shape.value, zapRequest: zr.value })
}

/** A zap request that passed the market's checks: its amount is known and equals the invoice's. */
export type MarketZapRequest = ZapRequest & { amountMsat: Msat }

/**
 * Zapcade's checks on top of App. D (DESIGN.md section 3): the one `p` is the market's pubkey and
 * the `amount` tag is present and equals the callback's `amount` query. The game check is the service's.
 */
export function checkZapRequestForMarket(
  zr: ZapRequest,
  opts: { marketPubkey: string; queryAmountMsat: number },
): Parsed<MarketZapRequest> {
  if (zr.recipientPubkey !== opts.marketPubkey) return fail('p: must be the market pubkey')
  if (zr.amountMsat === undefined) return fail('amount: the amount tag is required')
  if (zr.amountMsat !== opts.queryAmountMsat) return fail('amount: tag must equal the amount query parameter')
  return ok({ ...zr, amountMsat: zr.amountMsat })
}

export interface ZapRequestInput {
  recipientPubkey: string
  relays: string[]
  amountMsat: number
  /** The game coordinate `32267:<dev>:<slug>`. */
  coordinate?: string | undefined
  /** The exact listing event id (freezes the price; digest "Buy"). */
  targetEventId?: string | undefined
  targetKind?: number | undefined
  lnurl?: string | undefined
  comment?: string | undefined
  createdAtSec: number
}

/** Make an unsigned kind-9734 zap request (what the storefront and CLI sign). */
export function buildZapRequest(z: ZapRequestInput): UnsignedEvent {
  const tags: string[][] = [['relays', ...z.relays], ['amount', String(z.amountMsat)]]
  if (z.lnurl) tags.push(['lnurl', z.lnurl])
  tags.push(['p', z.recipientPubkey])
  if (z.targetEventId) tags.push(['e', z.targetEventId])
  if (z.coordinate) tags.push(['a', z.coordinate])
  if (z.targetKind !== undefined) tags.push(['k', String(z.targetKind)])
  return { kind: ZAP_REQUEST_KIND, created_at: z.createdAtSec, tags, content: z.comment ?? '' }
}
