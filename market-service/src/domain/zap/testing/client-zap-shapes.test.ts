import { describe, expect, it } from 'vitest'
import {
  finalizeEvent,
  generateSecretKey,
  getEventHash,
  getPublicKey,
  verifyEvent,
} from 'nostr-tools/pure'
import type { NostrEvent } from '@zapcade/shared/events/event'
import {
  CLIENT_ZAPS,
  LITERAL_PLUS_CLIENTS,
  NOSTR_IDB_CACHE_RELAY,
  PLUS_FOR_SPACE_CLIENTS,
  foundationQueryItemEncode,
  javaUrlEncode,
  type ClientName,
  type ClientZapInput,
} from './client-zap-shapes.ts'

const developerSk = generateSecretKey()
const developer = getPublicKey(developerSk)
const market = getPublicKey(generateSecretKey())
const game = finalizeEvent(
  {
    kind: 32267,
    created_at: 1_700_000_000,
    content: '',
    tags: [
      ['d', 'space-game'],
      ['zap', market, '', '1'],
    ],
  },
  developerSk,
)
const LNURL =
  'lnurl1dp68gurn8ghj7ctsdyhxkmmvwp5jucm0d5hkzurf9ashq6f0dehhxarj94h8xmmrd9skcmr9wssv8kx6'
const COMMENT = 'gg wp + 🎮 thanks'

function input(): ClientZapInput {
  return {
    sk: generateSecretKey(),
    recipientPubkey: market,
    target: { event: { id: game.id, pubkey: game.pubkey, kind: game.kind, tags: game.tags } },
    amountMsat: 21_000,
    relays: ['ws://127.0.0.1:7777', 'wss://relay.example.com'],
    comment: COMMENT,
    lnurl: LNURL,
    callbackUrl: 'https://market.example/lnurlp/zaps/callback',
  }
}

/** The raw (still percent-encoded) value of `name` in a query string. */
function rawParam(query: string, name: string): string {
  const pair = query.split('&').find((p) => p.startsWith(`${name}=`))
  if (pair === undefined) throw new Error(`no ${name} in ${query}`)
  return pair.slice(name.length + 1)
}

const tagValues = (e: NostrEvent, name: string): string[][] => e.tags.filter((t) => t[0] === name)
const clients = Object.keys(CLIENT_ZAPS) as ClientName[]

describe('client zap shapes', () => {
  it.each(clients)('%s: the event verifies and its nostr JSON is the signed event', (client) => {
    const z = CLIENT_ZAPS[client](input())
    expect(verifyEvent({ ...z.event })).toBe(true)
    const parsed = JSON.parse(z.nostrJson) as NostrEvent
    expect(getEventHash(parsed)).toBe(z.event.id)
    expect(parsed.sig).toBe(z.event.sig)
    expect(z.event.kind).toBe(9734)
    expect(z.event.content).toBe(COMMENT)
  })

  it.each(clients)('%s: which reading of + gives back the exact JSON', (client) => {
    const z = CLIENT_ZAPS[client](input())
    const literal = decodeURIComponent(rawParam(z.callbackQuery, 'nostr'))
    const plusAsSpace = new URLSearchParams(z.callbackQuery).get('nostr')
    if (PLUS_FOR_SPACE_CLIENTS.includes(client)) {
      // Spaces were sent as `+`: only the form reading verifies.
      expect(literal).not.toBe(z.nostrJson)
      expect(plusAsSpace).toBe(z.nostrJson)
    } else if (LITERAL_PLUS_CLIENTS.includes(client)) {
      // The comment's `+` was sent raw: only the literal reading verifies.
      expect(literal).toBe(z.nostrJson)
      expect(plusAsSpace).not.toBe(z.nostrJson)
    } else {
      // encodeURIComponent: `+` is %2B and space %20, both readings agree.
      expect(literal).toBe(z.nostrJson)
      expect(plusAsSpace).toBe(z.nostrJson)
    }
  })

  it('Damus: no amount, e + author p, at most 10 relays, + left literal, comment twice', () => {
    const many = {
      ...input(),
      relays: Array.from({ length: 12 }, (_, i) => `wss://r${i}.example.com`),
    }
    const z = CLIENT_ZAPS.damus(many)
    expect(tagValues(z.event, 'amount')).toEqual([])
    expect(tagValues(z.event, 'a')).toEqual([])
    expect(tagValues(z.event, 'e')).toEqual([['e', game.id]])
    expect(tagValues(z.event, 'p')).toEqual([['p', developer]])
    expect(tagValues(z.event, 'relays')[0]).toHaveLength(11)
    expect(z.callbackQuery.startsWith('amount=21000&nostr=%7B%22kind%22:9734,')).toBe(true)
    expect(rawParam(z.callbackQuery, 'nostr')).toContain('gg%20wp%20+%20%F0%9F%8E%AE')
    expect(rawParam(z.callbackQuery, 'comment')).toBe('gg%20wp%20+%20%F0%9F%8E%AE%20thanks')
  })

  it('anonymous zap: anon tag without value, signed by a throwaway key', () => {
    const i = input()
    const z = CLIENT_ZAPS.damusAnon(i)
    expect(tagValues(z.event, 'anon')).toEqual([['anon']])
    expect(z.event.pubkey).not.toBe(getPublicKey(i.sk))
  })

  it('Amethyst: split recipient in p, a + k + amount + lowercase lnurl, comment param first, + for spaces', () => {
    const z = CLIENT_ZAPS.amethyst(input())
    expect(z.event.tags.map((t) => t[0])).toEqual(['e', 'p', 'relays', 'k', 'a', 'amount', 'lnurl'])
    expect(tagValues(z.event, 'p')).toEqual([['p', market]])
    expect(tagValues(z.event, 'a')).toEqual([['a', `32267:${developer}:space-game`]])
    expect(tagValues(z.event, 'relays')).toEqual([
      ['relays', 'ws://127.0.0.1:7777/', 'wss://relay.example.com/'],
    ])
    expect(
      z.callbackQuery.startsWith(
        'amount=21000&comment=gg+wp+%2B+%F0%9F%8E%AE+thanks&nostr=%7B%22id%22%3A',
      ),
    ).toBe(true)
  })

  it('Primal: author p, 20+ relays with trailing slashes and duplicates', () => {
    const z = CLIENT_ZAPS.primal(input())
    const relays = tagValues(z.event, 'relays')[0]?.slice(1) ?? []
    expect(relays.length).toBeGreaterThan(20)
    expect(new Set(relays).size).toBeLessThan(relays.length)
    expect(relays.filter((r) => r.endsWith('/')).length).toBeGreaterThan(20)
    expect(tagValues(z.event, 'p')).toEqual([['p', developer]])
    expect(z.callbackQuery).toMatch(/^amount=21000&nostr=%7B%22kind%22%3A9734%2C/)
  })

  it('noStrudel: a instead of e on the listing, a nostr-idb cache relay', () => {
    const z = CLIENT_ZAPS.noStrudel(input())
    expect(tagValues(z.event, 'relays')[0]).toContain(NOSTR_IDB_CACHE_RELAY)
    expect(tagValues(z.event, 'e')).toEqual([])
    expect(tagValues(z.event, 'a')).toEqual([['a', `32267:${developer}:space-game`]])
  })

  it('NDK: 4 relays at most, lnurl tag is the callback URL, five-element e, p last', () => {
    const many = {
      ...input(),
      relays: Array.from({ length: 6 }, (_, i) => `wss://r${i}.example.com/`),
    }
    const z = CLIENT_ZAPS.ndk(many)
    expect(tagValues(z.event, 'relays')[0]).toHaveLength(5)
    expect(tagValues(z.event, 'lnurl')).toEqual([
      ['lnurl', 'https://market.example/lnurlp/zaps/callback'],
    ])
    expect(tagValues(z.event, 'e')).toEqual([['e', game.id, '', '', developer]])
    expect(z.event.tags.at(-1)).toEqual(['p', market])
    expect(z.nostrJson.startsWith('{"created_at":')).toBe(true)
  })

  it('nostr-tools makeZapRequest({ event }): developer p, e + a + k, amount', () => {
    const z = CLIENT_ZAPS.nostrTools(input())
    expect(z.event.tags.map((t) => t[0])).toEqual(['p', 'amount', 'relays', 'e', 'a', 'k'])
    expect(tagValues(z.event, 'p')).toEqual([['p', developer]])
    expect(tagValues(z.event, 'k')).toEqual([['k', '32267']])
    expect(z.callbackQuery.endsWith(`&lnurl=${LNURL}`)).toBe(true)
  })

  it('NIP-57 example shape: encodeURI and an UPPERCASE bech32 lnurl in tag and query', () => {
    const z = CLIENT_ZAPS.nip57Spec(input())
    expect(tagValues(z.event, 'lnurl')).toEqual([['lnurl', LNURL.toUpperCase()]])
    expect(z.callbackQuery.endsWith(`&lnurl=${LNURL.toUpperCase()}`)).toBe(true)
    expect(rawParam(z.callbackQuery, 'nostr')).toContain('gg%20wp%20+%20')
  })

  it('encoders: Foundation keeps + and encodes & =; Java URLEncoder matches URLSearchParams', () => {
    expect(foundationQueryItemEncode('{"a":"b c+d&e=f/~"}')).toBe(
      '%7B%22a%22:%22b%20c+d%26e%3Df/~%22%7D',
    )
    const s = 'a b+c&d=e~f*g.h-i_j/k:l🎮é"[]{}'
    expect(javaUrlEncode(s)).toBe(new URLSearchParams({ x: s }).toString().slice(2))
  })
})
