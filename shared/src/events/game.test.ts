import { describe, expect, it } from 'vitest'
import { adding, newKey, replacing, sign, signTags, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import { buildGame, isHttpUrl, isPurchasableBy, parseGame, parsePriceTag } from './game.ts'
import { ZSP_DEFAULT_COMMUNITY, zspApp } from './testing/nip82-fixtures.ts'

const dev = newKey()
const market = newKey()

const paid = (): UnsignedEvent =>
  buildGame({
    slug: 'star-miner',
    title: 'Star Miner',
    summary: 'Mine stars',
    description: '# Star Miner\nA game.',
    icon: 'https://cdn.example/icon.png',
    images: ['https://cdn.example/1.png', 'https://cdn.example/2.png'],
    tags: ['puzzle', 'space'],
    platforms: ['linux-x86_64', 'windows-x86_64'],
    url: 'https://starminer.example',
    license: 'MIT',
    priceSats: 2100,
    market: { pubkey: market.pk, relay: 'wss://relay.market.example' },
    createdAtSec: 1_760_000_000,
  })

describe('parseGame (kind 32267)', () => {
  it('a paid game built by buildGame round-trips with its price in msat and the market zap route', () => {
    const ev = sign(paid(), dev)
    expect(parseGame(ev)).toEqual({
      ok: true,
      value: {
        pubkey: dev.pk,
        slug: 'star-miner',
        title: 'Star Miner',
        summary: 'Mine stars',
        description: '# Star Miner\nA game.',
        icon: 'https://cdn.example/icon.png',
        images: ['https://cdn.example/1.png', 'https://cdn.example/2.png'],
        tags: ['puzzle', 'space'],
        platforms: ['linux-x86_64', 'windows-x86_64'],
        url: 'https://starminer.example',
        license: 'MIT',
        priceMsat: 2_100_000,
        listing: 'LISTED',
        zapPubkey: market.pk,
        zapRelay: 'wss://relay.market.example',
        createdAtSec: 1_760_000_000,
        eventId: ev.id,
      },
    })
  })

  it('a game without price is free and needs no zap tag', () => {
    const r = parseGame(
      sign(
        withTags(paid(), (t) => without('zap')(without('price')(t))),
        dev,
      ),
    )
    expect(r.ok && [r.value.priceMsat, r.value.zapPubkey]).toEqual([0, undefined])
  })

  it('a Zapstore-style app with extra tags (repository, h, alt, a to a NIP-34 repo) still parses', () => {
    const r = parseGame(
      sign(
        withTags(
          paid(),
          adding(
            ['repository', 'https://github.com/dev/star-miner'],
            ['h', 'zapstore'],
            ['alt', 'App'],
            ['a', `30617:${dev.pk}:star-miner`],
          ),
        ),
        dev,
      ),
    )
    expect(r.ok).toBe(true)
  })

  it('genres are lower-cased and deduplicated, without the game tag', () => {
    const r = parseGame(sign(withTags(paid(), adding(['t', 'Puzzle'], ['t', 'GAME'])), dev))
    expect(r.ok && r.value.tags).toEqual(['puzzle', 'space'])
  })

  it.each([
    ['unlisted', 'UNLISTED'],
    ['draft', 'DRAFT'],
  ])('status %s makes the listing %s', (status, listing) => {
    const r = parseGame(sign(withTags(paid(), adding(['status', status])), dev))
    expect(r.ok && r.value.listing).toBe(listing)
  })

  it.each([
    ['SAT', true],
    ['sats', true],
    ['sat', true],
    ['BTC', false],
    ['USD', false],
  ])('price currency %s accepted: %s', (currency, accepted) => {
    expect(parsePriceTag(['price', '100', currency]).ok).toBe(accepted)
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no d', without('d'), 'd: missing'],
    [
      'a d that is not a slug',
      replacing(['d', 'Star Miner']),
      'd: slug must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}',
    ],
    [
      'a d with @ (a release address)',
      replacing(['d', 'star@1.0.0']),
      'd: slug must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}',
    ],
    ['two d tags', adding(['d', 'other']), 'd: duplicate tag'],
    ['no name', without('name'), 'name: missing'],
    ['a blank name', replacing(['name', '   ']), 'name: empty'],
    ['an overlong name', replacing(['name', 'x'.repeat(121)]), 'name: longer than 120 characters'],
    ['two name tags', adding(['name', 'Again']), 'name: duplicate tag'],
    [
      'an overlong summary',
      replacing(['summary', 'x'.repeat(281)]),
      'summary: longer than 280 characters',
    ],
    ['an icon that is not http(s)', replacing(['icon', 'ipfs://x']), 'icon: not an http(s) URL'],
    [
      'an image that is not http(s)',
      adding(['image', 'file:///etc/passwd']),
      'image: not an http(s) URL',
    ],
    [
      'no t=game',
      (t) => t.filter((x) => !(x[0] === 't' && x[1] === 'game')),
      't: a game must carry ["t","game"]',
    ],
    [
      'a genre with spaces',
      adding(['t', 'open world']),
      't: genre must match [a-z0-9][a-z0-9-]{0,31}',
    ],
    [
      'a platform with spaces',
      adding(['f', 'Linux x86']),
      'f: platform id must match [a-z0-9][a-z0-9_-]{0,31}',
    ],
    [
      'a fractional price',
      replacing(['price', '2100.5', 'SAT']),
      'price: not a non-negative integer',
    ],
    ['a negative price', replacing(['price', '-1', 'SAT']), 'price: not a non-negative integer'],
    ['a price in BTC', replacing(['price', '1', 'BTC']), 'price: currency must be SAT, got BTC'],
    [
      'a recurring price',
      replacing(['price', '100', 'SAT', 'month']),
      'price: recurring prices are not supported',
    ],
    [
      'a price over the cap',
      replacing(['price', '1000000001', 'SAT']),
      'price: above 1000000000 sats',
    ],
    ['two price tags', adding(['price', '1', 'SAT']), 'price: duplicate tag'],
    [
      'an unknown status',
      adding(['status', 'sold']),
      'status: must be "draft" or "unlisted" when present',
    ],
    [
      'a paid game without a zap tag',
      without('zap'),
      'zap: a paid game needs a first zap tag naming the market',
    ],
    [
      'a paid game with a split zap naming an npub',
      adding(['zap', 'npub1xyz', 'wss://r', '1']),
      'zap: pubkey must be 64 lowercase hex',
    ],
    [
      'a zap tag with an npub',
      replacing(['zap', 'npub1xyz', 'wss://r', '1']),
      'zap: pubkey must be 64 lowercase hex',
    ],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseGame(sign(withTags(paid(), edit), dev))).toEqual({ ok: false, reason })
  })

  it('accepts a paid game whose first zap tag names the market and further ones name collaborators', () => {
    const r = parseGame(sign(withTags(paid(), adding(['zap', dev.pk, 'wss://r', '1'])), dev))
    expect(r.ok && r.value.zapPubkey).toBe(market.pk)
  })

  it('rejects a free game with two zap tags', () => {
    const ev = signTags(
      32267,
      [
        ['d', 'g'],
        ['name', 'G'],
        ['t', 'game'],
        ['zap', market.pk],
        ['zap', dev.pk],
      ],
      dev,
    )
    expect(parseGame(ev)).toEqual({ ok: false, reason: 'zap: at most one zap tag' })
  })

  it('rejects another kind', () => {
    expect(parseGame(sign({ ...paid(), kind: 30023 }, dev))).toEqual({
      ok: false,
      reason: 'kind: expected 32267, got 30023',
    })
  })
})

describe('parseGame: NIP-82 apps as zsp publishes them (testing/nip82-fixtures.ts)', () => {
  const app = (packageId: string, extra: Partial<Parameters<typeof zspApp>[0]> = {}) =>
    zspApp({
      packageId,
      name: 'Example App',
      description: 'A test application',
      summary: 'Test app',
      website: 'https://example.com',
      license: 'MIT',
      repository: 'https://github.com/example/app',
      tags: ['game', 'arcade'],
      iconUrl: 'https://cdn.example.com/icon.png',
      imageUrls: ['https://cdn.example.com/screenshot1.png'],
      platforms: ['android-arm64-v8a', 'android-armeabi-v7a'],
      createdAtSec: 1_760_000_000,
      ...extra,
    })
  const shapes: [string, UnsignedEvent, Record<string, unknown>][] = [
    [
      'zsp app (h community, repository)',
      app('com.example.app'),
      { slug: 'com.example.app', platforms: ['android-arm64-v8a', 'android-armeabi-v7a'] },
    ],
    [
      'a d with capitals keeps its case',
      app('com.Example.App'),
      { slug: 'com.Example.App', title: 'Example App' },
    ],
    [
      'unknown tags are ignored',
      withTags(
        app('g'),
        adding(['alt', 'x'], ['a', '30617:' + 'ab'.repeat(32) + ':repo'], ['h', 'other']),
      ),
      { slug: 'g' },
    ],
  ]
  it.each(shapes)('accepts %s', (_name, u, expected) => {
    const ev = sign(u, dev)
    expect(ev.tags).toContainEqual(['h', ZSP_DEFAULT_COMMUNITY])
    const r = parseGame(ev)
    expect(r.ok && r.value).toMatchObject({
      ...expected,
      description: 'A test application',
      url: 'https://example.com',
      priceMsat: 0,
    })
  })
  it('an app without ["t","game"] is still not a game (our marketplace rule)', () => {
    expect(parseGame(sign(app('com.example.app', { tags: ['arcade'] }), dev))).toEqual({
      ok: false,
      reason: 't: a game must carry ["t","game"]',
    })
  })
})

describe('isPurchasableBy (docs/architecture.md "Event profile")', () => {
  const parsed = (u: UnsignedEvent) => {
    const r = parseGame(sign(u, dev))
    if (!r.ok) throw new Error(r.reason)
    return r.value
  }
  it('a paid game whose zap tag names the market is purchasable by that market only', () => {
    const g = parsed(paid())
    expect(isPurchasableBy(g, market.pk)).toBe(true)
    expect(isPurchasableBy(g, dev.pk)).toBe(false)
  })
  it('a free game is not purchasable, even with the market zap tag', () => {
    expect(isPurchasableBy(parsed(withTags(paid(), without('price'))), market.pk)).toBe(false)
  })
})

describe('isHttpUrl', () => {
  it('accepts http and https only', () => {
    expect(['https://a.example/x', 'http://127.0.0.1:8787/'].every(isHttpUrl)).toBe(true)
    expect(['wss://a.example', 'javascript:alert(1)', 'a.example', ''].some(isHttpUrl)).toBe(false)
  })
})
