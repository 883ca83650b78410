/**
 * Zap receipt, kind 9735 (NIP-57 Appendix E). The market's zapper key (the LNURL `nostrPubkey`)
 * publishes one when a zap invoice is paid; it is the public trace of a purchase (docs/architecture.md "Event profile").
 * A receipt is not proof of payment: trust rests on who signed it (App. F).
 */
import { Kind } from '../kinds.ts'
import { isHex64, type EventId, type Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { requiredTag, singleTag, tagsNamed, type NostrEvent, type UnsignedEvent } from './event.ts'
import { parseZapRequestJson, type ZapRequest } from './zap-request.ts'

export const ZAP_RECEIPT_KIND = Kind.ZapReceipt

export interface ZapReceiptInput {
  /** The zap request exactly as received (its sha256 is the invoice's description hash). */
  zapRequestJson: string
  bolt11: string
  /** Hex preimage, when the wallet reported it. */
  preimage?: string | undefined
  /** When the invoice was paid: the receipt's created_at (App. E). */
  paidAtSec: number
  /** The zap request's `p`. */
  recipientPubkey: string
  /** The zap request's pubkey (App. E: `P` = the sender). */
  senderPubkey: string
  /** Copied from the zap request when it had them. */
  coordinate?: string | undefined
  targetEventId?: string | undefined
  targetKind?: number | undefined
}

/** Make the unsigned kind-9735 receipt; `p`, `e`, `a`, `k` are copied from the zap request (App. E). */
export function buildZapReceipt(r: ZapReceiptInput): UnsignedEvent {
  const tags: string[][] = [
    ['p', r.recipientPubkey],
    ['P', r.senderPubkey],
  ]
  if (r.targetEventId) tags.push(['e', r.targetEventId])
  if (r.coordinate) tags.push(['a', r.coordinate])
  if (r.targetKind !== undefined) tags.push(['k', String(r.targetKind)])
  tags.push(['bolt11', r.bolt11], ['description', r.zapRequestJson])
  if (r.preimage) tags.push(['preimage', r.preimage])
  return { kind: ZAP_RECEIPT_KIND, created_at: r.paidAtSec, tags, content: '' }
}

/** The receipt input for a parsed zap request: every copied tag comes from the request itself. */
export function zapReceiptInputFor(
  zr: ZapRequest,
  paid: { zapRequestJson: string; bolt11: string; preimage?: string; paidAtSec: number },
): ZapReceiptInput {
  const input: ZapReceiptInput = {
    zapRequestJson: paid.zapRequestJson,
    bolt11: paid.bolt11,
    paidAtSec: paid.paidAtSec,
    recipientPubkey: zr.recipientPubkey,
    senderPubkey: zr.senderPubkey,
  }
  if (paid.preimage !== undefined) input.preimage = paid.preimage
  if (zr.coordinate !== undefined) input.coordinate = zr.coordinate
  if (zr.targetEventId !== undefined) input.targetEventId = zr.targetEventId
  if (zr.targetKind !== undefined) input.targetKind = zr.targetKind
  return input
}

export interface ZapReceipt {
  id: EventId
  /** Who signed the receipt; clients compare it with the recipient's LNURL `nostrPubkey` (App. F). */
  zapperPubkey: Pubkey
  recipientPubkey: Pubkey
  /** The `P` tag, which App. E makes the zap request's pubkey. */
  senderPubkey: Pubkey
  targetEventId: EventId | undefined
  coordinate: string | undefined
  targetKind: number | undefined
  bolt11: string
  preimage: string | undefined
  paidAtSec: number
  /** The embedded zap request, signature-checked and parsed by App. D. */
  zapRequest: ZapRequest
  /** The `description` string as carried (hash it, never a re-serialisation). */
  description: string
}

/**
 * Parse a signature-verified kind-9735 receipt: `bolt11`, `description` = a valid signed zap request,
 * and `p`/`P`/`e`/`a` consistent with that request. The bolt11 amount is not decoded here (shared
 * imports no bolt11 decoder); App. F's amount check belongs to the caller.
 */
export function parseZapReceipt(ev: NostrEvent): Parsed<ZapReceipt> {
  if (ev.kind !== ZAP_RECEIPT_KIND)
    return fail(`kind: expected ${ZAP_RECEIPT_KIND}, got ${ev.kind}`)
  const bolt11 = requiredTag(ev, 'bolt11')
  if (!bolt11.ok) return bolt11
  if (!/^ln[a-z0-9]+$/i.test(bolt11.value)) return fail('bolt11: not a bolt11 invoice')
  const description = requiredTag(ev, 'description')
  if (!description.ok) return description
  const zr = parseZapRequestJson(description.value)
  if (!zr.ok) return fail(`description: ${zr.reason}`)
  const req = zr.value.zapRequest

  const ps = tagsNamed(ev, 'p')
  if (ps.length !== 1) return fail(`p: exactly one p tag required, got ${ps.length}`)
  const p = ps[0]![1]
  if (!isHex64(p)) return fail('p: recipient pubkey must be 64 lowercase hex')
  if (p !== req.recipientPubkey) return fail("p: must equal the zap request's p")

  const P = singleTag(ev, 'P', false)
  if (!P.ok) return P
  if (P.value !== undefined && P.value !== req.senderPubkey)
    return fail("P: must equal the zap request's pubkey")

  const e = singleTag(ev, 'e', false)
  if (!e.ok) return e
  if (e.value !== req.targetEventId) return fail("e: must equal the zap request's e")
  const a = singleTag(ev, 'a', false)
  if (!a.ok) return a
  if (a.value !== req.coordinate) return fail("a: must equal the zap request's a")
  const k = singleTag(ev, 'k', false)
  if (!k.ok) return k
  if (k.value !== undefined && k.value !== String(req.targetKind))
    return fail("k: must equal the zap request's k")

  const preimage = singleTag(ev, 'preimage', false)
  if (!preimage.ok) return preimage
  if (preimage.value !== undefined && !isHex64(preimage.value))
    return fail('preimage: must be 64 lowercase hex')

  return ok({
    id: ev.id as EventId,
    zapperPubkey: ev.pubkey as Pubkey,
    recipientPubkey: p as Pubkey,
    senderPubkey: req.senderPubkey,
    targetEventId: req.targetEventId,
    coordinate: req.coordinate,
    targetKind: req.targetKind,
    bolt11: bolt11.value,
    preimage: preimage.value,
    paidAtSec: ev.created_at,
    zapRequest: req,
    description: description.value,
  })
}
