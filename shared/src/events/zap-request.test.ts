import { describe, expect, it } from 'vitest'
import { finalizeEvent } from 'nostr-tools/pure'
import { Kind } from '../kinds.ts'
import { gameCoordinate } from '../ids.ts'
import type { Pubkey } from '../ids.ts'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import { buildZapRequest, checkZapRequestForMarket, isWsUrl, parseZapRequest, parseZapRequestJson } from './zap-request.ts'

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
    lnurl: 'lnurl1dp68gurn8ghj7um9wfmxjcm99e3k7mf0v9cxj0m385ekvcenxc6r2c35xvukxefcv5mkvv34x5ekzd3ev56nyd3hxqurzepexejxxepnxscrvwfnv9nxzcn9xq6xyefhvgcxxcmyxymnserxfq5fns',
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
    ['a tip without e, a, k or amount', (t) => without('amount')(without('k')(without('a')(without('e')(t))))],
    ['an optional P tag naming the sender', adding(['P', buyer.pk])],
    ['unknown tags such as alt', adding(['alt', 'zap request'], ['client', 'zapcade'])],
  ]
  it.each(valid)('accepts %s', (_name, edit) => {
    expect(parseZapRequest(sign(withTags(base(), edit), buyer)).ok).toBe(true)
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no tags at all', () => [], 'tags: a zap request must have tags'],
    ['no p tag', without('p'), 'p: exactly one p tag required, got 0'],
    ['two p tags (split zap)', adding(['p', dev.pk]), 'p: exactly one p tag required, got 2'],
    ['an npub in p', replacing(['p', 'npub1' + 'q'.repeat(58)]), 'p: recipient pubkey must be 64 lowercase hex'],
    ['two e tags', adding(['e', 'cd'.repeat(32)]), 'e: at most one e tag'],
    ['an e tag that is not hex', replacing(['e', 'xyz']), 'e: event id must be 64 lowercase hex'],
    ['two a tags', adding(['a', `32267:${dev.pk}:other`]), 'a: at most one a tag'],
    ['an a tag that is not a coordinate', replacing(['a', 'star-miner']), 'a: must be a coordinate <kind>:<pubkey>:<d>'],
    ['two P tags', adding(['P', buyer.pk], ['P', dev.pk]), 'P: at most one P tag'],
    ['a P tag that is not hex', adding(['P', 'ABC']), 'P: sender pubkey must be 64 lowercase hex'],
    ['no relays tag', without('relays'), 'relays: a relays tag is required'],
    ['an empty relays tag', replacing(['relays']), 'relays: lists no relay'],
    ['an https relay', replacing(['relays', 'https://relay.example.com']), 'relays: every relay must be a ws:// or wss:// URL'],
    ['two relays tags', adding(['relays', 'wss://b.example.com']), 'relays: duplicate tag'],
    ['a fractional amount', replacing(['amount', '2100.5']), 'amount: must be a positive integer number of msat'],
    ['a zero amount', replacing(['amount', '0']), 'amount: must be a positive integer number of msat'],
    ['a negative amount', replacing(['amount', '-1000']), 'amount: must be a positive integer number of msat'],
    ['two amount tags', adding(['amount', '1000']), 'amount: duplicate tag'],
    ['a k tag that is not a kind', replacing(['k', '70000']), 'k: must be an event kind 0..65535'],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseZapRequest(sign(withTags(base(), edit), buyer))).toEqual({ ok: false, reason })
  })

  it('rejects another kind', () => {
    expect(parseZapRequest(sign({ ...base(), kind: 1 }, buyer))).toEqual({ ok: false, reason: 'kind: expected 9734, got 1' })
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
    const tampered = { ...ev, tags: ev.tags.map((t) => (t[0] === 'amount' ? ['amount', '1000'] : t)) }
    expect(parseZapRequestJson(JSON.stringify(tampered))).toEqual({ ok: false, reason: 'sig: zap request id or signature is invalid' })
  })

  it('a signature from another key is refused', () => {
    const ev = sign(base(), buyer)
    const other = finalizeEvent({ ...base() }, dev.sk)
    expect(parseZapRequestJson(JSON.stringify({ ...ev, sig: other.sig })).ok).toBe(false)
  })

  it('text that is not JSON or not an event is refused with a reason', () => {
    expect(parseZapRequestJson('{nope')).toEqual({ ok: false, reason: 'nostr: not JSON' })
    expect(parseZapRequestJson('{"kind":9734}')).toMatchObject({ ok: false, reason: expect.stringMatching(/^nostr: event: malformed/) })
  })
})

describe('checkZapRequestForMarket (DESIGN.md section 3)', () => {
  const parsed = (edit: (t: string[][]) => string[][] = (t) => t) => {
    const r = parseZapRequest(sign(withTags(base(), edit), buyer))
    if (!r.ok) throw new Error(r.reason)
    return r.value
  }

  it('a zap to the market with the query amount passes', () => {
    const r = checkZapRequestForMarket(parsed(), { marketPubkey: market.pk, queryAmountMsat: 2_100_000 })
    expect(r.ok && r.value.amountMsat).toBe(2_100_000)
  })

  it('a zap whose p is not the market is refused', () => {
    const r = checkZapRequestForMarket(parsed(replacing(['p', dev.pk])), { marketPubkey: market.pk, queryAmountMsat: 2_100_000 })
    expect(r).toEqual({ ok: false, reason: 'p: must be the market pubkey' })
  })

  it('a zap without an amount tag is refused', () => {
    const r = checkZapRequestForMarket(parsed(without('amount')), { marketPubkey: market.pk, queryAmountMsat: 2_100_000 })
    expect(r).toEqual({ ok: false, reason: 'amount: the amount tag is required' })
  })

  it('an amount tag that differs from the query amount is refused', () => {
    const r = checkZapRequestForMarket(parsed(), { marketPubkey: market.pk, queryAmountMsat: 2_100_001 })
    expect(r).toEqual({ ok: false, reason: 'amount: tag must equal the amount query parameter' })
  })
})
