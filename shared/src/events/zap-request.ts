/**
 * Zap request, kind 9734 (NIP-57). Signed by the payer and sent to the LNURL callback, never published.
 * `parseZapRequest` applies the server checks of NIP-57 Appendix D as real clients meet them
 * (docs/architecture.md "Zaps"): `amount` is optional (Damus never sends it) and must equal the query
 * amount only when present; `relays` is optional and never a reason to refuse (Primal sends every relay
 * it knows, noStrudel a `nostr-idb://` cache); `lnurl` in any form; a bad `k` is ignored. What guards
 * money stays strict: the signature, one `p`, at most one `e`/`a`/`P`, a valid coordinate, the amount.
 * Who may be zapped and whether the game is purchasable are the service's decisions, not this file's.
 */
import { verifyEvent } from 'nostr-tools/pure'
import { Kind } from '../kinds.ts'
import { isHex64, parseCoordinate, type EventId, type Pubkey } from '../ids.ts'
import { parseMsat, type Msat } from '../money.ts'
import { fail, ok, type Parsed } from '../result.ts'
import {
  EVENT_LIMITS,
  parseEventShape,
  singleTag,
  tagsNamed,
  type EventLimits,
  type NostrEvent,
  type UnsignedEvent,
} from './event.ts'
import { checkKindAndLimits, optionalHexTag } from './tag-rules.ts'

export const ZAP_REQUEST_KIND = Kind.ZapRequest

/** Longest zap comment we keep (LUD-12 commentAllowed is usually far below; URLs cap near 2000). */
export const MAX_ZAP_COMMENT = 2000
/** At most this many of the zapper's relays receive the receipt (the market's own relays come on top). */
export const MAX_RECEIPT_RELAYS = 10

/**
 * A zap request's size limits: a `relays` tag may list hundreds of relays (Primal web sends every relay
 * it is connected to); the callback caps the whole request at 16 KiB anyway.
 */
export const ZAP_REQUEST_LIMITS: EventLimits = { ...EVENT_LIMITS, maxTagValues: 512 }

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
  /** The `relays` tag as sent (any strings; see `cleanZapRelays` before connecting to any). */
  relays: string[]
  /** The `amount` tag in msat, when present (recommended, not required by the NIP). */
  amountMsat: Msat | undefined
  /** The first `lnurl` tag's value, when present (bech32 in any case, a URL or an address: kept, never checked). */
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
  const base = checkKindAndLimits(ev, ZAP_REQUEST_KIND, ZAP_REQUEST_LIMITS)
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
  if (a.value !== undefined && !parseCoordinate(a.value))
    return fail('a: must be a coordinate <kind>:<pubkey>:<d>')

  // `k` is informational (copied into the receipt): a value that is not a kind is dropped, not refused.
  const kValue = tagsNamed(ev, 'k')[0]?.[1]
  const targetKind =
    kValue !== undefined && /^(0|[1-9][0-9]{0,4})$/.test(kValue) && Number(kValue) <= 65535
      ? Number(kValue)
      : undefined

  // Appendix D: "there should be a relays tag". Any number, duplicates, junk: all kept as sent here.
  const relays = tagsNamed(ev, 'relays')
    .flatMap((t) => t.slice(1))
    .filter((r) => typeof r === 'string')

  const amount = singleTag(ev, 'amount', false)
  if (!amount.ok) return amount
  let amountMsat: Msat | undefined
  if (amount.value !== undefined) {
    const m = parseMsat(amount.value)
    if (m === undefined || m === 0) return fail('amount: must be a positive integer number of msat')
    amountMsat = m
  }

  const lnurl = tagsNamed(ev, 'lnurl')[0]?.[1]
  if (ev.content.length > MAX_ZAP_COMMENT)
    return fail(`content: comment longer than ${MAX_ZAP_COMMENT} characters`)

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
    lnurl,
    comment: ev.content,
    createdAtSec: ev.created_at,
  })
}

/**
 * Parse the zap request JSON string an LNURL callback receives (`nostr=` query) or a receipt's
 * `description`: JSON, NIP-01 shape, id and signature (NIP-57 App. D "valid signature"), then App. D.
 */
export function parseZapRequestJson(
  json: string,
): Parsed<{ event: NostrEvent; zapRequest: ZapRequest }> {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return fail('nostr: not JSON')
  }
  const shape = parseEventShape(raw, ZAP_REQUEST_LIMITS)
  if (!shape.ok) return fail(`nostr: ${shape.reason}`)
  // verifyEvent checks both the id hash and the BIP-340 signature; it caches on the object, so pass a copy.
  if (!verifyEvent({ ...shape.value })) return fail('sig: zap request id or signature is invalid')
  const zr = parseZapRequest(shape.value)
  if (!zr.ok) return zr
  return ok({ event: shape.value, zapRequest: zr.value })
}

/**
 * The `amount` rule of Appendix D: when the request names an amount it must equal the callback's
 * `amount` query parameter (msat); a request without one (Damus) takes the query amount.
 */
export function checkZapAmount(zr: ZapRequest, queryAmountMsat: number): Parsed<Msat> {
  if (zr.amountMsat !== undefined && zr.amountMsat !== queryAmountMsat)
    return fail('amount: tag must equal the amount query parameter')
  return ok(queryAmountMsat as Msat)
}

/**
 * One relay URL normalised as relays are compared: trimmed, scheme and host lowercased (the URL parser
 * does both), default port and a trailing slash on the bare path dropped; undefined when it is not a
 * ws:// or wss:// URL with a host (e.g. noStrudel's `nostr-idb://cache-relay`) or carries credentials.
 */
export function normaliseRelayUrl(raw: string): string | undefined {
  let u: URL
  try {
    u = new URL(raw.trim())
  } catch {
    return undefined
  }
  if ((u.protocol !== 'wss:' && u.protocol !== 'ws:') || u.hostname.length === 0) return undefined
  if (u.username !== '' || u.password !== '') return undefined
  u.hash = ''
  const s = u.toString()
  return u.pathname === '/' && u.search === '' ? s.slice(0, -1) : s.replace(/\/$/, '')
}

export interface CleanRelaysOptions {
  /** Whether the market may connect to this host (SSRF: private and loopback hosts only in development). */
  allowHost: (hostname: string) => boolean
  /** Keep at most this many (default MAX_RECEIPT_RELAYS). */
  max?: number
}

/**
 * The relays a receipt goes to, from a zap request's `relays` as clients send them: normalised, deduped
 * in order, non-ws entries and hosts the market must not reach dropped, capped. Never fails.
 */
export function cleanZapRelays(relays: readonly string[], o: CleanRelaysOptions): string[] {
  const out: string[] = []
  const max = o.max ?? MAX_RECEIPT_RELAYS
  for (const raw of relays) {
    if (out.length >= max) break
    const url = normaliseRelayUrl(raw)
    if (url === undefined || out.includes(url)) continue
    if (!o.allowHost(new URL(url).hostname)) continue
    out.push(url)
  }
  return out
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
  const tags: string[][] = [
    ['relays', ...z.relays],
    ['amount', String(z.amountMsat)],
  ]
  if (z.lnurl) tags.push(['lnurl', z.lnurl])
  tags.push(['p', z.recipientPubkey])
  if (z.targetEventId) tags.push(['e', z.targetEventId])
  if (z.coordinate) tags.push(['a', z.coordinate])
  if (z.targetKind !== undefined) tags.push(['k', String(z.targetKind)])
  return { kind: ZAP_REQUEST_KIND, created_at: z.createdAtSec, tags, content: z.comment ?? '' }
}
