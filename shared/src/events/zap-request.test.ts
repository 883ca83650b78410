import { describe, expect, it } from 'vitest'
import { finalizeEvent } from 'nostr-tools/pure'
import { Kind } from '../kinds.ts'
import { gameCoordinate } from '../ids.ts'
import type { Pubkey } from '../ids.ts'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import {
  buildZapRequest,
  checkZapAmount,
  cleanZapRelays,
  isWsUrl,
  normaliseRelayUrl,
  parseZapRequest,
  parseZapRequestJson,
} from './zap-request.ts'

const buyer = newKey()
const market = newKey()
const dev = newKey()
const coordinate = gameCoordinate({ pubkey: dev.pk as Pubkey, slug: 'star-miner' })
const listingId = 'ab'.repeat(32)

function base(): UnsignedEvent {
  return buildZapRequest({
    recipientPubkey: market.pk,
    relays: ['wss://relay.example.com', 'ws://127.0.0.1:7777'],
    amountMsat: 2_100_000,
    coordinate,
    targetEventId: listingId,
    targetKind: Kind.Game,
    lnurl:
      'lnurl1dp68gurn8ghj7um9wfmxjcm99e3k7mf0v9cxj0m385ekvcenxc6r2c35xvukxefcv5mkvv34x5ekzd3ev56nyd3hxqurzepexejxxepnxscrvwfnv9nxzcn9xq6xyefhvgcxxcmyxymnserxfq5fns',
    comment: 'for the game',
    createdAtSec: 1_760_000_000,
  })
}

describe('parseZapRequest (NIP-57 Appendix D)', () => {
  it('a storefront zap request parses into its typed fields', () => {
    const ev = sign(base(), buyer)
    const r = parseZapRequest(ev)
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        id: ev.id,
        senderPubkey: buyer.pk,
        recipientPubkey: market.pk,
        targetEventId: listingId,
        coordinate,
        targetKind: 32267,
        senderTag: undefined,
        relays: ['wss://relay.example.com', 'ws://127.0.0.1:7777'],
        amountMsat: 2_100_000,
        comment: 'for the game',
        createdAtSec: 1_760_000_000,
      }),
    })
  })

  const valid: [string, (t: string[][]) => string[][]][] = [
    [
      'a tip without e, a, k or amount',
      (t) => without('amount')(without('k')(without('a')(without('e')(t)))),
    ],
    ['an optional P tag naming the sender', adding(['P', buyer.pk])],
    ['unknown tags such as alt', adding(['alt', 'zap request'], ['client', 'zapcade'])],
    // Appendix D says a relays tag "should" be there; clients send every shape of it.
    ['no relays tag', without('relays')],
    ['an empty relays tag', replacing(['relays'])],
    [
      'an https relay and a nostr-idb cache relay',
      replacing(['relays', 'https://relay.example.com', 'nostr-idb://cache-relay']),
    ],
    ['two relays tags', adding(['relays', 'wss://b.example.com'])],
    [
      '40 relays with duplicates',
      replacing([
        'relays',
        ...Array.from({ length: 40 }, (_, i) => `wss://r${i % 25}.example.com/`),
      ]),
    ],
    [
      'two lnurl tags, one an uppercase bech32',
      adding(['lnurl', 'LNURL1DP68GURN8GHJ7UM9WFMXJCM99E3K7MF0V9CXJ0M385EKVCENXC6R2C35']),
    ],
    ['a k tag that is not a kind (dropped)', replacing(['k', '70000'])],
  ]
  it.each(valid)('accepts %s', (_name, edit) => {
    expect(parseZapRequest(sign(withTags(base(), edit), buyer)).ok).toBe(true)
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no tags at all', () => [], 'tags: a zap request must have tags'],
    ['no p tag', without('p'), 'p: exactly one p tag required, got 0'],
    ['two p tags (split zap)', adding(['p', dev.pk]), 'p: exactly one p tag required, got 2'],
    [
      'an npub in p',
      replacing(['p', 'npub1' + 'q'.repeat(58)]),
      'p: recipient pubkey must be 64 lowercase hex',
    ],
    ['two e tags', adding(['e', 'cd'.repeat(32)]), 'e: at most one e tag'],
    ['an e tag that is not hex', replacing(['e', 'xyz']), 'e: event id must be 64 lowercase hex'],
    ['two a tags', adding(['a', `32267:${dev.pk}:other`]), 'a: at most one a tag'],
    [
      'an a tag that is not a coordinate',
      replacing(['a', 'star-miner']),
      'a: must be a coordinate <kind>:<pubkey>:<d>',
    ],
    ['two P tags', adding(['P', buyer.pk], ['P', dev.pk]), 'P: at most one P tag'],
    ['a P tag that is not hex', adding(['P', 'ABC']), 'P: sender pubkey must be 64 lowercase hex'],
    [
      'a fractional amount',
      replacing(['amount', '2100.5']),
      'amount: must be a positive integer number of msat',
    ],
    [
      'a zero amount',
      replacing(['amount', '0']),
      'amount: must be a positive integer number of msat',
    ],
    [
      'a negative amount',
      replacing(['amount', '-1000']),
      'amount: must be a positive integer number of msat',
    ],
    ['two amount tags', adding(['amount', '1000']), 'amount: duplicate tag'],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseZapRequest(sign(withTags(base(), edit), buyer))).toEqual({ ok: false, reason })
  })

  it('rejects another kind', () => {
    expect(parseZapRequest(sign({ ...base(), kind: 1 }, buyer))).toEqual({
      ok: false,
      reason: 'kind: expected 9734, got 1',
    })
  })

  it('rejects a comment longer than the cap', () => {
    const r = parseZapRequest(sign({ ...base(), content: 'x'.repeat(2001) }, buyer))
    expect(r).toEqual({ ok: false, reason: 'content: comment longer than 2000 characters' })
  })

  it('isWsUrl accepts only ws and wss URLs', () => {
    expect(['wss://r.example', 'ws://127.0.0.1:7777/'].every(isWsUrl)).toBe(true)
    expect(['https://r.example', 'r.example', '', 'wss://'].some(isWsUrl)).toBe(false)
  })
})

describe('parseZapRequestJson (the callback nostr= parameter)', () => {
  it('a signed zap request string parses', () => {
    const ev = sign(base(), buyer)
    const r = parseZapRequestJson(JSON.stringify(ev))
    expect(r.ok && r.value.zapRequest.senderPubkey).toBe(buyer.pk)
  })

  it('a tampered zap request is refused by its signature', () => {
    const ev = sign(base(), buyer)
    const tampered = {
      ...ev,
      tags: ev.tags.map((t) => (t[0] === 'amount' ? ['amount', '1000'] : t)),
    }
    expect(parseZapRequestJson(JSON.stringify(tampered))).toEqual({
      ok: false,
      reason: 'sig: zap request id or signature is invalid',
    })
  })

  it('a signature from another key is refused', () => {
    const ev = sign(base(), buyer)
    const other = finalizeEvent({ ...base() }, dev.sk)
    expect(parseZapRequestJson(JSON.stringify({ ...ev, sig: other.sig })).ok).toBe(false)
  })

  it('text that is not JSON or not an event is refused with a reason', () => {
    expect(parseZapRequestJson('{nope')).toEqual({ ok: false, reason: 'nostr: not JSON' })
    expect(parseZapRequestJson('{"kind":9734}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^nostr: event: malformed/),
    })
  })
})

describe('checkZapAmount (Appendix D rule 6)', () => {
  const parsed = (edit: (t: string[][]) => string[][] = (t) => t) => {
    const r = parseZapRequest(sign(withTags(base(), edit), buyer))
    if (!r.ok) throw new Error(r.reason)
    return r.value
  }

  it('an amount tag equal to the query amount passes', () => {
    expect(checkZapAmount(parsed(), 2_100_000)).toEqual({ ok: true, value: 2_100_000 })
  })

  it('a request without an amount tag (Damus) takes the query amount', () => {
    expect(checkZapAmount(parsed(without('amount')), 5_000)).toEqual({ ok: true, value: 5_000 })
  })

  it('an amount tag that differs from the query amount is refused', () => {
    expect(checkZapAmount(parsed(), 2_100_001)).toEqual({
      ok: false,
      reason: 'amount: tag must equal the amount query parameter',
    })
  })

  it('a k tag that is not a kind is dropped, not copied', () => {
    expect(parsed(replacing(['k', '70000'])).targetKind).toBeUndefined()
  })
})

describe('cleanZapRelays (where a receipt may go)', () => {
  const publicOnly = (host: string) => !/^(127\.|10\.|192\.168\.|localhost$|\[)/.test(host)
  const any = () => true

  it('normalises case, trailing slashes and default ports', () => {
    expect(normaliseRelayUrl('  WSS://Relay.Example.COM/ ')).toBe('wss://relay.example.com')
    expect(normaliseRelayUrl('wss://relay.example.com:443/')).toBe('wss://relay.example.com')
    expect(normaliseRelayUrl('wss://relay.example.com/inbox/')).toBe(
      'wss://relay.example.com/inbox',
    )
    expect(normaliseRelayUrl('ws://127.0.0.1:7777')).toBe('ws://127.0.0.1:7777')
  })

  it('drops what is not a ws(s) relay or carries credentials', () => {
    for (const bad of [
      'nostr-idb://cache-relay',
      'https://relay.example.com',
      'relay.example.com',
      '',
      'wss://',
      'wss://u:p@relay.example.com',
    ])
      expect(normaliseRelayUrl(bad)).toBeUndefined()
  })

  it('dedupes in order, drops junk and caps at 10', () => {
    const sent = [
      'wss://a.example.com/',
      'WSS://A.example.com',
      'nostr-idb://cache-relay',
      ...Array.from({ length: 30 }, (_, i) => `wss://r${i}.example.com/`),
    ]
    const out = cleanZapRelays(sent, { allowHost: any })
    expect(out).toHaveLength(10)
    expect(out.slice(0, 3)).toEqual([
      'wss://a.example.com',
      'wss://r0.example.com',
      'wss://r1.example.com',
    ])
  })

  it('drops hosts the market may not reach (production: no private or loopback addresses)', () => {
    const sent = [
      'ws://127.0.0.1:7777',
      'ws://localhost:7000',
      'wss://10.0.0.5',
      'wss://[::1]:7777',
      'wss://relay.example.com',
    ]
    expect(cleanZapRelays(sent, { allowHost: publicOnly })).toEqual(['wss://relay.example.com'])
    expect(cleanZapRelays(sent, { allowHost: any })).toHaveLength(5)
  })
})
