import { describe, expect, it } from 'vitest'
import type { Pubkey } from '../ids.ts'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import { buildFeaturedList, parseFeaturedList } from './featured-list.ts'

const market = newKey()
const dev = newKey()
const g = (slug: string) => ({ pubkey: dev.pk as Pubkey, slug })
const base = () =>
  buildFeaturedList({
    games: [g('b-game'), g('a-game'), g('c-game')],
    title: 'Featured',
    createdAtSec: 1_760_000_000,
  })

describe('featured list (kind 30267, NIP-51 app curation set)', () => {
  it('keeps the games in the order of their a tags', () => {
    const r = parseFeaturedList(sign(base(), market))
    expect(r.ok && r.value.games.map((x) => x.slug)).toEqual(['b-game', 'a-game', 'c-game'])
    expect(r.ok && r.value).toMatchObject({
      pubkey: market.pk,
      title: 'Featured',
      description: undefined,
    })
  })

  it('builds d = featured and one a per game', () => {
    expect(base().tags).toEqual([
      ['d', 'featured'],
      ['title', 'Featured'],
      ['a', `32267:${dev.pk}:b-game`],
      ['a', `32267:${dev.pk}:a-game`],
      ['a', `32267:${dev.pk}:c-game`],
    ])
  })

  it('an empty list (nothing featured) parses', () => {
    const r = parseFeaturedList(sign(buildFeaturedList({ games: [], createdAtSec: 1 }), market))
    expect(r.ok && r.value.games).toEqual([])
  })

  it('a repeated game keeps its first place', () => {
    const r = parseFeaturedList(
      sign(withTags(base(), adding(['a', `32267:${dev.pk}:b-game`])), market),
    )
    expect(r.ok && r.value.games.map((x) => x.slug)).toEqual(['b-game', 'a-game', 'c-game'])
  })

  it('ignores unknown tags', () => {
    expect(
      parseFeaturedList(
        sign(withTags(base(), adding(['alt', 'Featured games'], ['client', 'zapcade'])), market),
      ).ok,
    ).toBe(true)
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no d', without('d'), 'd: missing'],
    ['another d', replacing(['d', 'staff-picks']), 'd: must be "featured"'],
    ['two d tags', adding(['d', 'featured']), 'd: duplicate tag'],
    [
      'an a that is not a game',
      adding(['a', `30023:${dev.pk}:post`]),
      'a: each item must be a game coordinate 32267:<pubkey>:<slug>',
    ],
    ['two title tags', adding(['title', 'Again']), 'title: duplicate tag'],
    [
      'a non-http image',
      adding(['image', 'data:image/png;base64,AAAA']),
      'image: not an http(s) URL',
    ],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseFeaturedList(sign(withTags(base(), edit), market))).toEqual({ ok: false, reason })
  })
})
