import { describe, expect, it } from 'vitest'
import { Kind } from '../kinds.ts'
import { gameCoordinate, type Pubkey } from '../ids.ts'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import { buildZapRequest, parseZapRequest } from './zap-request.ts'
import { buildZapReceipt, parseZapReceipt, zapReceiptInputFor } from './zap-receipt.ts'

const buyer = newKey()
const market = newKey()
const dev = newKey()
const coordinate = gameCoordinate({ pubkey: dev.pk as Pubkey, slug: 'star-miner' })
const listingId = 'ab'.repeat(32)
const bolt11 = 'lnbcrt21u1pjexample0pp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypq'
const preimage = '5e'.repeat(32)

const zapRequest = sign(
  buildZapRequest({
    recipientPubkey: market.pk,
    relays: ['wss://relay.example.com'],
    amountMsat: 21_000,
    coordinate,
    targetEventId: listingId,
    targetKind: Kind.Game,
    createdAtSec: 1_760_000_000,
  }),
  buyer,
)
const zapRequestJson = JSON.stringify(zapRequest)

function base(): UnsignedEvent {
  const zr = parseZapRequest(zapRequest)
  if (!zr.ok) throw new Error(zr.reason)
  return buildZapReceipt(
    zapReceiptInputFor(zr.value, { zapRequestJson, bolt11, preimage, paidAtSec: 1_760_000_100 }),
  )
}

describe('buildZapReceipt (NIP-57 Appendix E)', () => {
  it('copies p, e, a, k from the request, sets P = sender, created_at = paid_at and empty content', () => {
    const u = base()
    expect(u).toEqual({
      kind: 9735,
      created_at: 1_760_000_100,
      content: '',
      tags: [
        ['p', market.pk],
        ['P', buyer.pk],
        ['e', listingId],
        ['a', coordinate],
        ['k', '32267'],
        ['bolt11', bolt11],
        ['description', zapRequestJson],
        ['preimage', preimage],
      ],
    })
  })

  it('a tip request without e, a, k gives a receipt without them', () => {
    const tip = sign(
      buildZapRequest({
        recipientPubkey: market.pk,
        relays: ['wss://r.example'],
        amountMsat: 1000,
        createdAtSec: 1,
      }),
      buyer,
    )
    const zr = parseZapRequest(tip)
    if (!zr.ok) throw new Error(zr.reason)
    const u = buildZapReceipt(
      zapReceiptInputFor(zr.value, { zapRequestJson: JSON.stringify(tip), bolt11, paidAtSec: 2 }),
    )
    expect(u.tags.map((t) => t[0])).toEqual(['p', 'P', 'bolt11', 'description'])
  })
})

describe('parseZapReceipt', () => {
  it('a receipt signed by the market parses with its embedded request', () => {
    const ev = sign(base(), market)
    const r = parseZapReceipt(ev)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({
      zapperPubkey: market.pk,
      recipientPubkey: market.pk,
      senderPubkey: buyer.pk,
      coordinate,
      targetEventId: listingId,
      targetKind: 32267,
      bolt11,
      preimage,
      paidAtSec: 1_760_000_100,
      description: zapRequestJson,
    })
    expect(r.value.zapRequest.amountMsat).toBe(21_000)
  })

  it('a description over 1 KiB (long comment, many relays) is fine: the tag-value limit does not apply to it', () => {
    const long = sign(
      buildZapRequest({
        recipientPubkey: market.pk,
        relays: Array.from({ length: 10 }, (_, i) => `wss://relay${i}.example.com`),
        amountMsat: 1000,
        comment: 'gg '.repeat(300),
        createdAtSec: 1,
      }),
      buyer,
    )
    const zr = parseZapRequest(long)
    if (!zr.ok) throw new Error(zr.reason)
    const json = JSON.stringify(long)
    expect(json.length).toBeGreaterThan(1024)
    const r = parseZapReceipt(
      sign(
        buildZapReceipt(
          zapReceiptInputFor(zr.value, { zapRequestJson: json, bolt11, paidAtSec: 2 }),
        ),
        market,
      ),
    )
    expect(r.ok && r.value.description).toBe(json)
  })

  it('ignores unknown tags such as alt', () => {
    expect(parseZapReceipt(sign(withTags(base(), adding(['alt', 'Zap receipt'])), market)).ok).toBe(
      true,
    )
  })

  const forged = { ...zapRequest, content: 'changed after signing' }
  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no bolt11', without('bolt11'), 'bolt11: missing'],
    ['two bolt11 tags', adding(['bolt11', bolt11]), 'bolt11: duplicate tag'],
    [
      'a bolt11 that is not an invoice',
      replacing(['bolt11', 'hello']),
      'bolt11: not a bolt11 invoice',
    ],
    ['no description', without('description'), 'description: missing'],
    [
      'a description that is not JSON',
      replacing(['description', 'zap!']),
      'description: nostr: not JSON',
    ],
    [
      'a description whose signature does not verify',
      replacing(['description', JSON.stringify(forged)]),
      'description: sig: zap request id or signature is invalid',
    ],
    [
      'a p that differs from the request',
      replacing(['p', dev.pk]),
      "p: must equal the zap request's p",
    ],
    ['two p tags', adding(['p', dev.pk]), 'p: exactly one p tag required, got 2'],
    [
      'a P that is not the request pubkey',
      replacing(['P', dev.pk]),
      "P: must equal the zap request's pubkey",
    ],
    [
      'an a that differs from the request',
      replacing(['a', `32267:${dev.pk}:other`]),
      "a: must equal the zap request's a",
    ],
    ['a missing e the request had', without('e'), "e: must equal the zap request's e"],
    [
      'a k that differs from the request',
      replacing(['k', '1']),
      "k: must equal the zap request's k",
    ],
    [
      'a preimage that is not hex',
      replacing(['preimage', 'xyz']),
      'preimage: must be 64 lowercase hex',
    ],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseZapReceipt(sign(withTags(base(), edit), market))).toEqual({ ok: false, reason })
  })

  it('rejects another kind', () => {
    expect(parseZapReceipt(sign({ ...base(), kind: 9734 }, market))).toEqual({
      ok: false,
      reason: 'kind: expected 9735, got 9734',
    })
  })
})
