import { describe, expect, it } from 'vitest'
import { generateSecretKey, finalizeEvent } from 'nostr-tools/pure'
import { buildGame, parseGame } from '@zapcade/shared/events/game'
import { gameInputOf, validateManifest } from './manifest.ts'
import { slugFromName } from './commands/game.ts'

const base = { slug: 'space-blaster', title: 'Space Blaster' }
const market = { pubkey: 'a'.repeat(64), relay: 'ws://127.0.0.1:7777' }

describe('zapcade.json', () => {
  it('defaults: free, draft, no tags', () => {
    expect(validateManifest(base)).toMatchObject({
      price_sats: 0,
      status: 'draft',
      tags: [],
      platforms: [],
      images: [],
    })
  })

  it('each bad field is named in one message', () => {
    expect(() =>
      validateManifest({ slug: 'Space Blaster', title: '', price_sats: -1 }, 'zapcade.json'),
    ).toThrow(/zapcade\.json is invalid: slug: .*; title: .*; price_sats: /)
  })

  it('unknown fields, fractional prices, bad URLs and statuses are refused', () => {
    expect(() => validateManifest({ ...base, prize: 1 })).toThrow(/prize/)
    expect(() => validateManifest({ ...base, price_sats: 2.5 })).toThrow(/price_sats/)
    expect(() => validateManifest({ ...base, icon: 'javascript:alert(1)' })).toThrow(
      /icon: must be an http\(s\) URL/,
    )
    expect(() => validateManifest({ ...base, status: 'public' })).toThrow(/status/)
    expect(() => validateManifest({ ...base, tags: ['Shooter'] })).toThrow(/tags/)
    expect(() => validateManifest({ ...base, platforms: ['linux'] })).toThrow(
      /unknown platform "linux"; use NIP-82 ids: linux-x86_64/,
    )
  })

  it('a valid paid manifest signs into a game event the shared parser accepts, with exactly one zap tag to the market', () => {
    const m = validateManifest({
      ...base,
      price_sats: 2100,
      tags: ['shooter'],
      platforms: ['linux-x86_64'],
      status: 'listed',
      summary: 'Pew',
    })
    const ev = finalizeEvent(
      buildGame(gameInputOf(m, '# Hi', market, 1_700_000_000)),
      generateSecretKey(),
    )
    const g = parseGame(ev)
    if (!g.ok) throw new Error(g.reason)
    expect(g.value).toMatchObject({
      slug: 'space-blaster',
      priceMsat: 2_100_000,
      listing: 'LISTED',
      zapPubkey: market.pubkey,
      tags: ['shooter'],
      description: '# Hi',
    })
    expect(ev.tags.filter((t) => t[0] === 'zap')).toEqual([
      ['zap', market.pubkey, market.relay, '1'],
    ])
  })

  it('a free game carries no zap tag; draft and unlisted map to the status tag', () => {
    const draft = buildGame(gameInputOf(validateManifest(base), '', market, 1))
    expect(draft.tags.some((t) => t[0] === 'zap')).toBe(false)
    expect(draft.tags).toContainEqual(['status', 'draft'])
    const unlisted = buildGame(
      gameInputOf(validateManifest({ ...base, status: 'unlisted' }), '', market, 1),
    )
    expect(unlisted.tags).toContainEqual(['status', 'unlisted'])
  })

  it('slugs made from folder names are valid slugs', () => {
    expect(slugFromName('My Cool Game!')).toBe('my-cool-game-')
    expect(slugFromName('__')).toBe('my-game')
    expect(validateManifest({ ...base, slug: slugFromName('Ünïcode Game 2') }).slug).toMatch(
      /^[a-z0-9]/,
    )
  })
})
